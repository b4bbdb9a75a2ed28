import { Counter, Histogram, Registry } from 'prom-client';

import type { CountsCache } from './counts-cache.js';

/** The Prometheus metrics of one app (its own registry: several apps in one process do not mix). */
export interface ApiMetrics {
  readonly registry: Registry;
  /** Records one answered request. `route` is the route pattern (bounded label values), not the URL. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
}

/** Request latency buckets, seconds: the API answers in well under 20 ms; the tail shows what does not. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * /metrics: DLRN's build counters under DLRN's names
 * (`dlrn_builds_succeeded_total`, `dlrn_builds_failed_total`,
 * `dlrn_builds_retry_total`, `dlrn_builds_total`, labelled with the
 * baseurl), ferry's vote, aggregate vote and promotion counters, and a
 * request latency histogram. Counts come from the CountsCache, not from a
 * table scan per scrape.
 */
export function createApiMetrics(counts: CountsCache, baseurl: string): ApiMetrics {
  const registry = new Registry();
  const counter = (
    name: string,
    help: string,
    pick: (c: Awaited<ReturnType<CountsCache['get']>>) => number,
    labelled: boolean,
  ): void => {
    new Counter({
      name,
      help,
      labelNames: labelled ? ['baseurl'] : [],
      registers: [registry],
      async collect() {
        const value = pick(await counts.get());
        this.reset();
        if (labelled) this.inc({ baseurl }, value);
        else this.inc(value);
      },
    });
  };
  counter('dlrn_builds_succeeded_total', 'Total number of successful builds', (c) => c.succeeded, true);
  counter('dlrn_builds_failed_total', 'Total number of failed builds', (c) => c.failed, true);
  counter('dlrn_builds_retry_total', 'Total number of builds in retry state', (c) => c.retry, true);
  counter('dlrn_builds_total', 'Total number of builds', (c) => c.builds, true);
  counter('ferry_votes_total', 'CI votes recorded on snapshots', (c) => c.votes, false);
  counter(
    'ferry_aggregate_votes_total',
    'CI votes recorded on aggregate hashes',
    (c) => c.aggregateVotes,
    false,
  );
  counter('ferry_promotions_total', 'Promotions recorded', (c) => c.promotions, false);
  const latency = new Histogram({
    name: 'ferry_http_request_duration_seconds',
    help: 'Time to answer API requests',
    labelNames: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    observeRequest(method, route, statusCode, seconds) {
      latency.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
  };
}
