/**
 * Prometheus metrics for the speed layer and the HTTP server (prom-client, one registry per
 * server so tests and several apps in one process do not collide).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { RequestHistogram } from './request-histogram.js';
import type { SpeedLayerEvents } from '../cache/speed-layer.js';
import type { RollupCandidateInfo } from '../core/query.js';

export interface ServerMetrics {
  readonly registry: Registry;
  /** Feeds cache outcomes, warehouse latency and queue depth (pass to createSpeedLayer). */
  readonly speedLayerEvents: SpeedLayerEvents;
  /** One finished HTTP request: route pattern (not the URL: bounded label values), method, status. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** The rollups one query tried (engine onRollupDecision): a hit for the one used, a miss with its rule for the others. */
  observeRollups(tried: readonly RollupCandidateInfo[]): void;
}

export interface ServerMetricsOptions {
  /** Process metrics (CPU, memory, event loop); default on. */
  readonly processMetrics?: boolean;
  /** The embedded warehouse's worker thread (src/warehouse/pglite-thread.ts), when the server has one. */
  readonly embeddedThread?: { readonly stats: { readonly restarts: number } } | undefined;
}

export function createServerMetrics(opts: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'maatstaf_' });
  const registers = [registry];

  const requestSeconds = new RequestHistogram('maatstaf_http_request_duration_seconds', 'HTTP request latency by route.', [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
  ]);
  // A prom-client-compatible metric of our own (request-histogram.ts): registered like theirs.
  registry.registerMetric(requestSeconds as unknown as Metric);
  // Outcomes are tallied in plain numbers and handed to prom-client at each scrape: a labelled
  // increment per cached answer cost more than the rest of the cache lookup.
  const OUTCOMES = ['hit', 'shared_hit', 'miss', 'stale', 'coalesced'] as const;
  const pendingOutcomes = new Map<string, number>(OUTCOMES.map((o) => [o, 0]));
  const cacheLookups = new Counter({
    name: 'maatstaf_cache_requests_total',
    help: 'Queries by how the result cache answered: hit, shared_hit (Redis tier), miss, stale (expired answer while the warehouse failed), coalesced (joined an identical query in flight).',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      for (const [outcome, n] of pendingOutcomes) {
        if (n === 0) continue;
        this.inc({ outcome }, n);
        pendingOutcomes.set(outcome, 0);
      }
    },
  });
  const warehouseSeconds = new Histogram({
    name: 'maatstaf_warehouse_query_duration_seconds',
    help: 'Warehouse query latency (time running, not waiting in the queue).',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const queued = new Gauge({ name: 'maatstaf_warehouse_queue_depth', help: 'Warehouse queries waiting for a slot.', registers });
  const inFlight = new Gauge({ name: 'maatstaf_warehouse_queries_in_flight', help: 'Warehouse queries running now.', registers });
  for (const outcome of OUTCOMES) cacheLookups.inc({ outcome }, 0);
  const rollupQueries = new Counter({
    name: 'maatstaf_rollup_queries_total',
    help: 'Queries per declared rollup tried: outcome hit (answered from it) or miss, with the first rule it failed (not-built, stale, time-grain, …).',
    labelNames: ['rollup', 'outcome', 'rule'] as const,
    registers,
  });
  const thread = opts.embeddedThread;
  if (thread) {
    let counted = 0;
    new Counter({
      name: 'maatstaf_embedded_warehouse_restarts_total',
      help: 'Restarts of the embedded warehouse\'s worker thread (a statement timed out or was cancelled, the thread crashed, or a failed start was retried).',
      registers,
      collect() {
        this.inc(thread.stats.restarts - counted);
        counted = thread.stats.restarts;
      },
    });
  }

  return {
    registry,
    speedLayerEvents: {
      onOutcome: (outcome) => pendingOutcomes.set(outcome, (pendingOutcomes.get(outcome) ?? 0) + 1),
      onQuery: (ms, failed) => warehouseSeconds.observe({ outcome: failed ? 'error' : 'ok' }, ms / 1000),
      onQueueChange: (running, waiting) => {
        inFlight.set(running);
        queued.set(waiting);
      },
    },
    observeRequest: (route, method, status, seconds) => requestSeconds.series(route, method, status).observe(seconds),
    observeRollups: (tried) => {
      for (const t of tried) rollupQueries.inc({ rollup: t.name, outcome: t.used ? 'hit' : 'miss', rule: t.rule ?? '' });
    },
  };
}
