/**
 * Issue 3 and 8 targets: compile time (median < 1 ms, also for 50 metrics × 10 group-bys) and "the SQL for a simple
 * grouped metric has the same plan as the hand-written query" (EXPLAIN compared structurally).
 */
import { compileQuery } from '../compiler/index.js';
import { loadDefinitions, parseDefinitionFiles } from '../definitions/index.js';
import { buildSemanticGraph, type SemanticGraph } from '../semantic-graph/index.js';
import { parseQuery } from '../engine/engine.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { fmt, time, timePair, type Timing } from './stats.js';
import { WIDE_QUERY, wideDefinitionFiles } from './wide-definitions.js';

export interface BenchSection {
  readonly title: string;
  readonly lines: readonly string[];
  /** A wrong result (never slowness) fails the benchmark run. */
  readonly failures: readonly string[];
}

const TYPICAL = {
  metrics: ['reports_received'],
  groupBy: ['metric_time__month', 'district__district_name'],
  where: ["{{ Dimension('report__channel') }} = 'app'"],
  orderBy: ['metric_time__month'],
};

export async function benchCompile(metricsDir: string): Promise<BenchSection> {
  const demo = await loadDefinitions(metricsDir);
  const graph = buildSemanticGraph(demo.definitions!, { timeColumnTypes: () => 'timestamptz' });
  const wide = parseDefinitionFiles(wideDefinitionFiles());
  if (!wide.definitions) throw new Error(`wide definitions invalid: ${JSON.stringify(wide.issues)}`);
  const wideGraph = buildSemanticGraph(wide.definitions);
  const compile = (g: SemanticGraph, q: unknown) => () => compileQuery(g, parseQuery(q));
  const rows: [string, Timing][] = [
    ['typical: 1 metric, month × joined district, 1 filter', await time(compile(graph, TYPICAL), 5000)],
    ['ratio + derived across 2 models by month', await time(compile(graph, { metrics: ['app_share', 'median_resolution_days', 'satisfaction_avg'], groupBy: ['metric_time__month'] }), 3000)],
    ['wide: 50 metrics × 10 group-bys (synthetic)', await time(compile(wideGraph, WIDE_QUERY), 300, 30)],
  ];
  return {
    title: 'Compile time (pure: validate + resolve + plan + render SQL; no I/O)',
    lines: [
      '| query | runs | p50 | p99 | mean |',
      '|---|---|---|---|---|',
      ...rows.map(([name, t]) => `| ${name} | ${t.n} | ${fmt(t.p50)} | ${fmt(t.p99)} | ${fmt(t.mean)} |`),
      '',
      `Target: median < 1 ms, the wide query included — ${rows.every(([, t]) => t.p50 < 1) ? 'met' : 'NOT met'} (${rows.map(([, t]) => fmt(t.p50)).join(', ')}).`,
      'Simple metrics of one semantic model without filters of their own share one scan and one GROUP BY (the wide query is one aggregation with 50 columns, not 50 aggregations joined).',
    ],
    failures: [],
  };
}

const HAND_WRITTEN = `SELECT CAST(date_trunc('month', received_at AT TIME ZONE 'Europe/Amsterdam') AS date) AS metric_time__month,
       category AS report__category, count(*) AS reports_received
FROM public_space_reports GROUP BY 1, 2`;

interface PlanNode {
  'Node Type': string;
  Strategy?: string;
  Plans?: PlanNode[];
}

/** The plan's shape: node types and aggregate strategies, depth first. */
function planShape(node: PlanNode): string {
  const self = node.Strategy ? `${node['Node Type']}(${node.Strategy})` : node['Node Type'];
  const kids = (node.Plans ?? []).map(planShape);
  return kids.length ? `${self} → [${kids.join(', ')}]` : self;
}

async function explainShape(wh: Warehouse, sql: string, params: readonly unknown[]): Promise<string> {
  const res = await wh.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON, COSTS OFF) ${sql}`, params);
  const raw = res.rows[0]!['QUERY PLAN'];
  const json = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return planShape(json[0]!.Plan);
}

function canonicalRows(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify([String(r.metric_time__month).slice(0, 10), r.report__category, Number(r.reports_received)])).sort();
}

export async function benchPlanParity(wh: Warehouse, graph: SemanticGraph, label: string): Promise<BenchSection> {
  const compiled = compileQuery(graph, parseQuery({ metrics: ['reports_received'], groupBy: ['metric_time__month', 'report__category'] }));
  const [ours, hand] = [await explainShape(wh, compiled.sql, compiled.params), await explainShape(wh, HAND_WRITTEN, [])];
  const ourRows = (await wh.query(compiled.sql, compiled.params)).rows;
  const handRows = (await wh.query(HAND_WRITTEN)).rows;
  const failures: string[] = [];
  if (JSON.stringify(canonicalRows(ourRows)) !== JSON.stringify(canonicalRows(handRows))) {
    failures.push('reports_received by month × category differs from the hand-written SQL');
  }
  // Interleaved, so a busy moment on a shared machine hits both sides alike.
  const [tOurs, tHand] = await timePair(
    () => wh.query(compiled.sql, compiled.params),
    () => wh.query(HAND_WRITTEN),
    15,
  );
  const count = (await wh.query<{ n: number }>('select count(*)::int as n from public_space_reports')).rows[0]!.n;
  return {
    title: `Plan parity with hand-written SQL (${label}, ${count.toLocaleString('en')} report rows)`,
    lines: [
      'Query: `reports_received` by `metric_time__month`, `report__category`.',
      '',
      `- compiled plan: \`${ours}\``,
      `- hand-written plan: \`${hand}\``,
      `- same plan shape: **${ours === hand ? 'yes' : 'no'}**; same ${ourRows.length} rows: **${failures.length === 0 ? 'yes' : 'no'}**`,
      `- run time p50 compiled ${fmt(tOurs.p50)} vs hand-written ${fmt(tHand.p50)} (ratio ${(tOurs.p50 / tHand.p50).toFixed(2)})`,
    ],
    failures: ours === hand ? failures : [...failures, `plan shapes differ: ${ours} vs ${hand}`],
  };
}
