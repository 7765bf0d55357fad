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
        // 剩余 {eta_formatted}: long builds (a national corpus) say how long they still need.
        { format: `${label.padEnd(24)} {bar} {value}/{total}  {percentage}%  剩余 {eta_formatted}`, stream: stream as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
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
