import { z } from 'zod';

/** The web chat's session id: a random id the browser keeps (static/app.js makes one). */
export const SESSION_ID = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'sessionId must be 16–64 letters, digits, _ or -');
