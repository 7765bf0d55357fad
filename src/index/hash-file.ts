import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** Read size of the hash loop: large enough for throughput, small enough to stay out of the heap's way. */
const BUFFER_BYTES = 1 << 20;

/**
 * sha256 of a file, read through one fixed buffer. Reading the whole file at once fails above
 * 2 GiB (Node's largest single read) and doubles peak memory for the vector file; the loop
 * keeps memory flat whatever the size. Synchronous because the index is read synchronously.
 */
export function sha256File(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, BUFFER_BYTES, null);
      if (n === 0) break;
      hash.update(n === BUFFER_BYTES ? buffer : buffer.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
