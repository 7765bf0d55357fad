import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import { noProgress, type Progress } from '../progress.ts';

/** Progress bars on a TTY only; pipes and CI logs stay clean. */
export function terminalProgress(stream: Writable & { isTTY?: boolean }): Progress {
  if (!stream.isTTY) return noProgress;
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(label, total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        { format: `${label.padEnd(24)} {bar} {value}/{total}`, stream: stream as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    update(done) {
      bar?.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
