/**
 * The simplest SQL for the common shape (issue 23): a scan of one relation, its row filters and
 * the aggregation over it become one `SELECT … FROM <table> WHERE … GROUP BY 1, 2`, and the final
 * ORDER BY / LIMIT is put on that SELECT when it only picks its columns. This is the SQL a person
 * writes by hand, so PostgreSQL plans it the same way (parallel partial aggregates); the numbers
 * are those of the CTE chain it replaces: the same expressions, the same conditions, the same
 * aggregations (a grouped count of rows is `COUNT(*)`, which equals the SUM of ones in every group;
 * likewise `COUNT(col)` and `COUNT(*) FILTER (WHERE …)` for the normaliser's count and sum_boolean CASEs).
 */
import type { AggregateNode, OrderLimitNode, PlanNode, SourceExpr } from '../planner/plan/plan-nodes.js';
import { renderFilter } from '../planner/filter-api.js';
import { aggregateSql, ident, relationFragment, sourceExprSql, type RenderContext } from './render-exprs.js';
import { sql, type SqlFragment } from './sql-fragment.js';

type Sql = SqlFragment;

const NL = sql.raw('\n');
const LIST = sql.raw(',\n  ');

/** Rows of one relation: each column's expression over the relation, and the conditions on them. */
interface Scan {
  readonly from: Sql;
  readonly exprs: ReadonlyMap<string, Sql>;
  /** The definition expression behind a column, when it comes straight from the relation. */
  readonly sources: ReadonlyMap<string, SourceExpr>;
  readonly where: readonly Sql[];
}

/** What the compiler knows about the plan: nodes by id and how many nodes read each one. */
export interface PlanIndex {
  readonly byId: ReadonlyMap<string, PlanNode>;
  readonly uses: ReadonlyMap<string, number>;
}

export function indexPlan(nodes: readonly PlanNode[]): PlanIndex {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const uses = new Map<string, number>();
  const use = (id: string) => uses.set(id, (uses.get(id) ?? 0) + 1);
  for (const n of nodes) for (const id of inputsOf(n)) use(id);
  return { byId, uses };
}

/** Every node id a node reads (bounds nodes of spines included). */
function inputsOf(n: PlanNode): string[] {
  switch (n.kind) {
    case 'source':
    case 'rollup-source':
      return [];
    case 'time-spine':
      return n.bounds ? [n.bounds.node] : [];
    case 'join':
      return [n.left, ...n.joins.map((j) => j.right)];
    case 'time-join':
    case 'running-window':
      return [n.spine, n.rows];
    case 'custom-offset':
      return [n.input, n.periods];
    case 'conversion-join':
      return [n.base, n.conversion];
    case 'combine':
      return n.inputs.map((i) => i.node);
    default:
      return [n.input];
  }
}

/**
 * The scan a node's rows are, when they are one relation's rows through row filters only, each
 * node read by nothing else (so folding it away renders nothing twice); `absorbed` collects them.
 */
function scanOf(ix: PlanIndex, id: string, ctx: RenderContext, absorbed: string[]): Scan | undefined {
  const n = ix.byId.get(id);
  if (!n || ix.uses.get(id) !== 1) return undefined;
  if (n.kind === 'source') {
    absorbed.push(id);
    return {
      from: relationFragment(n.relation),
      exprs: new Map(n.select.map((c) => [c.name, sourceExprSql(c.expr, ctx)])),
      sources: new Map(n.select.map((c) => [c.name, c.expr])),
      where: [],
    };
  }
  if (n.kind !== 'filter' && n.kind !== 'time-constraint') return undefined;
  const inner = scanOf(ix, n.input, ctx, absorbed);
  if (!inner) return undefined;
  absorbed.push(id);
  const col = (name: string) => inner.exprs.get(name) ?? ident(name);
  if (n.kind === 'filter') {
    const conditions = n.filters.map((f) => sql`(${renderFilter(f.filter, (_ref, i) => col(f.refColumns[i]!))})`);
    return { ...inner, where: [...inner.where, ...conditions] };
  }
  const c = col(n.column);
  const end = sql`${c} < CAST(${n.endExclusive} AS TIMESTAMP)`;
  return { ...inner, where: [...inner.where, n.start !== undefined ? sql`${c} >= CAST(${n.start} AS TIMESTAMP) AND ${end}` : end] };
}

/**
 * A count expression as the normaliser writes it (`count(X)` → `SUM(CASE WHEN X IS NOT NULL THEN 1
 * ELSE 0 END)`). X is taken only when it holds none of the words that could make the CASE parse
 * otherwise than `(X) IS NOT NULL` (boolean operators bind looser than IS; nested CASEs; comments).
 */
const COUNT_CASE = /^CASE WHEN (.+) IS NOT NULL THEN 1 ELSE 0 END$/s;
const UNSAFE_IN_COUNT = /\b(?:and|or|not|is|case|when|then|else|end)\b|--|\/\*|;/i;
/**
 * `sum_boolean(X)` as the normaliser writes it (`SUM(CASE WHEN X THEN 1 ELSE 0 END)`): the rows
 * where X is true, `COUNT(*) FILTER (WHERE X)`. A WHEN condition runs up to THEN, so X is taken
 * whole unless it holds CASE words of its own (or a comment).
 */
