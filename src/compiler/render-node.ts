/** Renders one plan node as a SELECT over the CTEs of its inputs. */
import { sql as kyselySql } from 'kysely';
import type {
  CombineNode,
  JoinNode,
  OrderLimitNode,
  PlanNode,
  SourceColumn,
  TimeSpineNode,
} from '../planner/plan/plan-nodes.js';
import { BOUNDS_END, BOUNDS_START } from '../planner/plan/plan-nodes.js';
import { renderFilter } from '../planner/filter-api.js';
import { renderConversionJoin } from './render-conversion.js';
import { orderLimitClauses } from './render-fused.js';
import { renderCustomOffset, renderCustomPeriods } from './render-custom-offset.js';
import { renderPeriodAgg, renderRunningWindow, renderSemiAdditive, renderTimeBounds, renderTimeJoin } from './render-time-join.js';
import { aggregateSql, ident, metricExprSql, qualified, relationFragment as relationRef, sourceExprSql, type RenderContext } from './render-exprs.js';
import { renderProject, renderRollupSource } from './render-rollup.js';
import { idText, sql, type SqlFragment } from './sql-fragment.js';

type Sql = SqlFragment;

const NL = sql.raw('\n');
const LIST = sql.raw(',\n  ');

function list(items: readonly Sql[]): Sql {
  return sql.join(items, LIST);
}

function as(expr: Sql, name: string): Sql {
  return sql`${expr} AS ${ident(name)}`;
}

function columnsOf(names: readonly string[]): Sql {
  return list(names.map(ident));
}

function selectColumns(select: readonly SourceColumn[], ctx: RenderContext): Sql {
  return list(select.map((c) => as(sourceExprSql(c.expr, ctx), c.name)));
}

function timeSpine(n: TimeSpineNode, ctx: RenderContext): Sql {
  const { spine, bounds } = n;
  // The bounds node has one row, or none when the data has none (then the spine is empty).
  const bound = (expr: Sql) => (bounds ? sql`(SELECT ${expr} FROM ${ident(bounds.node)})` : expr);
  const end = bounds?.hasEnd ? bound(ident(BOUNDS_END)) : undefined;
  let from: Sql;
  let time: Sql;
  if (spine.kind === 'table') {
    from = relationRef(spine.relation);
    time = ident(spine.column);
  } else {
    const start = sql`CAST(${spine.start} AS TIMESTAMP)`;
    const stop = sql`CAST(${spine.stop} AS TIMESTAMP)`;
    const first = bounds ? bound(sql`GREATEST(${start}, ${ident(BOUNDS_START)})`) : start;
    const last = end ? bound(sql`LEAST(${stop}, ${ident(BOUNDS_END)})`) : stop;
    from = sql`GENERATE_SERIES(${first}, ${last}, ${sql.raw(`INTERVAL '1 ${spine.step}'`)}) AS ${ident('series')}(${ident('ts')})`;
    time = ident('ts');
  }
  const where: Sql[] = [];
  if (bounds && spine.kind === 'table') where.push(sql`${time} >= ${bound(ident(BOUNDS_START))}`);
  if (end) where.push(sql`${time} < ${end}`);
  const body = sql`SELECT${NL}  ${selectColumns(n.select, ctx)}${NL}FROM ${from}`;
  return where.length ? sql`${body}${NL}WHERE ${sql.join(where, sql.raw(' AND '))}` : body;
}

const JOIN_KEYWORD = { left: 'LEFT OUTER JOIN', full: 'FULL OUTER JOIN', cross: 'CROSS JOIN' } as const;

function join(n: JoinNode): Sql {
  const cols = [
    ...n.keep.map((c) => as(qualified('l', c), c)),
    ...n.joins.flatMap((j, i) => j.take.map((t) => as(qualified(`r${i + 1}`, t.from), t.as))),
  ];
  const clauses = n.joins.map((j, i) => {
    const alias = `r${i + 1}`;
    const on = j.on.map((o) => sql`${qualified('l', o.left)} = ${qualified(alias, o.right)}`);
    if (j.validity) {
      const t = qualified('l', j.validity.leftTime);
      const end = qualified(alias, j.validity.end);
      on.push(sql`${t} >= ${qualified(alias, j.validity.start)} AND (${t} < ${end} OR ${end} IS NULL)`);
    }
    const head = sql`${sql.raw(JOIN_KEYWORD[j.type])} ${ident(j.right)} AS ${ident(alias)}`;
    return on.length ? sql`${head} ON ${sql.join(on, sql.raw(' AND '))}` : head;
  });
  return sql`SELECT${NL}  ${list(cols)}${NL}FROM ${ident(n.left)} AS ${ident('l')}${NL}${sql.join(clauses, NL)}`;
}

