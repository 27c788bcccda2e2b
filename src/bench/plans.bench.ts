/**
 * Issue 23 target: the compiled SQL is as fast as the best hand-written SQL for the same numbers —
 * p50 at most 10 % slower, and parallel (Gather / Partial Aggregate in EXPLAIN) wherever the
 * hand-written query is — over ≥ 1 M generated report rows on PostgreSQL.
 *
 * The demo is seeded at scale 1 into its own schema, its reports multiplied in SQL (copies shifted
 * by a few minutes, new ids) past a million rows, and the schema is dropped afterwards. The two
 * statements of a question run alternately, so drift in machine load affects both alike.
 */
import type { Engine } from '../engine/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { BenchSection } from './engine.bench.js';
import { PLAN_QUESTIONS, type PlanQuestion } from './plans.questions.js';
import { fmt, percentile } from './stats.js';

export const PLANS_SECTION_TITLE = 'Plan shape: compiled SQL vs hand-written SQL on ≥ 1 M rows';
const SLOWER_ALLOWED = 1.1;

/** Copies of the seeded reports until there are at least `target` rows. */
export async function multiplyReports(wh: Warehouse, target: number): Promise<number> {
  const n = (await wh.query<{ n: number }>('SELECT count(*)::int AS n FROM public_space_reports')).rows[0]!.n;
  const copies = Math.ceil(target / n) - 1;
  if (copies > 0) {
    await wh.query(
      `INSERT INTO public_space_reports (report_id, received_at, resolved_at, category, subcategory, district_id, neighbourhood_id,
         location_cell, channel, priority, status, reporter_pseudonym)
       SELECT r.report_id + k * 10000000, r.received_at + k * INTERVAL '7 minutes', r.resolved_at + k * INTERVAL '7 minutes', r.category, r.subcategory,
         r.district_id, r.neighbourhood_id, r.location_cell, r.channel, r.priority, r.status, r.reporter_pseudonym
       FROM public_space_reports r CROSS JOIN generate_series(1, ${copies}) AS k`,
    );
  }
  await wh.query('ANALYZE public_space_reports');
  return (await wh.query<{ n: number }>('SELECT count(*)::int AS n FROM public_space_reports')).rows[0]!.n;
}

/** Rows as sorted lists of normalised values: dates as days, numbers to 9 significant digits. */
function canonical(rows: readonly Record<string, unknown>[]): string[] {
  const norm = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v))) return Number(Number(v).toPrecision(9));
    return v;
  };
  return rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, norm(r[k])]))).sort();
}

async function isParallel(wh: Warehouse, sql: string, params: readonly unknown[]): Promise<boolean> {
  const res = await wh.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const text = JSON.stringify(res.rows[0]!['QUERY PLAN']);
  return /"Node Type\\?":\s*\\?"Gather|"Partial Mode\\?":\s*\\?"Partial/.test(text);
}

interface Compared {
  readonly name: string;
  readonly rows: number;
  readonly ours: number;
  readonly hand: number;
  readonly oursParallel: boolean;
  readonly handParallel: boolean;
  readonly same: boolean;
}

async function compare(wh: Warehouse, engine: Engine, q: PlanQuestion, runs: number): Promise<Compared> {
  const compiled = engine.compile(q.query);
  const run = async (sql: string, params: readonly unknown[]) => {
    const t0 = performance.now();
    const rows = (await wh.query(sql, params)).rows;
    return { ms: performance.now() - t0, rows };
  };
  const first = [await run(compiled.sql, compiled.params), await run(q.hand, [])];
  const ours: number[] = [];
  const hand: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternating which goes first too: a warm cache after one statement helps the other alike.
    if (i % 2 === 0) {
      ours.push((await run(compiled.sql, compiled.params)).ms);
      hand.push((await run(q.hand, [])).ms);
    } else {
      hand.push((await run(q.hand, [])).ms);
      ours.push((await run(compiled.sql, compiled.params)).ms);
    }
  }
  ours.sort((a, b) => a - b);
  hand.sort((a, b) => a - b);
  return {
    name: q.name,
    rows: first[0]!.rows.length,
    ours: percentile(ours, 50),
    hand: percentile(hand, 50),
    oursParallel: await isParallel(wh, compiled.sql, compiled.params),
    handParallel: await isParallel(wh, q.hand, []),
    same: JSON.stringify(canonical(first[0]!.rows)) === JSON.stringify(canonical(first[1]!.rows)),
  };
}

export async function benchPlans(wh: Warehouse, engine: Engine, opts: { runs: number; reportRows: number }): Promise<BenchSection> {
  const results: Compared[] = [];
  for (const q of PLAN_QUESTIONS) {
    process.stderr.write(`bench: plans ${q.name}\n`);
    results.push(await compare(wh, engine, q, opts.runs));
  }
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const fast = (r: Compared) => r.ours <= r.hand * SLOWER_ALLOWED;
  const parallelOk = (r: Compared) => r.oursParallel || !r.handParallel;
  const missed = results.filter((r) => !fast(r) || !parallelOk(r));
  return {
    title: PLANS_SECTION_TITLE,
    lines: [
      `Warehouse: PostgreSQL (default memory settings), the demo's reports multiplied to ${opts.reportRows.toLocaleString('en')} rows in a scratch schema ` +
        `(dropped afterwards). ${opts.runs} runs per statement, compiled and hand-written alternately; p50 of the warehouse round trip.`,
      '',
      '| question | rows | compiled p50 | hand-written p50 | ratio | compiled parallel | hand-written parallel | same rows |',
      '|---|---|---|---|---|---|---|---|',
      ...results.map((r) => `| ${r.name} | ${r.rows} | ${fmt(r.ours)} | ${fmt(r.hand)} | ${(r.ours / r.hand).toFixed(2)} | ${yes(r.oursParallel)} | ${yes(r.handParallel)} | ${yes(r.same)} |`),
      '',
      `Target: at most ${Math.round((SLOWER_ALLOWED - 1) * 100)} % slower at p50 and parallel wherever the hand-written SQL is — ` +
        (missed.length === 0 ? `met by all ${results.length} questions.` : `NOT met by ${missed.length} of ${results.length}: ${missed.map((r) => r.name).join('; ')}.`),
    ],
    failures: results.filter((r) => !r.same).map((r) => `plans: ${r.name}: compiled rows differ from the hand-written SQL`),
  };
}
