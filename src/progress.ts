/** Progress of long work. The CLI shows bars on a TTY; everything else passes `noProgress`. */
export interface Progress {
  start(label: string, total: number): void;
  update(done: number): void;
  stop(): void;
}

export const noProgress: Progress = { start() {}, update() {}, stop() {} };
