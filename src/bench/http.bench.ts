/**
 * Issue 8 over real HTTP, the server (`maatstaf serve`) in its own process: uncached API latency
 * of large queries ÷ the same SQL run directly with `pg` (target ≤ 1.10). Also the helpers of the
 * HTTP sections (server CPU per request, heap figures); the request-path sections (the dashboard
 * mix against a like-for-like baseline) are in request-path.bench.ts.
 */
import pg from 'pg';
import type { BenchSection } from './engine.bench.js';
import { load, type LoadResult, type LoadSpec } from './load.js';
import { startMaatstaf, type MaatstafServerOptions, type ServerProcess } from './processes.js';
import { fmt, timePair } from './stats.js';

export interface HttpBenchOptions {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly metricsDir: string;
  /** Seconds per autocannon run. */
  readonly seconds: number;
  /** Cached requests for the memory check. */
  readonly memoryRequests: number;
}

interface ApiAnswer {
  readonly columns: readonly { readonly name: string; readonly kind: string }[];
  readonly rows: readonly Record<string, unknown>[];
  readonly meta: { readonly cache?: string; readonly rowCount: number };
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

export const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
export const ratio = (a: number, b: number) => (a / b).toFixed(2);

/** Sum of each metric column, as numbers: compares an API answer with rows from `pg`. */
function metricSums(rows: readonly Record<string, unknown>[], metrics: readonly string[]): string {
  return metrics.map((m) => rows.reduce((s, r) => s + (r[m] === null || r[m] === undefined ? 0 : Number(r[m])), 0).toFixed(6)).join(',');
}

const UNCACHED_QUERIES = [
  { label: 'reports_received by month × category (598k rows scanned)', query: { metrics: ['reports_received'], groupBy: ['metric_time__month', 'report__category'] }, runs: 30 },
  { label: 'survey_responses by month (144k rows scanned)', query: { metrics: ['survey_responses'], groupBy: ['metric_time__month'] }, runs: 60 },
];

/** 1. Uncached: the API over HTTP with the result cache off vs the compiled SQL through `pg`, interleaved. */
export async function benchUncachedLatency(opts: HttpBenchOptions): Promise<BenchSection> {
  const failures: string[] = [];
  const lines: string[] = [
    'Server: `maatstaf serve` in a child process with `MAATSTAF_CACHE_TTL_MS=0` (no result cache), requests one at a time over HTTP (keep-alive).',
    'Direct: the SQL from `POST /v1/compile` with its parameters, run with `pg` on one connection with the same `search_path`.',
    'Runs alternate (API, pg, API, pg, …) so load on the shared machine hits both sides alike; the API time includes reading the whole body.',
    '',
    '| query | runs each | API p50 | pg p50 | p50 ratio | API p99 | pg p99 | p99 ratio |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const server = await startMaatstaf({ ...serverOptions(opts), env: { MAATSTAF_CACHE_TTL_MS: '0' } });
  const client = new pg.Client({ connectionString: opts.databaseUrl, options: `-c search_path=${opts.schema},public` });
  await client.connect();
  const ratios: number[] = [];
  try {
    for (const { label, query, runs } of UNCACHED_QUERIES) {
      const compiled = await post(server.url, '/v1/compile', query);
      if (compiled.status !== 200) throw new Error(`compile ${label}: HTTP ${compiled.status} ${compiled.text}`);
      const { sql, params } = JSON.parse(compiled.text) as { sql: string; params: unknown[] };
      let bad = 0;
      let expected: string | undefined;
      const viaApi = async () => {
        const res = await post(server.url, '/v1/query', query);
        const answer = JSON.parse(res.text) as ApiAnswer;
        const sums = `${answer.rows.length}:${metricSums(answer.rows, query.metrics)}`;
        if (res.status !== 200 || answer.meta.cache !== 'miss' || sums !== expected) bad++;
      };
      const viaPg = async () => {
        const res = await client.query(sql, params);
        expected ??= `${res.rows.length}:${metricSums(res.rows as Record<string, unknown>[], query.metrics)}`;
      };
      await viaPg();
      const [api, direct] = await timePair(viaApi, viaPg, runs, 2);
      if (bad) failures.push(`uncached ${label}: ${bad} API answers were not a 200 miss with the rows pg returned (${expected})`);
      ratios.push(api.p50 / direct.p50);
      lines.push(
        `| ${label} | ${runs} | ${fmt(api.p50)} | ${fmt(direct.p50)} | **${ratio(api.p50, direct.p50)}** | ${fmt(api.p99)} | ${fmt(direct.p99)} | ${ratio(api.p99, direct.p99)} |`,
      );
    }
  } finally {
    await client.end();
    await server.stop();
  }
  const met = ratios.every((r) => r <= 1.1);
  lines.push('', `Target: API p50 ≤ 1.10 × pg — ${met ? 'met' : 'NOT met'} (${ratios.map((r) => r.toFixed(2)).join(', ')}).`);
  return { title: 'Uncached API latency vs the same SQL with pg (PostgreSQL, over HTTP)', lines, failures };
}

function serverOptions(opts: HttpBenchOptions): MaatstafServerOptions {
  return { databaseUrl: opts.databaseUrl, schema: opts.schema, metricsDir: opts.metricsDir };
}

export interface Measured extends LoadResult {
  /** Server CPU ms per request. */
  readonly cpuMs: number | undefined;
}

/** An autocannon run and the server's CPU time per answered request. */
export async function measured(server: ServerProcess, spec: LoadSpec): Promise<Measured> {
  const before = server.cpuSeconds();
  const result = await load(spec);
  const after = server.cpuSeconds();
  const cpuMs = before !== undefined && after !== undefined && result.requests > 0 ? ((after - before) * 1000) / result.requests : undefined;
  return { ...result, cpuMs };
}

/** Runs measured back to back, merged: requests and CPU summed, rates and latencies averaged. */
export function merge(runs: readonly Measured[]): Measured {
  const n = runs.length;
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const cpuKnown = runs.every((r) => r.cpuMs !== undefined);
  return {
    requests,
    perSecond: runs.reduce((a, r) => a + r.perSecond, 0) / n,
    p50: runs.reduce((a, r) => a + r.p50, 0) / n,
    p99: runs.reduce((a, r) => a + r.p99, 0) / n,
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
    cpuMs: cpuKnown && requests > 0 ? runs.reduce((a, r) => a + r.cpuMs! * r.requests, 0) / requests : undefined,
  };
}

export const cpuOf = (m: Measured) => (m.cpuMs === undefined ? 'n/a' : fmt(m.cpuMs));

/** `amount` answered requests (autocannon may stop a few short with pipelining: topped up). */
export async function loadExactly(spec: LoadSpec, amount: number): Promise<LoadResult> {
  let requests = 0;
  let non2xx = 0;
  let last: LoadResult | undefined;
  while (requests < amount) {
    const left = amount - requests;
    last = await load({ ...spec, amount: left, ...(left < 1000 ? { pipelining: 1, connections: Math.min(spec.connections, left) } : {}) });
    if (last.requests === 0) break;
    requests += last.requests;
    non2xx += last.non2xx;
  }
  return { ...(last ?? { perSecond: 0, p50: NaN, p99: NaN, errors: 0, timeouts: 0 }), requests, non2xx };
}

/** V8 heap in use, from the server's Prometheus metrics (prom-client's default process metrics). */
export interface HeapFigures {
  readonly used: number | undefined;
  /** Committed young generation (new space): V8 grows it under a high allocation rate. */
  readonly newSpace: number | undefined;
  /** Memory of Buffers and other ArrayBuffers, outside the V8 heap. */
  readonly external: number | undefined;
}

/** V8 heap figures from the server's Prometheus metrics (prom-client's default process metrics). */
export async function heapFigures(server: ServerProcess): Promise<HeapFigures> {
  const text = await fetch(`${server.url}/internal/metrics`).then((r) => r.text(), () => '');
  const read = (re: RegExp) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return {
    used: read(/^maatstaf_nodejs_heap_size_used_bytes (\d+)/m),
    newSpace: read(/^maatstaf_nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/m),
    external: read(/^maatstaf_nodejs_external_memory_bytes (\d+)/m),
  };
}
