import type { Engine } from './engine.ts';

/**
 * One engine reference for the server, the chat and the channels that can be pointed at a new index
 * without a restart: every property is read from the current engine at the time of use, so a swap
 * takes effect for the next question while a question in flight finishes on the old one.
 */
export interface SwappableEngine {
  readonly engine: Engine;
  swap(next: Engine): void;
  current(): Engine;
}

export function swappableEngine(initial: Engine): SwappableEngine {
  let current = initial;
  const engine = new Proxy({} as Engine, {
    get: (_t, prop) => {
      const v = Reflect.get(current, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(current) : v;
    },
    has: (_t, prop) => prop in current,
  });
  return {
    engine,
    swap(next) {
      current = next;
    },
    current: () => current,
  };
}
