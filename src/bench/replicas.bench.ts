/**
 * Issue 8: two replicas on one Redis. Replica A answers a query from the warehouse and stores it
 * in the shared tier; replica B's first request for it must be a cache hit (served from Redis,
 * no warehouse query).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BenchSection } from './engine.bench.js';
import { startMaatstaf, type ServerProcess } from './processes.js';
import { fmt } from './stats.js';

export interface ReplicasBenchOptions {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly metricsDir: string;
  readonly redisUrl: string;
}

async function redisReachable(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** `maatstaf_cache_requests_total{outcome}` from the server's Prometheus metrics. */
async function outcomes(server: ServerProcess): Promise<Record<string, number>> {
  const text = await fetch(`${server.url}/internal/metrics`).then((r) => r.text());
  const found: Record<string, number> = {};
  for (const m of text.matchAll(/^maatstaf_cache_requests_total\{outcome="(\w+)"\} (\d+)/gm)) found[m[1]!] = Number(m[2]);
  return found;
}

async function ask(server: ServerProcess, query: unknown) {
  const t0 = performance.now();
  const res = await fetch(`${server.url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(query) });
  const answer = (await res.json()) as { rows: unknown[]; meta: { cache?: string } };
  return { status: res.status, ms: performance.now() - t0, cache: answer.meta?.cache, rows: JSON.stringify(answer.rows), count: answer.rows?.length ?? 0 };
}

export async function benchReplicas(opts: ReplicasBenchOptions): Promise<BenchSection> {
  const title = 'Two replicas on one Redis';
  const shown = opts.redisUrl.replace(/\/\/[^@/]*@/, '//…@');
  if (!(await redisReachable(opts.redisUrl))) {
    return { title, lines: [`Skipped: no Redis answering at ${shown} (set BENCH_REDIS_URL).`], failures: [] };
  }
  // A filter that matches every report but is new each run, so no earlier run's entry answers.
  const query = {
    metrics: ['reports_received'],
    groupBy: ['metric_time__month', 'report__category'],
    where: [`{{ Dimension('report__category') }} <> 'bench-${randomUUID()}'`],
  };
  const failures: string[] = [];
  const env = { REDIS_URL: opts.redisUrl };
  const server = { databaseUrl: opts.databaseUrl, schema: opts.schema, metricsDir: opts.metricsDir, env };
  const [a, b] = await Promise.all([startMaatstaf(server), startMaatstaf(server)]);
  try {
    const first = await ask(a, query);
    // Replica A writes to Redis in the background after answering.
    await new Promise((r) => setTimeout(r, 300));
    const second = await ask(b, query);
    const counted = await outcomes(b);
    if (first.status !== 200 || first.cache !== 'miss') failures.push(`replicas: replica A's first answer was ${first.status} ${first.cache} (want 200 miss)`);
    if (second.status !== 200 || second.cache !== 'hit') failures.push(`replicas: replica B's first answer was ${second.status} ${second.cache} (want 200 hit)`);
    if (counted.shared_hit !== 1 || (counted.miss ?? 0) !== 0) failures.push(`replicas: replica B counted ${JSON.stringify(counted)} (want shared_hit 1, miss 0)`);
    if (second.rows !== first.rows || first.count === 0) failures.push('replicas: replica B returned other rows than replica A');
    return {
      title,
      lines: [
        `Two \`maatstaf serve\` processes with the same \`REDIS_URL\` (${shown}); a query new to this run.`,
        '',
        '| request | meta.cache | time |',
        '|---|---|---|',
        `| replica A, first request | ${first.cache} | ${fmt(first.ms)} |`,
        `| replica B, first request | ${second.cache} | ${fmt(second.ms)} |`,
        '',
        `Replica B's cache counters: ${Object.entries(counted).map(([k, v]) => `${k} ${v}`).join(', ')}. Same ${first.count} rows on both: ${second.rows === first.rows ? 'yes' : 'no'}.`,
      ],
      failures,
    };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}
