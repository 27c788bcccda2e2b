/**
 * Issue 18: the request path, like for like. `maatstaf serve` as shipped (rate limit on at its
 * default, audit log on, the demo access policy, API keys and OIDC tokens) against a bare Fastify
 * route (bare-server.ts) that does the same I/O by the same means: the same SQL on a pg pool of the
 * same size, or the same cached answer, serialised and written by maatstaf's own `sendJson`.
 * The load is the dashboard mix of mix.ts (56 distinct queries × POST/GET × 1,000 callers).
 *
 * 1. Uncached (result cache off): one request at a time, maatstaf and the baseline alternately on
 *    the same request; the overhead is the median of the per-request differences.
 * 2. Cached: throughput of the mix (autocannon) on both, halves in the order maatstaf, bare, bare, maatstaf.
 * 3. Memory over many cached requests of the mix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueryResult } from '../engine/types.js';
import { bareKey, type BareAnswer, type BarePlan } from './bare-plan.js';
import type { BenchSection } from './engine.bench.js';
import { cpuOf, heapFigures, loadExactly, mb, measured, merge, ratio, type HeapFigures, type Measured } from './http.bench.js';
import type { LoadRequest } from './load.js';
import { mixIdentity, mixQueries, mixRequests, type MixCaller, type MixRequest } from './mix.js';
import { SERVE_NODE_FLAGS, startBareRoute, startMaatstaf, type ServerProcess } from './processes.js';
import { fmt, percentile } from './stats.js';

export interface RequestPathBenchOptions {
  readonly databaseUrl: string;
  /** The demo at scale 1: dashboard queries that take the warehouse milliseconds, not seconds. */
  readonly schema: string;
  readonly metricsDir: string;
  /** Seconds per autocannon run. */
  readonly seconds: number;
  /** Uncached requests timed on each side. */
  readonly uncachedRequests: number;
  /** Cached requests for the memory check. */
  readonly memoryRequests: number;
  /** Extra settings for `maatstaf serve` (a with/without comparison of one mechanism). */
  readonly serverEnv?: Readonly<Record<string, string>>;
}

const groupOf = (caller: MixCaller): string => (caller.roles.length ? caller.roles.join('+') : 'public');
const keyOf = (r: MixRequest): string => bareKey(groupOf(r.caller), r.method, r.path, r.body ?? '');

interface Answered {
  readonly status: number;
  readonly text: string;
}

