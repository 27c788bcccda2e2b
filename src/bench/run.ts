/**
 * `npm run bench`: runs the benchmark suites and writes BENCHMARKS.md (command, machine, date,
 * figures). Exits non-zero only when a result is wrong, never because something was slow.
 *
 * Warehouse: BENCH_DATABASE_URL (or DATABASE_URL) for real PostgreSQL — the demo is migrated and
 * seeded into schema `maatstaf_bench` at --scale (default 10) when absent; otherwise an in-memory
 * PGlite seeded at scale 1.
 *
 * `--only spine` runs only the time-spine section (every metric by day × one dimension, on the demo
 * seeded at scale 1 into schema `maatstaf_bench_demo`) and replaces just that section of the file;
 * `--only worker` likewise the embedded warehouse's worker thread section (worker.bench.ts);
 * `--only plans` the plan-shape section (compiled vs hand-written SQL over ≥ 1 M report rows in
 * schema `maatstaf_bench_plans`, dropped afterwards; PostgreSQL only);
 * `--only forecast` the forecast section (forecast.bench.ts, on the same scale-1 demo as the spine);
 * `--only rollups` the rollups section (a dashboard question from its rollup vs raw, build and refresh times).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { migrateWarehouse } from '../demo/migrate.js';
import { isSeeded, seedDemo } from '../demo/seed.js';
import { loadEngine } from '../engine/load-engine.js';
import { openWarehouse } from '../warehouse/open.js';
import { benchCompile, benchPlanParity, type BenchSection } from './engine.bench.js';
import { benchCoalescing } from './cache.bench.js';
import { benchForecast } from './forecast.bench.js';
import { benchUncachedLatency } from './http.bench.js';
import { benchRequestPath } from './request-path.bench.js';
import { benchReplicas } from './replicas.bench.js';
import { benchSpine } from './spine.bench.js';
import { benchWorker } from './worker.bench.js';
import { benchPlans, multiplyReports, PLANS_SECTION_TITLE } from './plans.bench.js';
import { benchRollups } from './rollups.bench.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '10' },
    metrics: { type: 'string', default: 'metrics' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    /** Seconds per autocannon run. */
    seconds: { type: 'string', default: '5' },
    /** Cached requests for the memory check. */
    'memory-requests': { type: 'string', default: '1000000' },
    /** `spine`, `worker`, `plans`, `forecast` or `request-path` (issue 18): only that section (the request-path ones). */
    only: { type: 'string' },
    /** Runs per statement in the plan-shape section. */
    'plan-runs': { type: 'string', default: '7' },
    /** Report rows the plan-shape section generates (at least). */
    'plan-rows': { type: 'string', default: '1000000' },
    'rollup-rows': { type: 'string', default: '1000000' },
    'rollup-runs': { type: 'string', default: '15' },
    /** Uncached requests timed on each side in the request-path section. */
    'uncached-requests': { type: 'string', default: '400' },
    /** `NAME=value,…`: extra settings of `maatstaf serve` in the request-path sections (with/without comparisons). */
    'server-env': { type: 'string' },
    /** Runs per query in the time-spine section. */
    'spine-runs': { type: 'string', default: '5' },
  },
});

const SPINE_SCHEMA = 'maatstaf_bench_demo';
const PLANS_SCHEMA = 'maatstaf_bench_plans';

/** Opens the warehouse, migrated and seeded (at `scale`) when it is not yet. */
async function seededWarehouse(url: string | undefined, schema: string, scale: number) {
  const wh = await openWarehouse(url ? { databaseUrl: url, schema, createSchema: true } : {});
  await migrateWarehouse(wh);
  if (!(await isSeeded(wh))) {
    process.stderr.write(`bench: seeding the demo at scale ${scale}${url ? ` into schema ${schema}` : ''}\n`);
    await seedDemo(wh, {
      scale,
      onProgress: (p) => {
        if (p.final) process.stderr.write(`bench: seeded ${p.table} (${p.total} rows)\n`);
      },
    });
  }
  return wh;
}

/** The forecast section, on the demo at scale 1 (the time-spine section's schema on PostgreSQL). */
async function forecastSection(url: string | undefined): Promise<BenchSection> {
  const wh = await seededWarehouse(url, SPINE_SCHEMA, 1);
  try {
    const loaded = await loadEngine(values.metrics!, wh);
    if (!loaded.engine) throw new Error(loaded.error);
    return await benchForecast(loaded.engine, url ? 'PostgreSQL' : 'PGlite');
  } finally {
    await wh.close();
  }
}

