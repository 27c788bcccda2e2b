/**
 * Issue 8 targets: 200 concurrent identical cold requests cost exactly one warehouse query
 * (counted at the warehouse), and a cached answer over HTTP costs about what a bare Fastify route
 * returning the same JSON costs.
 */
import Fastify from 'fastify';
import { createSpeedLayer, DEFAULT_SPEED_LAYER } from '../cache/speed-layer.js';
import { loadEngine } from '../engine/load-engine.js';
import { buildApp } from '../server/app.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { BenchSection } from './engine.bench.js';
import { fmt, percentile } from './stats.js';

const QUERY = { metrics: ['reports_received', 'app_share'], groupBy: ['metric_time__month', 'report__channel'], orderBy: ['metric_time__month'] };

/** The warehouse with a query counter. */
function counting(inner: Warehouse): { readonly wh: Warehouse; readonly count: () => number } {
  let n = 0;
  const wh: Warehouse = {
    kind: inner.kind,
    db: inner.db,
    schema: inner.schema,
    query: (sql, params) => {
      n++;
      return inner.query(sql, params);
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { wh, count: () => n };
}

export async function benchCoalescing(warehouse: Warehouse, metricsDir: string, engineLabel: string): Promise<BenchSection> {
  const counted = counting(warehouse);
  const loaded = await loadEngine(metricsDir, counted.wh);
  if (!loaded.engine) throw new Error(loaded.error);
  const failures: string[] = [];

  const before = counted.count();
  const t0 = performance.now();
  const single = await loaded.engine.run(QUERY);
  const singleMs = performance.now() - t0;
  const bare = counted.count() - before;

  const engine = createSpeedLayer(DEFAULT_SPEED_LAYER).wrapEngine(loaded.engine);
  const start = counted.count();
  const t1 = performance.now();
  const results = await Promise.all(Array.from({ length: 200 }, () => engine.run(QUERY)));
  const burstMs = performance.now() - t1;
  const queries = counted.count() - start;
  if (queries !== 1) failures.push(`coalescing: 200 concurrent identical cold requests ran ${queries} warehouse queries (want 1)`);
  const expected = JSON.stringify(single.rows);
  const wrong = results.filter((r) => JSON.stringify(r.rows) !== expected).length;
  if (wrong) failures.push(`coalescing: ${wrong} of 200 answers differ from the uncached answer`);

  return {
    title: `Request coalescing (${engineLabel})`,
    lines: [
      '| case | warehouse queries | wall time |',
      '|---|---|---|',
      `| 1 request, no speed layer | ${bare} | ${fmt(singleMs)} |`,
      `| 200 concurrent identical cold requests | ${queries} | ${fmt(burstMs)} |`,
      '',
      `All 200 answers equal the uncached answer: ${wrong === 0 ? 'yes' : `no (${wrong} differ)`} (${single.rows.length} rows).`,
    ],
    failures,
  };
}

/** Sequential in-process requests (app.inject) for `seconds`; latency samples in ms. */
async function drive(send: () => Promise<{ statusCode: number; body: string }>, seconds: number, check: (body: string) => boolean) {
  const samples: number[] = [];
  let bad = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const t0 = performance.now();
    const res = await send();
    samples.push(performance.now() - t0);
    if (res.statusCode !== 200 || !check(res.body)) bad++;
  }
  samples.sort((a, b) => a - b);
  return { n: samples.length, perSecond: samples.length / seconds, p50: percentile(samples, 50), p99: percentile(samples, 99), bad };
}

export async function benchCachedThroughput(warehouse: Warehouse, metricsDir: string, seconds = 4): Promise<BenchSection> {
  const speed = createSpeedLayer(DEFAULT_SPEED_LAYER);
  const loaded = await loadEngine(metricsDir, warehouse);
  if (!loaded.engine) throw new Error(loaded.error);
  const app = await buildApp({ state: { warehouse, engine: speed.wrapEngine(loaded.engine), definitionsError: undefined }, logger: false });
  await app.ready();
  const payload = JSON.stringify(QUERY);
  const warm = await app.inject({ method: 'POST', url: '/v1/query', headers: { 'content-type': 'application/json' }, payload });
  const rows = JSON.stringify((JSON.parse(warm.body) as { rows: unknown }).rows);

  // The baseline: the same JSON body from a route that does nothing else.
  const bare = Fastify({ logger: false });
  bare.post('/v1/query', async (_req, reply) => reply.type('application/json; charset=utf-8').send(warm.body));
  await bare.ready();

  const failures: string[] = [];
  try {
    const sameRows = (body: string) => JSON.stringify((JSON.parse(body) as { rows: unknown }).rows) === rows;
    const cached = await drive(
      () => app.inject({ method: 'POST', url: '/v1/query', headers: { 'content-type': 'application/json' }, payload }),
      seconds,
      (body) => sameRows(body) && (JSON.parse(body) as { meta: { cache: string } }).meta.cache === 'hit',
    );
    const baseline = await drive(() => bare.inject({ method: 'POST', url: '/v1/query', headers: { 'content-type': 'application/json' }, payload }), seconds, sameRows);
    if (cached.bad) failures.push(`cached throughput: ${cached.bad} of ${cached.n} cached answers were not a 200 hit with the same rows`);
    return {
      title: 'Cached query throughput (in-process `app.inject`, one request at a time)',
      lines: [
        `Query: ${payload} (${(JSON.parse(warm.body) as { rows: unknown[] }).rows.length} rows, ${warm.body.length} bytes), ${seconds} s each.`,
        '',
        '| route | requests/s | p50 | p99 |',
        '|---|---|---|---|',
        `| POST /v1/query, cache hit (validation, key, cache, JSON) | ${cached.perSecond.toFixed(0)} | ${fmt(cached.p50)} | ${fmt(cached.p99)} |`,
        `| bare Fastify route sending the same JSON | ${baseline.perSecond.toFixed(0)} | ${fmt(baseline.p50)} | ${fmt(baseline.p99)} |`,
        '',
        `Cached / bare: ${((cached.perSecond / baseline.perSecond) * 100).toFixed(0)} % of the bare route's throughput.`,
      ],
      failures,
    };
  } finally {
    await app.close();
    await bare.close();
  }
}
