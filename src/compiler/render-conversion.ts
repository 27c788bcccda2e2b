/** SQL for attributing conversion events to their latest base event (spec 5.7). */
import type { ConversionJoinNode } from '../planner/plan/plan-nodes.js';
import { CONVERSION_ROW } from '../planner/plan/element-columns.js';
import { ident, qualified } from './render-exprs.js';
import { sql, type SqlFragment } from './sql-fragment.js';
import { intervalSql } from './render-time-join.js';

type Sql = SqlFragment;

const NL = sql.raw('\n');
const LIST = sql.raw(',\n  ');

export function renderConversionJoin(n: ConversionJoinNode): Sql {
  const b = (c: string) => qualified('b', c);
  const c = (col: string) => qualified('c', col);
  const conditions: Sql[] = [...n.on.map((o) => sql`${b(o.base)} = ${c(o.conversion)}`), sql`${b(n.baseTime)} <= ${c(n.conversionTime)}`];
  if (n.window) conditions.push(sql`${b(n.baseTime)} > CAST(${c(n.conversionTime)} AS TIMESTAMP) - ${intervalSql(n.window)}`);
  // Latest base event first; the attributed columns break ties so the result is deterministic.
  const order = sql.join([sql`${b(n.baseTime)} DESC`, ...n.attribute.map((a) => b(a))]);
  const w = sql`OVER (PARTITION BY ${c(CONVERSION_ROW)} ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;
  const cols = [
    ...n.attribute.map((a) => sql`FIRST_VALUE(${b(a)}) ${w} AS ${ident(a)}`),
    sql`${c(CONVERSION_ROW)} AS ${ident(CONVERSION_ROW)}`,
    sql`${c(n.value)} AS ${ident(n.value)}`,
  ];
  const numbered = sql`(SELECT ${ident('n')}.*, ROW_NUMBER() OVER () AS ${ident(CONVERSION_ROW)} FROM ${ident(n.conversion)} AS ${ident('n')})`;
  return sql`SELECT DISTINCT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${ident(n.base)} AS ${ident('b')}${NL}INNER JOIN ${numbered} AS ${ident('c')} ON ${sql.join(conditions, sql.raw(' AND '))}`;
}