/** The time-spine section, on the demo at scale 1 (its own schema on PostgreSQL). */
async function spineSection(url: string | undefined): Promise<BenchSection> {
  const wh = await seededWarehouse(url, SPINE_SCHEMA, 1);
  try {
    const loaded = await loadEngine(values.metrics!, wh);
    if (!loaded.engine) throw new Error(loaded.error);
    const reportRows = (await wh.query<{ n: number }>('select count(*)::int as n from public_space_reports')).rows[0]!.n;
    return await benchSpine(wh, loaded.engine, { label: url ? 'PostgreSQL' : 'PGlite', runs: Number(values['spine-runs']), reportRows });
  } finally {
    await wh.close();
  }
}

/** The plan-shape section: the demo at scale 1, its reports multiplied past --plan-rows; the schema is dropped afterwards. */
async function plansSection(url: string | undefined): Promise<BenchSection> {
  if (!url) return { title: PLANS_SECTION_TITLE, lines: ['Skipped: it needs PostgreSQL (set BENCH_DATABASE_URL).'], failures: [] };
  const wh = await seededWarehouse(url, PLANS_SCHEMA, 1);
  try {
    process.stderr.write('bench: plans: multiplying the reports\n');
    const reportRows = await multiplyReports(wh, Number(values['plan-rows']));
    const loaded = await loadEngine(values.metrics!, wh);
    if (!loaded.engine) throw new Error(loaded.error);
    return await benchPlans(wh, loaded.engine, { runs: Number(values['plan-runs']), reportRows });
  } finally {
    await wh.query(`DROP SCHEMA IF EXISTS ${PLANS_SCHEMA} CASCADE`).catch(() => undefined);
    await wh.close();
  }
}

/**
 * The rollups section: on PostgreSQL the demo's reports multiplied past --rollup-rows in a scratch
 * schema (dropped after); on the embedded warehouse the demo at scale 1.
 */
async function rollupsSection(url: string | undefined): Promise<BenchSection> {
  const schema = 'maatstaf_bench_rollups';
  const wh = await seededWarehouse(url, schema, 1);
  try {
    const reportRows = url ? await multiplyReports(wh, Number(values['rollup-rows'])) : (await wh.query<{ n: number }>('select count(*)::int as n from public_space_reports')).rows[0]!.n;
    return await benchRollups(wh, { label: url ? 'PostgreSQL' : 'Embedded PGlite', metricsDir: values.metrics!, schema: `${schema}_r`, runs: Number(values['rollup-runs']), reportRows });
  } finally {
    if (url) await wh.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await wh.close();
  }
}

