import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics with a registry of their own (never the global one), so several
 * servers in one process (tests) do not share or clash.
 */
export interface ServerMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  answerSeconds: Histogram<'endpoint'>;
  abstentions: Counter<'endpoint'>;
  errors: Counter<'code'>;
  /** Failed chat-store writes and reads (answers still went out); read from the chat core when scraped. */
  storeErrors: Counter;
}

export function createMetrics(opts: { storeErrors?: () => number; corpusHash?: () => string } = {}): ServerMetrics {
  const registry = new Registry();
  let seen = 0;
  // Which index is live (its corpus hash as a label), for dashboards and alerts after a rebuild.
  new Gauge({
    name: 'policybot_index_info',
    help: 'The index being served: 1 for its corpus hash',
    labelNames: ['corpus_hash'],
    registers: [registry],
    collect() {
      this.reset();
      if (opts.corpusHash) this.set({ corpus_hash: opts.corpusHash().slice(0, 16) }, 1);
    },
  });
  collectDefaultMetrics({ register: registry, prefix: 'policybot_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'policybot_http_requests_total',
      help: 'HTTP requests by route pattern, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    answerSeconds: new Histogram({
      name: 'policybot_answer_duration_seconds',
      help: 'Time to answer a question (retrieval and composition), by endpoint',
      labelNames: ['endpoint'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    abstentions: new Counter({
      name: 'policybot_abstentions_total',
      help: 'Questions answered with "not covered by the documents"',
      labelNames: ['endpoint'],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'policybot_store_errors_total',
      help: 'Chat store operations that failed (disk full, read-only DATA_DIR); the answers were still sent',
      registers: [registry],
      collect() {
        const now = opts.storeErrors?.() ?? 0;
        if (now > seen) this.inc(now - seen);
        seen = Math.max(seen, now);
      },
    }),
    errors: new Counter({
      name: 'policybot_errors_total',
      help: 'Requests that ended in an error, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
