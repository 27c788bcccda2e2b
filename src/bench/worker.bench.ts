/**
 * Issue 22: the embedded PGlite warehouse runs in a worker thread of its own. Two measurements on
 * the demo seeded at scale 1 (in a temporary folder):
 *
 * 1. The cost of the hop: the same compiled statements on PGlite in this thread and in its own
 *    thread (two copies of the same folder, timed alternately), p50/p95. The rows must be equal.
 * 2. Never frozen: `maatstaf serve` as shipped on the embedded demo with
 *    MAATSTAF_STATEMENT_TIMEOUT_MS=2000 (result cache off); `reports_received_ytd` by day × district
 *    must end (answer or 504) within 4 s while /healthz, polled every 20 ms, answers within 100 ms.
 *    /healthz is also polled with nothing running, for the machine's own noise.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateWarehouse } from '../demo/migrate.js';
import { seedDemo } from '../demo/seed.js';
import { loadEngine } from '../engine/load-engine.js';
import type { Engine } from '../engine/types.js';
import { openWarehouse } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { BenchSection } from './engine.bench.js';
import { startMaatstaf, type ServerProcess } from './processes.js';
import { fmt, percentile, timePair } from './stats.js';

export const WORKER_SECTION_TITLE = 'Embedded warehouse in its own thread: cost of the hop, and never frozen';

const YEAR = { start: '2025-01-01', end: '2025-12-31' } as const;
const HOP_QUERIES: { readonly name: string; readonly query?: Parameters<Engine['compile']>[0]; readonly runs: number }[] = [
  { name: '`select 1` (the hop alone)', runs: 300 },
  { name: 'reports_received by district × month, one year', query: { metrics: ['reports_received'], groupBy: ['district__district_name', 'metric_time__month'], timeRange: YEAR }, runs: 40 },
  { name: 'reports_received by day × district, one year (large answer)', query: { metrics: ['reports_received'], groupBy: ['metric_time__day', 'district__district_name'], timeRange: YEAR }, runs: 15 },
];
const HEAVY = { metrics: ['reports_received_ytd'], groupBy: ['metric_time__day', 'district__district_name'] };
const TIMEOUT_MS = 2000;
const HEAVY_ROUNDS = 3;

export async function benchWorker(metricsDir: string): Promise<BenchSection> {
  const root = mkdtempSync(join(tmpdir(), 'maatstaf-bench-worker-'));
  // `serve` reads <data dir>/pgdata; the worker copy is the same folder duplicated.
  const serveDir = join(root, 'serve');
  const inThreadDir = join(serveDir, 'pgdata');
  const lines: string[] = [];
  const failures: string[] = [];
  try {
    mkdirSync(serveDir);
    process.stderr.write('bench: seeding the demo at scale 1 for the worker section\n');
    const seeded = await openWarehouse({ dataDir: inThreadDir });
    await migrateWarehouse(seeded);
    await seedDemo(seeded, { scale: 1 });
    await seeded.close();
    cpSync(inThreadDir, join(root, 'worker'), { recursive: true });

    lines.push(...(await hopCost(metricsDir, inThreadDir, join(root, 'worker'), failures)));
    lines.push('', ...(await neverFrozen(metricsDir, serveDir)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { title: WORKER_SECTION_TITLE, lines, failures };
}

async function hopCost(metricsDir: string, inThreadDir: string, workerDir: string, failures: string[]): Promise<string[]> {
  const inThread = await openWarehouse({ dataDir: inThreadDir });
  const worker = await openWarehouse({ dataDir: workerDir, worker: true });
  const lines = [
    'Same statements, PGlite in the server\'s thread vs in its own worker thread (timed alternately; warehouse time only, no HTTP):',
    '',
    '| Statement | rows | in-thread p50 / p95 | worker p50 / p95 | hop (p50) |',
    '|---|---:|---:|---:|---:|',
  ];
  try {
    const loaded = await loadEngine(metricsDir, inThread);
    if (!loaded.engine) throw new Error(loaded.error);
    for (const q of HOP_QUERIES) {
      const { sql, params } = q.query ? loaded.engine.compile(q.query) : { sql: 'select 1', params: [] };
      const run = (wh: Warehouse) => () => wh.query(sql, params);
      const [a, b] = await Promise.all([run(inThread)(), run(worker)()]);
      if (JSON.stringify(a.rows) !== JSON.stringify(b.rows)) failures.push(`worker thread: ${q.name} answered other rows than in-thread PGlite`);
      const [t1, t2] = await timePair(run(inThread), run(worker), q.runs);
      lines.push(`| ${q.name} | ${a.rows.length} | ${fmt(t1.p50)} / ${fmt(t1.p95)} | ${fmt(t2.p50)} / ${fmt(t2.p95)} | ${fmt(t2.p50 - t1.p50)} |`);
    }
  } finally {
    await inThread.close();
    await worker.close();
  }
  return lines;
}

interface Polled {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** Polls /healthz every 20 ms until `stop()` holds. */
async function pollHealth(server: ServerProcess, stop: () => boolean): Promise<Polled> {
  const samples: number[] = [];
  while (!stop()) {
    const t0 = performance.now();
    await (await fetch(`${server.url}/healthz`)).text();
    samples.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  samples.sort((a, b) => a - b);
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), max: samples.at(-1) ?? NaN };
}

const polled = (p: Polled) => `${p.n} polls, p50 ${fmt(p.p50)}, p95 ${fmt(p.p95)}, max ${fmt(p.max)}`;

async function neverFrozen(metricsDir: string, dataDir: string): Promise<string[]> {
  const server = await startMaatstaf({ dataDir, metricsDir, env: { MAATSTAF_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS), MAATSTAF_CACHE_TTL_MS: '0' } });
  const lines = [
    `\`maatstaf serve\` on the embedded demo (scale 1), MAATSTAF_STATEMENT_TIMEOUT_MS=${TIMEOUT_MS}, result cache off; \`${HEAVY.metrics[0]}\` by ${HEAVY.groupBy.join(' × ')} (target: ends within 4 s; /healthz within 100 ms meanwhile):`,
    '',
  ];
  try {
    const idleUntil = Date.now() + 3000;
    lines.push(`- /healthz with nothing running (the machine's noise): ${polled(await pollHealth(server, () => Date.now() > idleUntil))}`);
    for (let round = 1; round <= HEAVY_ROUNDS; round++) {
      // Each round starts on a ready thread (the previous round's timeout restarted it).
      while (!(await fetch(`${server.url}/readyz`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 100));
      let done = false;
      const t0 = performance.now();
      const heavy = fetch(`${server.url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(HEAVY) })
        .then(async (res) => ({ status: res.status, ms: performance.now() - t0, body: (await res.json()) as { code?: string; rows?: unknown[] } }))
        .finally(() => (done = true));
      const during = await pollHealth(server, () => done);
      const res = await heavy;
      const outcome = res.status === 200 ? `200 with ${res.body.rows?.length} rows` : `${res.status} ${res.body.code}`;
      lines.push(`- round ${round}: ${outcome} after ${fmt(res.ms)}; /healthz meanwhile: ${polled(during)}`);
    }
  } finally {
    await server.stop();
  }
  return lines;
}
