import { isPolicybotError } from './errors.ts';

/** How many answers in a row may fail before the service reports that it cannot answer. */
export const FAILING_AFTER = 3;

export interface AnswerHealth {
  /** An answer (or a refusal) went out. */
  ok(): void;
  /** Answering failed for a reason that is not the question's fault. */
  failed(err: unknown): void;
  /** Null while answers go out; else why the last ones failed (the error code or name). */
  problem(): string | null;
}

/**
 * Whether this engine still answers: counts consecutive failures of `ask`, so `/healthz` can fail
 * (503) when an index loaded fine but every question now errors, instead of reporting ok while
 * users get 500s. A bad question (too long, malformed) is the asker's problem and does not count.
 */
export function answerHealth(failingAfter = FAILING_AFTER): AnswerHealth {
  let failures = 0;
  let last: string | null = null;
  return {
    ok() {
      failures = 0;
      last = null;
    },
    failed(err) {
      if (isPolicybotError(err) && (err.code === 'E_BAD_QUESTION' || err.code === 'E_BAD_INPUT')) return;
      failures += 1;
      last = isPolicybotError(err) ? err.code : err instanceof Error ? err.name : 'Error';
    },
    problem: () => (failures >= failingAfter ? `${failures} answers in a row failed (${last})` : null),
  };
}