async function send(server: ServerProcess, r: Pick<MixRequest, 'method' | 'path' | 'body'>, authorization: string): Promise<Answered> {
  const res = await fetch(server.url + r.path, {
    method: r.method,
    headers: { authorization, ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(r.body !== undefined ? { body: r.body } : {}),
  });
  return { status: res.status, text: await res.text() };
}

/** Every distinct (caller group, request) of the mix, with one caller of that group. */
function distinct(requests: readonly MixRequest[]): MixRequest[] {
  const seen = new Map<string, MixRequest>();
  for (const r of requests) if (!seen.has(keyOf(r))) seen.set(keyOf(r), r);
  return [...seen.values()];
}

function groupsOf(callers: readonly MixCaller[]): Record<string, string> {
  return Object.fromEntries(callers.map((c) => [c.authorization, groupOf(c)]));
}

const asLoad = (r: MixRequest): LoadRequest => ({ method: r.method, path: r.path, headers: { authorization: r.caller.authorization }, ...(r.body !== undefined ? { body: r.body } : {}) });

export async function benchRequestPath(opts: RequestPathBenchOptions): Promise<BenchSection[]> {
  const dir = mkdtempSync(join(tmpdir(), 'maatstaf-bench-'));
  const identity = await mixIdentity();
  try {
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, identity.apiKeysFile);
    const env = {
      ...identity.env,
      MAATSTAF_API_KEYS_FILE: keysFile,
      MAATSTAF_AUDIT_SCHEMA: 'maatstaf_bench_audit',
      ...opts.serverEnv,
    };
    const server = { databaseUrl: opts.databaseUrl, schema: opts.schema, metricsDir: opts.metricsDir, rateLimit: true };
    const queries = mixQueries();
    const requests = mixRequests(queries, identity.callers, 2000);
    const common = [
      `Load: ${queries.length} distinct dashboard queries (${queries.filter((q) => q.sensitivity === 'public').length} public, ${queries.filter((q) => q.sensitivity === 'internal').length} internal, ` +
        `${queries.filter((q) => q.sensitivity === 'personal').length} of the personal metric \`benefit_cases_started\`), each as POST and as GET, from 1,000 callers ` +
        '(500 API keys, 500 ES256 OIDC tokens; roles public, medewerker, council, analyst and wijkteam_molenwijk, whose row rule limits it to its district), in a fixed shuffled order of 2,000 requests (src/bench/mix.ts).',
      `\`maatstaf serve\` as shipped: rate limit on at its default (300 per caller per minute), audit log on (every internal and personal query recorded; personal answers wait for their entry), the demo access policy, Node flags \`${SERVE_NODE_FLAGS.join(' ')}\`${opts.serverEnv ? `, and ${Object.entries(opts.serverEnv).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}.`,
      'Baseline (src/bench/bare-server.ts): a bare Fastify route doing the same I/O by the same means and nothing else: the SQL maatstaf compiled for that caller on a pg pool of the same size, or the answer maatstaf gave, serialised and written by maatstaf\'s own `sendJson` (src/api/rest/reply.ts); UUID request ids, Fastify\'s JSON parser.',
    ];
    const uncached = await uncachedSection(opts, server, env, requests, dir, common);
    const [cached, memory] = await cachedSections(opts, server, env, requests, dir, common);
    return [uncached, cached, memory];
  } finally {
    await identity.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type ServerSettings = { databaseUrl: string; schema: string; metricsDir: string; rateLimit: boolean };

/** 1. Uncached overhead: the same request to maatstaf and to the baseline running maatstaf's SQL, alternately. */
async function uncachedSection(
  opts: RequestPathBenchOptions,
  settings: ServerSettings,
  env: Record<string, string>,
  requests: readonly MixRequest[],
  dir: string,
  common: readonly string[],
): Promise<BenchSection> {
  const failures: string[] = [];
  const server = await startMaatstaf({ ...settings, env: { ...env, MAATSTAF_CACHE_TTL_MS: '0' } });
  let bare: ServerProcess | undefined;
  try {
    // The SQL maatstaf runs for each caller group (row rules included), from POST /v1/compile.
    const answers: Record<string, BareAnswer> = {};
    for (const r of distinct(requests)) {
      const res = await send(server, { method: 'POST', path: '/v1/compile', body: JSON.stringify(r.query.query) }, r.caller.authorization);
      if (res.status !== 200) throw new Error(`compile ${JSON.stringify(r.query.query)} as ${groupOf(r.caller)}: HTTP ${res.status} ${res.text}`);
      const { sql, params, columns } = JSON.parse(res.text) as { sql: string; params: unknown[]; columns: QueryResult['columns'] };
      answers[keyOf(r)] = { sql, params, columns };
    }
    const plan: BarePlan = { mode: 'uncached', groups: groupsOf(requests.map((r) => r.caller)), answers, databaseUrl: opts.databaseUrl, schema: opts.schema };
    const planFile = join(dir, 'uncached.json');
    writeFileSync(planFile, JSON.stringify(plan));
    bare = await startBareRoute(planFile);

    const ours: number[] = [];
    const base: number[] = [];
    const diffs: Record<string, number[]> = { public: [], internal: [], personal: [] };
    let wrong = 0;
    const timed = async (s: ServerProcess, r: MixRequest): Promise<{ ms: number; answer: Answered }> => {
      const t0 = performance.now();
      const answer = await send(s, r, r.caller.authorization);
      return { ms: performance.now() - t0, answer };
    };
    const n = opts.uncachedRequests;
    for (let i = -20; i < n; i++) {
      const r = requests[(i + requests.length) % requests.length]!;
      // Alternate which side goes first, so drift in machine load hits both alike.
      let a: Awaited<ReturnType<typeof timed>>;
      let b: Awaited<ReturnType<typeof timed>>;
      if (i % 2 === 0) {
        a = await timed(server, r);
        b = await timed(bare, r);
      } else {
        b = await timed(bare, r);
        a = await timed(server, r);
      }
      if (i < 0) continue; // warm-up (JIT, pools)
      const meta = a.answer.status === 200 ? (JSON.parse(a.answer.text) as { meta: { cache?: string; rowCount: number } }).meta : undefined;
      const bareRows = b.answer.status === 200 ? (JSON.parse(b.answer.text) as { rows: unknown[] }).rows.length : -1;
      if (!meta || meta.cache !== 'miss' || b.answer.status !== 200 || (r.query.sensitivity !== 'personal' && meta.rowCount !== bareRows)) wrong++;
      ours.push(a.ms);
      base.push(b.ms);
      diffs[r.query.sensitivity]!.push(a.ms - b.ms);
    }
    if (wrong) failures.push(`uncached mix: ${wrong} of ${n} answers were not a 200 miss with the baseline's row count`);
    const all = Object.values(diffs).flat();
    const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
    const p50 = (xs: number[]) => percentile(sorted(xs), 50);
    const overhead = p50(all);
    return {
      title: 'Request path, uncached: maatstaf vs a bare route running the same SQL (issue 18)',
      lines: [
        ...common,
        `Result cache off (\`MAATSTAF_CACHE_TTL_MS=0\`); demo warehouse at scale 1 on the local PostgreSQL, so the queries are small (a few ms of SQL). ${n} requests of the mix, one at a time over HTTP (keep-alive), each sent to both servers back to back (the order alternating); the first 20 pairs warm up.`,
        '',
        '| requests | maatstaf p50 | baseline p50 | maatstaf p99 | baseline p99 | overhead p50 (median of per-request differences) |',
        '|---|---|---|---|---|---|',
        `| all (${all.length}) | ${fmt(p50(ours))} | ${fmt(p50(base))} | ${fmt(percentile(sorted(ours), 99))} | ${fmt(percentile(sorted(base), 99))} | **${fmt(overhead)}** |`,
        ...Object.entries(diffs).map(([level, d]) => `| ${level} (${d.length}) | | | | | ${fmt(p50(d))} |`),
        '',
        `Target: overhead ≤ 1 ms p50 — ${overhead <= 1 ? 'met' : 'NOT met'} (${fmt(overhead)}). Every answer a 200 miss with the baseline's row count: ${wrong === 0 ? 'yes' : 'no'}.`,
        'What the overhead is: authentication (an ES256 signature check for token callers), the rate limit, validation, the access check, the limits, planning and compiling, formatting the values, small-cell suppression, and for internal and personal queries the audit entry (personal: the answer waits until it is stored).',
      ],
      failures,
    };
  } finally {
    await bare?.stop();
    await server.stop();
  }
}

/** 2 and 3: cached throughput of the mix vs the baseline sending the same answers; memory over many cached requests. */
async function cachedSections(
  opts: RequestPathBenchOptions,
  settings: ServerSettings,
  env: Record<string, string>,
  requests: readonly MixRequest[],
  dir: string,
  common: readonly string[],
): Promise<[BenchSection, BenchSection]> {
  const failures: string[] = [];
  const server = await startMaatstaf({ ...settings, env });
  let bare: ServerProcess | undefined;
  try {
    // Each distinct request once (fills the cache), then again: a hit, whose answer the baseline sends.
    const answers: Record<string, BareAnswer> = {};
    const first = new Map<string, string>();
    for (const r of distinct(requests)) {
      const res = await send(server, r, r.caller.authorization);
      if (res.status !== 200) throw new Error(`${r.method} ${r.path} as ${groupOf(r.caller)}: HTTP ${res.status} ${res.text}`);
      first.set(keyOf(r), JSON.stringify((JSON.parse(res.text) as QueryResult).rows));
    }
    let notHits = 0;
    for (const r of distinct(requests)) {
      const res = await send(server, r, r.caller.authorization);
      const { queryId: _id, ...meta } = (JSON.parse(res.text) as { meta: QueryResult['meta'] & { queryId: string } }).meta;
      const result = JSON.parse(res.text) as QueryResult;
      if (res.status !== 200 || meta.cache !== 'hit' || JSON.stringify(result.rows) !== first.get(keyOf(r))) notHits++;
      answers[keyOf(r)] = { result: { columns: result.columns, rows: result.rows, meta, freshness: { etag: meta.sqlHash, maxAgeSeconds: 60 } } };
    }
    if (notHits) failures.push(`cached mix: ${notHits} repeated requests were not a 200 hit with the first answer's rows`);
    const planFile = join(dir, 'cached.json');
    writeFileSync(planFile, JSON.stringify({ mode: 'cached', groups: groupsOf(requests.map((r) => r.caller)), answers } satisfies BarePlan));
    bare = await startBareRoute(planFile);

    const mix = requests.map(asLoad);
    for (const s of [server, bare]) await measured(s, { url: s.url, method: 'GET', requests: mix, connections: 10, seconds: 2, samples: false });
    const results: { connections: number; ours: Measured; base: Measured }[] = [];
    for (const connections of [10, 50]) {
      const spec = { method: 'GET' as const, requests: mix, connections, seconds: opts.seconds / 2 };
      const oursFirst = await measured(server, { ...spec, url: server.url });
      const baseRuns = [await measured(bare, { ...spec, url: bare.url }), await measured(bare, { ...spec, url: bare.url })];
      const ours = merge([oursFirst, await measured(server, { ...spec, url: server.url })]);
      const base = merge(baseRuns);
      if (ours.non2xx) failures.push(`cached mix (${connections} connections): ${ours.non2xx} answers were not 2xx`);
      if (base.non2xx) failures.push(`cached mix, baseline (${connections} connections): ${base.non2xx} answers were not 2xx`);
      results.push({ connections, ours, base });
    }
    await bare.stop();
    bare = undefined;
    const best = Math.max(...results.map((r) => r.ours.perSecond));
    const throughput: BenchSection = {
      title: 'Request path, cached: throughput of the mix vs a bare route sending the same answers (issue 18)',
      lines: [
        ...common,
        `Every request answered from the result cache (filled beforehand; a cache hit was checked for each distinct request). autocannon in the bench process, every connection sending the 2,000 requests in turn, ${opts.seconds} s per row and server (two halves, in the order maatstaf, bare, bare, maatstaf) after a 2 s warm-up of each.`,
        '',
        '| connections | maatstaf req/s | p50 | p99 | CPU/req | baseline req/s | p50 | p99 | CPU/req | req/s ratio | CPU ratio |',
        '|---|---|---|---|---|---|---|---|---|---|---|',
        ...results.map(
          (r) =>
            `| ${r.connections} | **${r.ours.perSecond.toFixed(0)}** | ${fmt(r.ours.p50)} | ${fmt(r.ours.p99)} | ${cpuOf(r.ours)} | ${r.base.perSecond.toFixed(0)} | ${fmt(r.base.p50)} | ${fmt(r.base.p99)} | ${cpuOf(r.base)} | ${ratio(r.ours.perSecond, r.base.perSecond)} | ${r.ours.cpuMs && r.base.cpuMs ? ratio(r.base.cpuMs, r.ours.cpuMs) : 'n/a'} |`,
        ),
        '',
        'CPU/req: server CPU time (user + system, from /proc) over the run ÷ requests answered; CPU ratio = baseline ÷ maatstaf (what the throughput ratio would be with a core each; less sensitive to other load on the machine).',
        '',
        `Target: ≥ 5,000 cached req/s on the mix — ${best >= 5000 ? 'met' : 'NOT met'} (${results.map((r) => r.ours.perSecond.toFixed(0)).join(', ')}). Every answer 2xx: ${results.every((r) => r.ours.non2xx === 0) ? 'yes' : 'no'}.`,
      ],
      failures: [...failures],
    };
    return [throughput, await memorySection(opts, settings, env, requests)];
  } finally {
    await bare?.stop();
    await server.stop();
  }
}

/** 3. RSS and heap over many cached requests of the mix (a server of its own with the rate limit off: the run is minutes long). */
async function memorySection(
  opts: RequestPathBenchOptions,
  settings: ServerSettings,
  env: Record<string, string>,
  requests: readonly MixRequest[],
): Promise<BenchSection> {
  const failures: string[] = [];
  const server = await startMaatstaf({ ...settings, rateLimit: false, env });
  try {
    const mix = requests.map(asLoad);
    const spec = { url: server.url, method: 'GET' as const, requests: mix, connections: 10, pipelining: 4, samples: false };
    // Fill the cache first (the requests are what is measured, not the warehouse).
    await loadExactly({ ...spec, pipelining: 1 }, requests.length);
    const before = await server.rss();
    const heapBefore = await heapFigures(server);
    const warmAmount = Math.max(1, Math.round(opts.memoryRequests / 10));
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
    if (non2xx) failures.push(`memory run: ${non2xx} of ${total} answers were not 2xx`);
    const growth = after !== undefined && mid !== undefined ? after - mid : undefined;
    const bounded = growth !== undefined && growth < 64 * 2 ** 20;
    const row = (when: string, rss: number | undefined, heap: HeapFigures) => `| ${when} | ${mb(rss)} | ${mb(heap.used)} | ${mb(heap.newSpace)} | ${mb(heap.external)} |`;
    return {
      title: `Memory over ${total.toLocaleString('en')} cached requests of the mix`,
      lines: [
        `\`maatstaf serve\` with the settings above but the rate limit off (the run is minutes long); the mix from 10 connections × 4 pipelined, ${seconds.toFixed(0)} s (${(total / seconds).toFixed(0)} req/s), after one pass to fill the cache.`,
        '',
        '| when | server RSS | V8 heap used | young generation (committed) | external (Buffers) |',
        '|---|---|---|---|---|',
        row('before', before, heapBefore),
        row(`after ${warm.requests.toLocaleString('en')} requests (warm)`, mid, heapMid),
        row(`after ${total.toLocaleString('en')} requests`, after, heapAfter),
        '',
        `Growth after warm-up: ${growth === undefined ? 'n/a' : mb(growth)} — bounded (< 64 MiB): ${bounded ? 'yes' : 'no'}. All answers 2xx: ${non2xx === 0 ? 'yes' : 'no'}. External memory is almost all the WebAssembly memory of the where-filter parser (libpg-query, fixed).`,
      ],
      failures,
    };
  } finally {
    await server.stop();
  }
}