const BOOLEAN_CASE = /^CASE WHEN (.+) THEN 1 ELSE 0 END$/s;
const UNSAFE_IN_FILTER = /\b(?:case|when|then|else|end)\b|--|\/\*|;/i;

/** COUNT(*), COUNT(X) or COUNT(*) FILTER (WHERE X) for a grouped sum of ones / not-null CASEs / boolean CASEs; undefined otherwise. */
function countSql(source: SourceExpr | undefined): Sql | undefined {
  if (source?.kind !== 'element' || source.expr.column !== undefined) return undefined;
  const text = source.expr.sql.trim();
  if (text === '1') return sql`COUNT(*)`;
  const x = COUNT_CASE.exec(text)?.[1];
  if (x !== undefined && !UNSAFE_IN_COUNT.test(x)) return sql`COUNT(${sql.raw(`(${x})`)})`;
  const condition = BOOLEAN_CASE.exec(text)?.[1];
  return condition !== undefined && !UNSAFE_IN_FILTER.test(condition) ? sql`COUNT(*) FILTER (WHERE ${sql.raw(`(${condition})`)})` : undefined;
}

/** An aggregate over a scan of one relation, or over its input node as is. */
function aggregateScan(ix: PlanIndex, n: AggregateNode, ctx: RenderContext, absorbed: string[]): Scan {
  return scanOf(ix, n.input, ctx, absorbed) ?? { from: ident(n.input), exprs: new Map(), sources: new Map(), where: [] };
}

/**
 * The aggregate as one SELECT, columns in `order` (each a group-by key or aggregation of the node),
 * GROUP BY by position so an output name can never be taken for a relation column.
 */
function renderAggregate(n: AggregateNode, scan: Scan, order: readonly string[]): Sql {
  const expr = (name: string) => scan.exprs.get(name) ?? ident(name);
  const grouped = n.groupBy.length > 0;
  const cols = order.map((name) => {
    const a = n.aggregations.find((x) => x.as === name);
    if (!a) return scan.exprs.has(name) ? sql`${expr(name)} AS ${ident(name)}` : ident(name);
    // Without GROUP BY an empty input gives one row: SUM is NULL there, COUNT 0, so only grouped sums become counts.
    const value = (a.agg === 'sum' && grouped ? countSql(scan.sources.get(a.input)) : undefined) ?? aggregateSql(a, expr(a.input));
    return sql`${value} AS ${ident(name)}`;
  });
  const parts = [sql`SELECT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${scan.from}`];
  if (scan.where.length) parts.push(sql`WHERE ${sql.join(scan.where, sql.raw('\n  AND '))}`);
  if (grouped) parts.push(sql`GROUP BY ${sql.raw(n.groupBy.map((g) => order.indexOf(g) + 1).join(', '))}`);
  return sql.join(parts, NL);
}

/** ORDER BY and LIMIT of the final SELECT; the limit is a validated whole number, written into the text. */
export function orderLimitClauses(n: OrderLimitNode): Sql[] {
  const parts: Sql[] = [];
  if (n.orderBy.length) parts.push(sql`ORDER BY ${sql.join(n.orderBy.map((o) => (o.descending ? sql`${ident(o.column)} DESC` : ident(o.column))))}`);
  if (n.limit !== undefined) {
    // The query model allows only whole numbers ≥ 0; a plan from anywhere else is checked again here.
    if (!Number.isSafeInteger(n.limit) || n.limit < 0) throw new Error(`invalid limit ${String(n.limit)}`);
    parts.push(sql`LIMIT ${sql.lit(n.limit)}`);
  }
  if (n.offset !== undefined) {
    if (!Number.isSafeInteger(n.offset) || n.offset < 0) throw new Error(`invalid offset ${String(n.offset)}`);
    parts.push(sql`OFFSET ${sql.lit(n.offset)}`);
  }
  return parts;
}

/** An aggregate node rendered with its scan folded in; `absorbed` gets the nodes that need no CTE. */
export function renderFusedAggregate(ix: PlanIndex, n: AggregateNode, ctx: RenderContext, absorbed: string[]): Sql {
  return renderAggregate(n, aggregateScan(ix, n, ctx, absorbed), [...n.groupBy, ...n.aggregations.map((a) => a.as)]);
}

/**
 * The root ORDER BY / LIMIT on its aggregate's own SELECT, when the root only picks (and reorders)
 * that aggregate's columns, keeps every key, and nothing else reads the aggregate.
 */
export function renderFusedRoot(ix: PlanIndex, root: OrderLimitNode, ctx: RenderContext, absorbed: string[]): Sql | undefined {
  const input = ix.byId.get(root.input);
  if (input?.kind !== 'aggregate' || ix.uses.get(input.id) !== 1) return undefined;
  if (!input.groupBy.every((g) => root.columns.includes(g)) || !root.columns.every((c) => input.columns.includes(c))) return undefined;
  if (new Set(root.columns).size !== root.columns.length) return undefined;
  absorbed.push(input.id);
  return sql.join([renderAggregate(input, aggregateScan(ix, input, ctx, absorbed), root.columns), ...orderLimitClauses(root)], NL);
}
