/**
 * SQL for offsets in a custom granularity (spec 5.6): the custom periods numbered over the whole
 * spine with window functions, and the spine rows joined to the period `count` earlier.
 */
import type { CustomOffsetNode, CustomPeriodsNode } from '../planner/plan/plan-nodes.js';
import { ident, qualified } from './render-exprs.js';
import { sql, type SqlFragment } from './sql-fragment.js';

type Sql = SqlFragment;

const NL = sql.raw('\n');
const LIST = sql.raw(',\n  ');
/** First spine time of a row's period: periods are numbered in time order, not in label order. */
const PERIOD_START = '__period_start';

export function renderCustomPeriods(n: CustomPeriodsNode): Sql {
  const [t, label] = [ident(n.time), ident(n.label)];
  const inner = sql`SELECT ${t}, ${label}, MIN(${t}) OVER (PARTITION BY ${label}) AS ${ident(PERIOD_START)} FROM ${ident(n.input)} WHERE ${label} IS NOT NULL`;
  const cols = [
    t,
    label,
    sql`ROW_NUMBER() OVER (PARTITION BY ${label} ORDER BY ${t}) AS ${ident(n.position)}`,
    sql`DENSE_RANK() OVER (ORDER BY ${ident(PERIOD_START)}, ${label}) AS ${ident(n.period)}`,
  ];
  return sql`SELECT${NL}  ${sql.join(cols, LIST)}${NL}FROM (${inner}) AS ${ident('p')}`;
}

export function renderCustomOffset(n: CustomOffsetNode): Sql {
  const c = n.periodColumns;
  const kept = n.columns.filter((x) => x !== n.as).map((x) => sql`${qualified('i', x)} AS ${ident(x)}`);
  const earlier = sql`${qualified('src', c.period)} = ${qualified('o', c.period)} - ${sql.lit(n.count)}`;
  if (n.by === 'position') {
    const cols = [...kept, sql`${qualified('src', c.time)} AS ${ident(n.as)}`];
    return sql`SELECT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${ident(n.input)} AS ${ident('i')}${NL}INNER JOIN ${ident(n.periods)} AS ${ident('o')} ON ${qualified('o', c.time)} = ${qualified('i', n.match)}${NL}INNER JOIN ${ident(n.periods)} AS ${ident('src')} ON ${earlier} AND ${qualified('src', c.position)} = ${qualified('o', c.position)}`;
  }
  const periods = sql`(SELECT DISTINCT ${ident(c.label)}, ${ident(c.period)} FROM ${ident(n.periods)})`;
  const cols = [...kept, sql`${qualified('src', c.label)} AS ${ident(n.as)}`];
  return sql`SELECT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${ident(n.input)} AS ${ident('i')}${NL}INNER JOIN ${periods} AS ${ident('o')} ON ${qualified('o', c.label)} = ${qualified('i', n.match)}${NL}INNER JOIN ${periods} AS ${ident('src')} ON ${earlier}`;
}
