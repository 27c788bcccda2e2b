/**
 * Issue 8 over real HTTP, the server (`maatstaf serve`) in its own process:
 * 1. uncached API latency ÷ the same SQL run directly with `pg` (target ≤ 1.10);
 * 2. cached throughput and latency (autocannon, 10 and 100 connections) ÷ a bare Fastify route
 *    returning the same JSON (target ≥ 0.6);
 * 3. memory: RSS of the server before and after 1M cached requests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BenchSection } from './engine.bench.js';
import { load, type LoadResult, type LoadSpec } from './load.js';
import { SERVE_NODE_FLAGS, startBareRoute, startMaatstaf, type MaatstafServerOptions, type ServerProcess } from './processes.js';
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

const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
const ratio = (a: number, b: number) => (a / b).toFixed(2);

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

const CACHED_QUERY = { metrics: ['reports_received', 'app_share'], groupBy: ['metric_time__month', 'report__channel'], orderBy: ['metric_time__month'] };
const CACHED_URL = `/v1/query?metrics=${CACHED_QUERY.metrics.join(',')}&groupBy=${CACHED_QUERY.groupBy.join(',')}&orderBy=${CACHED_QUERY.orderBy.join(',')}`;

interface Measured extends LoadResult {
  /** Server CPU ms per request. */
  readonly cpuMs: number | undefined;
}

/** An autocannon run and the server's CPU time per answered request. */
async function measured(server: ServerProcess, spec: LoadSpec): Promise<Measured> {
  const before = server.cpuSeconds();
  const result = await load(spec);
  const after = server.cpuSeconds();
  const cpuMs = before !== undefined && after !== undefined && result.requests > 0 ? ((after - before) * 1000) / result.requests : undefined;
  return { ...result, cpuMs };
}