function combine(n: CombineNode): Sql {
  const alias = (i: number) => `p${i + 1}`;
  const fill = (expr: Sql, v: number | undefined) => (v === undefined ? expr : sql`COALESCE(${expr}, ${sql.lit(v)})`);
  if (n.inputs.length === 1) {
    const input = n.inputs[0]!;
    const cols = [...n.keys.map(ident), ...input.take.map((t) => as(fill(ident(t.from), t.fillNullsWith), t.as))];
    return sql`SELECT${NL}  ${list(cols)}${NL}FROM ${ident(input.node)}`;
  }
  const from = sql`${ident(n.inputs[0]!.node)} AS ${ident(alias(0))}`;
  if (n.keys.length === 0) {
    const cols = n.inputs.flatMap((p, i) => p.take.map((t) => as(fill(qualified(alias(i), t.from), t.fillNullsWith), t.as)));
    const joins = n.inputs.slice(1).map((p, i) => sql`CROSS JOIN ${ident(p.node)} AS ${ident(alias(i + 1))}`);
    return sql`SELECT${NL}  ${list(cols)}${NL}FROM ${from}${NL}${sql.join(joins, NL)}`;
  }
  // Key k after the first i inputs: COALESCE over them (the k-th join compares against all previous).
  // Built as text with growing prefixes: a wide query (50 inputs × 10 keys) repeats these lists
  // quadratically, and per-identifier fragments made this the compiler's hottest spot.
  const keyOverText = n.keys.map((k) => {
    const texts: string[] = [];
    let listed = '';
    for (let i = 0; i < n.inputs.length; i++) {
      const q = idText(alias(i), k);
      listed = i === 0 ? q : `${listed}, ${q}`;
      texts.push(i === 0 ? q : `COALESCE(${listed})`);
    }
    return texts;
  });
  const keyOver = (k: number, count: number): Sql => sql.raw(keyOverText[k]![count - 1]!);
  const keys = n.keys.map((_, k) => keyOver(k, n.inputs.length));
  const cols = [
    ...n.keys.map((k, i) => as(keys[i]!, k)),
    ...n.inputs.flatMap((p, i) => p.take.map((t) => as(fill(sql`MAX(${qualified(alias(i), t.from)})`, t.fillNullsWith), t.as))),
  ];
  const joins = n.inputs.slice(1).map((p, j) => {
    const i = j + 1;
    const on = n.keys.map((k, ki) => `${keyOverText[ki]![i - 1]!} = ${idText(alias(i), k)}`).join(' AND ');
    return sql`FULL OUTER JOIN ${ident(p.node)} AS ${ident(alias(i))} ON ${sql.raw(on)}`;
  });
  return sql`SELECT${NL}  ${list(cols)}${NL}FROM ${from}${NL}${sql.join(joins, NL)}${NL}GROUP BY${NL}  ${list(keys)}`;
}

function orderLimit(n: OrderLimitNode): Sql {
  return sql.join([sql`SELECT${NL}  ${columnsOf(n.columns)}${NL}FROM ${ident(n.input)}`, ...orderLimitClauses(n)], NL);
}

export function renderNode(n: PlanNode, ctx: RenderContext): Sql {
  switch (n.kind) {
    case 'source':
      return sql`SELECT${NL}  ${selectColumns(n.select, ctx)}${NL}FROM ${relationRef(n.relation)}`;
    case 'time-spine':
      return timeSpine(n, ctx);
    case 'join':
      return join(n);
    case 'filter': {
      // Kysely identifiers here: the filter renderer recognises them as plain column references (no parentheses).
      const conditions = n.filters.map((f) => sql`(${renderFilter(f.filter, (_ref, i) => kyselySql.id(f.refColumns[i]!))})`);
      return sql`SELECT${NL}  ${columnsOf(n.columns)}${NL}FROM ${ident(n.input)}${NL}WHERE ${sql.join(conditions, sql.raw('\n  AND '))}`;
    }
    case 'time-constraint': {
      const col = ident(n.column);
      const end = sql`${col} < CAST(${n.endExclusive} AS TIMESTAMP)`;
      const where = n.start !== undefined ? sql`${col} >= CAST(${n.start} AS TIMESTAMP) AND ${end}` : end;
      return sql`SELECT${NL}  ${columnsOf(n.columns)}${NL}FROM ${ident(n.input)}${NL}WHERE ${where}`;
    }
    case 'time-join':
      return renderTimeJoin(n);
    case 'running-window':
      return renderRunningWindow(n);
    case 'time-bounds':
      return renderTimeBounds(n);
    case 'time-floor': {
      const floor = sql`GREATEST(${ident(n.column)}, CAST(${n.start} AS ${sql.raw(n.date ? 'DATE' : 'TIMESTAMP')}))`;
      const cols = n.columns.map((c) => (c === n.column ? as(floor, c) : ident(c)));
      return sql`SELECT${NL}  ${list(cols)}${NL}FROM ${ident(n.input)}`;
    }
    case 'custom-periods':
      return renderCustomPeriods(n);
    case 'custom-offset':
      return renderCustomOffset(n);
    case 'period-agg':
      return renderPeriodAgg(n);
    case 'semi-additive':
      return renderSemiAdditive(n);
    case 'conversion-join':
      return renderConversionJoin(n);
    case 'aggregate': {
      const cols = [...n.groupBy.map(ident), ...n.aggregations.map((a) => as(aggregateSql(a), a.as))];
      const body = sql`SELECT${NL}  ${list(cols)}${NL}FROM ${ident(n.input)}`;
      return n.groupBy.length ? sql`${body}${NL}GROUP BY${NL}  ${columnsOf(n.groupBy)}` : body;
    }
    case 'compute-metric':
      return sql`SELECT${NL}  ${list([...n.keys.map(ident), as(metricExprSql(n.expr), n.metric)])}${NL}FROM ${ident(n.input)}`;
    case 'combine':
      return combine(n);
    case 'distinct':
      return sql`SELECT${NL}  ${columnsOf(n.columns)}${NL}FROM ${ident(n.input)}${NL}GROUP BY${NL}  ${columnsOf(n.columns)}`;
    case 'min-max':
      return sql`SELECT${NL}  MIN(${ident(n.column)}) AS ${ident(`${n.column}__min`)}${LIST}MAX(${ident(n.column)}) AS ${ident(`${n.column}__max`)}${NL}FROM ${ident(n.input)}`;
    case 'rollup-source':
      return renderRollupSource(n, ctx);
    case 'project':
      return renderProject(n);
    case 'order-limit':
      return orderLimit(n);
  }
}
