/**
 * `npm run bench`: runs the benchmark suites and writes BENCHMARKS.md (command, machine, date,
 * figures). Exits non-zero only when a result is wrong, never because something was slow.
 *
 * Warehouse: BENCH_DATABASE_URL (or DATABASE_URL) for real PostgreSQL — the demo is migrated and
 * seeded into schema `maatstaf_bench` at --scale (default 10) when absent; otherwise an in-memory
 * PGlite seeded at scale 1.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { migrateWarehouse } from '../demo/migrate.js';
import { isSeeded, seedDemo } from '../demo/seed.js';
import { loadEngine } from '../engine/load-engine.js';
import { openWarehouse } from '../warehouse/open.js';
import { benchCompile, benchPlanParity, type BenchSection } from './engine.bench.js';
import { benchCachedThroughput, benchCoalescing } from './cache.bench.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '10' },
    metrics: { type: 'string', default: 'metrics' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
  },
});

async function main(): Promise<number> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  const scale = url ? Number(values.scale) : 1;
  const sections: BenchSection[] = [];
  process.stderr.write('bench: compile time\n');
  sections.push(await benchCompile(values.metrics!));

  const wh = await openWarehouse(url ? { databaseUrl: url, schema: 'maatstaf_bench', createSchema: true } : {});
  try {
    await migrateWarehouse(wh);
    if (!(await isSeeded(wh))) {
      process.stderr.write(`bench: seeding the demo at scale ${scale}\n`);
      await seedDemo(wh, {
        scale,
        onProgress: (p) => {
          if (p.done === p.total && p.total > 0) process.stderr.write(`bench: seeded ${p.table} (${p.total} rows)\n`);
        },
      });
    }
    const loaded = await loadEngine(values.metrics!, wh);
    if (!loaded.engine) throw new Error(loaded.error);
    process.stderr.write('bench: plan parity\n');
    sections.push(await benchPlanParity(wh, loaded.engine.graph, url ? 'PostgreSQL' : 'PGlite'));
    process.stderr.write('bench: request coalescing and cached throughput\n');
    sections.push(await benchCoalescing(wh, values.metrics!, url ? 'PostgreSQL' : 'PGlite'));
    sections.push(await benchCachedThroughput(wh, values.metrics!));
  } finally {
    await wh.close();
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Benchmarks',
    '',
    `Command: \`npm run bench\`${url ? ' with `BENCH_DATABASE_URL` set to the local PostgreSQL' : ''} (scale ${scale}).`,
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}.`,
    `Date: ${new Date().toISOString().slice(0, 10)}.`,
    '',
    'Figures are from one run on a shared machine; compare ratios measured side by side, not absolute times.',
    '',
  ];
  const body = sections.flatMap((s) => [`## ${s.title}`, '', ...s.lines, '']);
  writeFileSync(values.out!, [...header, ...body].join('\n'));
  process.stdout.write([...header, ...body].join('\n'));
  const failures = sections.flatMap((s) => s.failures);
  for (const f of failures) process.stderr.write(`bench: WRONG RESULT: ${f}\n`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
