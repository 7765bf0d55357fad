import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

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

/**
 * The same hash for several files, computed on a worker thread so the caller can read and parse
 * other files meanwhile (opening a large index: the vectors' checksum overlaps the JSON parsing).
 * Each result is the hex digest or the error message of that file.
 */
export function sha256FilesInWorker(files: readonly string[]): Promise<Array<{ sum: string } | { error: string }>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { files, bufferBytes: BUFFER_BYTES } });
    worker.once('message', (results) => resolve(results));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the hashing thread exited with code ${code}`));
    });
  });
}

/** The worker's loop: sha256File's, in plain JavaScript (eval workers run without the TypeScript loader). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(workerData.bufferBytes);
parentPort.postMessage(workerData.files.map((file) => {
  try {
    const hash = createHash('sha256');
    const fd = fs.openSync(file, 'r');
    try {
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
    return { sum: hash.digest('hex') };
  } catch (err) {
    return { error: err && err.message ? err.message : String(err) };
  }
}));
`;