async function main(): Promise<number> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  const scale = url ? Number(values.scale) : 1;
  const sections: BenchSection[] = [];
  const loadAtStart = loadavg();
  if (values.only !== undefined && !['spine', 'worker', 'plans', 'forecast', 'rollups', 'request-path'].includes(values.only)) {
    throw new Error(`--only: unknown section '${values.only}' (known: spine, worker, plans, forecast, rollups, request-path)`);
  }
  if (values.only === 'forecast') return finishOnly(await forecastSection(url), loadAtStart);
  if (values.only === 'rollups') return finishOnly(await rollupsSection(url), loadAtStart);
  if (values.only === 'spine') return finishOnly(await spineSection(url), loadAtStart);
  if (values.only === 'worker') return finishOnly(await benchWorker(values.metrics!), loadAtStart);
  if (values.only === 'plans') return finishOnly(await plansSection(url), loadAtStart);
  if (values.only === 'request-path') {
    if (!url) throw new Error('--only request-path needs PostgreSQL (set BENCH_DATABASE_URL)');
    // Each section replaced in place, with the command and machine.
    return (await requestPathSections(url)).reduce((code, section) => Math.max(code, finishOnly(section, loadAtStart)), 0);
  }
  process.stderr.write('bench: compile time\n');
  sections.push(await benchCompile(values.metrics!));

  const wh = await seededWarehouse(url, 'maatstaf_bench', scale);
  try {
    const loaded = await loadEngine(values.metrics!, wh);
    if (!loaded.engine) throw new Error(loaded.error);
    process.stderr.write('bench: plan parity\n');
    sections.push(await benchPlanParity(wh, loaded.engine.graph, url ? 'PostgreSQL' : 'PGlite'));
    process.stderr.write('bench: request coalescing\n');
    sections.push(await benchCoalescing(wh, values.metrics!, url ? 'PostgreSQL' : 'PGlite'));
    if (url) {
      // Over HTTP: servers in child processes on the same seeded schema.
      const http = { databaseUrl: url, schema: 'maatstaf_bench', metricsDir: values.metrics!, seconds: Number(values.seconds), memoryRequests: Number(values['memory-requests']) };
      process.stderr.write('bench: uncached API latency vs pg\n');
      sections.push(await benchUncachedLatency(http));
      process.stderr.write(`bench: request path (dashboard mix) uncached and cached vs a like-for-like baseline, memory over ${http.memoryRequests} cached requests\n`);
      sections.push(...(await requestPathSections(url)));
      process.stderr.write('bench: two replicas on one Redis\n');
      const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/14';
      sections.push(await benchReplicas({ databaseUrl: url, schema: 'maatstaf_bench', metricsDir: values.metrics!, redisUrl }));
    } else {
      sections.push({ title: 'HTTP benchmarks', lines: ['Skipped: they need PostgreSQL (set BENCH_DATABASE_URL).'], failures: [] });
    }
  } finally {
    await wh.close();
  }
  process.stderr.write('bench: time spine, every metric by day × one dimension\n');
  sections.push(await spineSection(url));
  process.stderr.write('bench: forecasts\n');
  sections.push(await forecastSection(url));
  process.stderr.write('bench: embedded warehouse in its own thread\n');
  sections.push(await benchWorker(values.metrics!));
  process.stderr.write('bench: plan shape, compiled vs hand-written SQL\n');
  sections.push(await plansSection(url));
  process.stderr.write('bench: rollups vs raw\n');
  sections.push(await rollupsSection(url));

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Benchmarks',
    '',
    `Command: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`${url ? ' with `BENCH_DATABASE_URL` set to the local PostgreSQL' : ''} (scale ${scale}).`,
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}.`,
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    `Load average (1 min) at start ${loadAtStart[0]!.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores${loadAtStart[0]! > cpus().length / 2 ? ' — the machine was busy with other work during this run' : ''}.`,
    '',
    'Figures are from one run on a shared machine; compare ratios measured side by side, not absolute times.',
    '',
  ];
  const body = sections.flatMap((s) => [`## ${s.title}`, '', ...s.lines, '']);
  writeFileSync(values.out!, [...header, ...body, ...keptSections(values.out!)].join('\n'));
  process.stdout.write([...header, ...body].join('\n'));
  const failures = sections.flatMap((s) => s.failures);
  for (const f of failures) process.stderr.write(`bench: WRONG RESULT: ${f}\n`);
  return failures.length ? 1 : 0;
}

/** The request-path sections (src/bench/request-path.bench.ts) on the demo at scale 1 (small dashboard queries). */
async function requestPathSections(url: string): Promise<BenchSection[]> {
  const wh = await seededWarehouse(url, SPINE_SCHEMA, 1);
  await wh.close();
  const serverEnv = values['server-env'] ? Object.fromEntries(values['server-env'].split(',').map((kv) => kv.split('=') as [string, string])) : undefined;
  return benchRequestPath({
    databaseUrl: url,
    schema: SPINE_SCHEMA,
    metricsDir: values.metrics!,
    seconds: Number(values.seconds),
    uncachedRequests: Number(values['uncached-requests']),
    memoryRequests: Number(values['memory-requests']),
    ...(serverEnv ? { serverEnv } : {}),
  });
}

/** Writes one section into the file in place of its previous version (or appends it); other sections stay. */
function finishOnly(section: BenchSection, loadAtStart: number[]): number {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  const lines = [
    `## ${section.title}`,
    '',
    `Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`${url ? ' with `BENCH_DATABASE_URL` set to the local PostgreSQL' : ''}.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ` +
      `load average (1 min) at start ${loadAtStart[0]!.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)}.`,
    '',
    ...section.lines,
    '',
  ];
  const text = existsSync(values.out!) ? readFileSync(values.out!, 'utf8') : '# Benchmarks\n';
  const heading = `\n## ${section.title}\n`;
  const at = text.indexOf(heading);
  let next = at < 0 ? -1 : text.indexOf('\n## ', at + heading.length);
  if (at >= 0 && next < 0) next = text.length;
  const updated = at < 0 ? `${text.trimEnd()}\n\n${lines.join('\n')}` : `${text.slice(0, at + 1)}${lines.join('\n')}${text.slice(next)}`;
  writeFileSync(values.out!, updated.endsWith('\n') ? updated : `${updated}\n`);
  process.stdout.write(lines.join('\n'));
  for (const f of section.failures) process.stderr.write(`bench: WRONG RESULT: ${f}\n`);
  return section.failures.length ? 1 : 0;
}

/** Sections this bench does not measure (the web UI's, measured in a browser) survive a re-run. */
function keptSections(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('\n## Web UI');
  return at < 0 ? [] : [text.slice(at + 1).trimEnd(), ''];
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