/** Runs measured back to back, merged: requests and CPU summed, rates and latencies averaged. */
function merge(runs: readonly Measured[]): Measured {
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

const cpu = (m: Measured) => (m.cpuMs === undefined ? 'n/a' : fmt(m.cpuMs));

/** `amount` answered requests (autocannon may stop a few short with pipelining: topped up). */
async function loadExactly(spec: LoadSpec, amount: number): Promise<LoadResult> {
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
interface HeapFigures {
  readonly used: number | undefined;
  /** Committed young generation (new space): V8 grows it under a high allocation rate. */
  readonly newSpace: number | undefined;
  /** Memory of Buffers and other ArrayBuffers, outside the V8 heap. */
  readonly external: number | undefined;
}

/** V8 heap figures from the server's Prometheus metrics (prom-client's default process metrics). */
async function heapFigures(server: ServerProcess): Promise<HeapFigures> {
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

/** A cached answer from `server`: a 200 hit with `rows`. */
async function checkHit(server: ServerProcess, rows: string): Promise<string | undefined> {
  const res = await post(server.url, '/v1/query', CACHED_QUERY);
  const answer = JSON.parse(res.text) as ApiAnswer;
  if (res.status !== 200 || answer.meta.cache !== 'hit') return `expected a 200 cache hit, got ${res.status} ${answer.meta?.cache}`;
  if (JSON.stringify(answer.rows) !== rows) return 'cached rows differ from the first answer';
  return undefined;
}

/** 2 and 3: cached throughput vs a bare route, then memory over many cached requests. */
export async function benchCachedHttp(opts: HttpBenchOptions): Promise<BenchSection[]> {
  const failures: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'maatstaf-bench-'));
  const server = await startMaatstaf(serverOptions(opts));
  let bare: ServerProcess | undefined;
  try {
    const first = await post(server.url, '/v1/query', CACHED_QUERY);
    if (first.status !== 200) throw new Error(`cached query: HTTP ${first.status} ${first.text}`);
    const rows = JSON.stringify((JSON.parse(first.text) as ApiAnswer).rows);
    const hit = await post(server.url, '/v1/query', CACHED_QUERY);
    const hitError = await checkHit(server, rows);
    if (hitError) failures.push(`cached throughput: ${hitError}`);
    const bodyFile = join(dir, 'body.json');
    writeFileSync(bodyFile, hit.text);
    bare = await startBareRoute(bodyFile);

    const body = JSON.stringify(CACHED_QUERY);
    const cases = [
      { label: 'POST /v1/query', method: 'POST' as const, path: '/v1/query', body, connections: 10 },
      { label: 'POST /v1/query', method: 'POST' as const, path: '/v1/query', body, connections: 100 },
      { label: 'GET /v1/query?…', method: 'GET' as const, path: CACHED_URL, connections: 10 },
    ];
    // Warm both servers (JIT) before measuring.
    for (const s of [server, bare]) await load({ url: s.url + '/v1/query', method: 'POST', body, connections: 10, seconds: 2, samples: false });
    const results: { label: string; connections: number; ours: Measured; base: Measured }[] = [];
    for (const c of cases) {
      // Halves in the order maatstaf, bare, bare, maatstaf: a load change on the shared machine
      // during the row hits both sides alike.
      const spec = { method: c.method, connections: c.connections, seconds: opts.seconds / 2, ...(c.body ? { body: c.body } : {}) };
      const oursFirst = await measured(server, { ...spec, url: server.url + c.path });
      const baseRuns = [await measured(bare, { ...spec, url: bare.url + c.path }), await measured(bare, { ...spec, url: bare.url + c.path })];
      const ours = merge([oursFirst, await measured(server, { ...spec, url: server.url + c.path })]);
      const base = merge(baseRuns);
      if (ours.non2xx) failures.push(`cached throughput ${c.label} (${c.connections} connections): ${ours.non2xx} answers were not 2xx`);
      results.push({ label: c.label, connections: c.connections, ours, base });
    }
    const afterError = await checkHit(server, rows);
    if (afterError) failures.push(`cached throughput, after the load: ${afterError}`);
    await bare.stop();
    bare = undefined;

    const throughput: BenchSection = {
      title: 'Cached query throughput over HTTP (autocannon) vs a bare Fastify route',
      lines: [
        `Query: \`${body}\` (${(JSON.parse(rows) as unknown[]).length} rows, ${Buffer.byteLength(hit.text)} bytes of JSON), answered from the result cache.`,
        `\`maatstaf serve\` (as shipped, rate limit off: authentication, security headers, access check, audit, validation, cache key, ETag, metrics, request id) and the bare route (a Fastify route sending the same JSON bytes, ready-made) each run in their own process with the same Node flags (\`${SERVE_NODE_FLAGS.join(' ')}\`); autocannon runs in the bench process, ` +
          `${opts.seconds} s per row and server (two halves, in the order maatstaf, bare, bare, maatstaf), after a 2 s warm-up of each server. ` +
          'maatstaf sends a cached answer without copying its rows and writes the answers of one event-loop turn together (README, Caching); the bare route lets Fastify write each answer at once.',
        '',
        '| route | connections | maatstaf req/s | p50 | p99 | CPU/req | bare req/s | p50 | p99 | CPU/req | req/s ratio | CPU ratio |',
        '|---|---|---|---|---|---|---|---|---|---|---|---|',
        ...results.map(
          (r) =>
            `| ${r.label} | ${r.connections} | ${r.ours.perSecond.toFixed(0)} | ${fmt(r.ours.p50)} | ${fmt(r.ours.p99)} | ${cpu(r.ours)} | ${r.base.perSecond.toFixed(0)} | ${fmt(r.base.p50)} | ${fmt(r.base.p99)} | ${cpu(r.base)} | **${ratio(r.ours.perSecond, r.base.perSecond)}** | ${r.ours.cpuMs && r.base.cpuMs ? ratio(r.base.cpuMs, r.ours.cpuMs) : 'n/a'} |`,
        ),
        '',
        'CPU/req: server CPU time (user + system, from /proc) over the run ÷ requests answered; CPU ratio = bare ÷ maatstaf, the throughput ratio the two would reach with a core each to themselves (less sensitive to other load on the machine).',
        '',
        `Target: ≥ 0.6 of the bare route's throughput — ${results.every((r) => r.ours.perSecond / r.base.perSecond >= 0.6) ? 'met' : 'NOT met'} (req/s ratio ${results.map((r) => ratio(r.ours.perSecond, r.base.perSecond)).join(', ')}; CPU ratio ${results.map((r) => (r.ours.cpuMs && r.base.cpuMs ? ratio(r.base.cpuMs, r.ours.cpuMs) : 'n/a')).join(', ')}). ` +
          `Every answer 2xx: ${results.every((r) => r.ours.non2xx === 0) ? 'yes' : 'no'}; a sampled answer before and after is a cache hit with the first answer's rows: ${hitError || afterError ? 'no' : 'yes'}.`,
        ...(results.some((r) => r.ours.errors + r.ours.timeouts > 0)
          ? ['', `Socket errors/timeouts (load generator): ${results.map((r) => `${r.ours.errors}/${r.ours.timeouts}`).join(', ')}.`]
          : []),
      ],
      failures: [...failures],
    };

    // Memory over many cached requests: RSS at the start, after 10 % and at the end.
    const memFailures: string[] = [];
    const before = await server.rss();
    const warmAmount = Math.max(1, Math.round(opts.memoryRequests / 10));
    const spec = { url: server.url + '/v1/query', method: 'POST' as const, body, connections: 10, pipelining: 4, samples: false };
    const heapBefore = await heapFigures(server);
    const t0 = performance.now();
    const warm = await loadExactly(spec, warmAmount);
    const mid = await server.rss();
    const heapMid = await heapFigures(server);
    const rest = await loadExactly(spec, opts.memoryRequests - warm.requests);
    const seconds = (performance.now() - t0) / 1000;
    const after = await server.rss();
    const heapAfter = await heapFigures(server);
    const total = warm.requests + rest.requests;
    const non2xx = warm.non2xx + rest.non2xx;
    if (non2xx) memFailures.push(`memory run: ${non2xx} of ${total} answers were not 2xx`);
    const memError = await checkHit(server, rows);
    if (memError) memFailures.push(`memory run, afterwards: ${memError}`);
    const growth = after !== undefined && mid !== undefined ? after - mid : undefined;
    const bounded = growth !== undefined && growth < 64 * 2 ** 20;
    const memory: BenchSection = {
      title: `Memory over ${total.toLocaleString('en')} cached requests`,
      lines: [
        `The same \`maatstaf serve\` process after the throughput runs; \`POST /v1/query\` cache hits, 10 connections × 4 pipelined, ${seconds.toFixed(0)} s (${(total / seconds).toFixed(0)} req/s).`,
        '',
        '| when | server RSS | V8 heap used | young generation (committed) | external (Buffers) |',
        '|---|---|---|---|---|',
        ...[
          ['before', before, heapBefore],
          [`after ${warm.requests.toLocaleString('en')} requests (warm)`, mid, heapMid],
          [`after ${total.toLocaleString('en')} requests`, after, heapAfter],
        ].map(([when, rss, h]) => {
          const heap = h as HeapFigures;
          return `| ${when as string} | ${mb(rss as number | undefined)} | ${mb(heap.used)} | ${mb(heap.newSpace)} | ${mb(heap.external)} |`;
        }),
        '',
        `The server runs with \`${SERVE_NODE_FLAGS.join(' ')}\` as shipped (\`npm start\`, Docker image): without it V8 grows the young generation from 32 to 128 MiB under this load, which raised RSS by about 80 MiB (measured over 3.3M requests), bounded but large. External memory is almost all the WebAssembly memory of the where-filter parser (libpg-query, ~133 MiB, fixed).`,
        '',
        `Growth after warm-up: ${growth === undefined ? 'n/a' : mb(growth)} — bounded (< 64 MiB): ${bounded ? 'yes' : 'no'}. All answers 2xx: ${non2xx === 0 ? 'yes' : 'no'}.`,
      ],
      failures: memFailures,
    };
    return [throughput, memory];
  } finally {
    await bare?.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
