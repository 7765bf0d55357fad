import fs from 'node:fs';
import { currentVersion } from './store.ts';

/** How long changes settle before the new version is looked at. */
const SETTLE_MS = 300;
/** A slow poll as well: inotify does not see changes made on another host of a shared disk. */
const POLL_MS = 10_000;

/**
 * Calls `onChange` with the new version when CURRENT in the index folder names another one — a
 * `policybot ingest` of another process (or host, on a shared disk) finished a build. Returns the
 * function that stops watching. A folder that cannot be watched is polled only.
 */
export function watchIndex(indexDir: string, onChange: (version: string) => void): () => void {
  let seen = currentVersion(indexDir);
  let timer: NodeJS.Timeout | null = null;
  const check = () => {
    timer = null;
    const now = currentVersion(indexDir);
    if (now && now !== seen) {
      seen = now;
      onChange(now);
    }
  };
  const soon = () => {
    if (!timer) timer = setTimeout(check, SETTLE_MS);
  };
  let watcher: fs.FSWatcher | null = null;
  try {
    fs.mkdirSync(indexDir, { recursive: true });
    watcher = fs.watch(indexDir, (_event, name) => {
      if (!name || String(name) === 'CURRENT') soon();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = null;
  }
  const poll = setInterval(check, POLL_MS);
  poll.unref();
  return () => {
    watcher?.close();
    clearInterval(poll);
    if (timer) clearTimeout(timer);
  };
}
