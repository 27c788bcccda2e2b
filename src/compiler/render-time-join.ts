/** SQL for time joins (cumulative windows, offsets), running windows, period aggregation and semi-additive rows (spec 5.5, 5.6, 6.2). */
import type { TimeGrain } from '../core/time.js';
import { BOUNDS_END, BOUNDS_START, type GrainWindow, type PeriodAggNode, type RunningWindowNode, type SemiAdditiveNode, type TimeBoundsNode, type TimeJoinCondition, type TimeJoinNode } from '../planner/plan/plan-nodes.js';
import { ident, qualified } from './render-exprs.js';
import { sql, type SqlFragment } from './sql-fragment.js';

type Sql = SqlFragment;

const NL = sql.raw('\n');
const LIST = sql.raw(',\n  ');

/** MAKE_INTERVAL argument per grain (quarters are three months; PostgreSQL spells mins/secs). */
const INTERVAL_UNIT: Partial<Record<TimeGrain, readonly [string, number]>> = {
  year: ['years', 1],
  quarter: ['months', 3],
  month: ['months', 1],
  week: ['weeks', 1],
  day: ['days', 1],
  hour: ['hours', 1],
  minute: ['mins', 1],
  second: ['secs', 1],
};

export function intervalSql(w: GrainWindow): Sql {
  const unit = INTERVAL_UNIT[w.grain];
  if (!unit) throw new Error(`no interval for grain ${w.grain}`);
  return sql`MAKE_INTERVAL(${sql.raw(unit[0])} => ${sql.lit(w.count * unit[1])})`;
}

function conditionSql(c: TimeJoinCondition, s: Sql, r: Sql): Sql {
  // The spine time as a timestamp, so interval arithmetic and DATE_TRUNC never depend on the session zone.
  const st = sql`CAST(${s} AS TIMESTAMP)`;
  switch (c.kind) {
    case 'trailing-window':
      return sql`${r} <= ${s} AND ${r} > ${st} - ${intervalSql(c.window)}`;
    case 'grain-to-date':
      // The equality is implied by the bounds; it lets PostgreSQL hash-join per period instead of
      // comparing every spine time with every row (demo year-to-date by month on PGlite: 25 s -> 1.5 s).
      return sql`DATE_TRUNC(${sql.lit(c.grain)}, CAST(${r} AS TIMESTAMP)) = DATE_TRUNC(${sql.lit(c.grain)}, ${st}) AND ${r} <= ${s} AND ${r} >= DATE_TRUNC(${sql.lit(c.grain)}, ${st})`;
    case 'all-time':
      return sql`${r} <= ${s}`;
    case 'offset-window':
      return sql`${r} = ${st} - ${intervalSql(c.window)}`;
    case 'offset-to-grain':
      if (c.periodStarts?.length) {
        const starts = sql.join(c.periodStarts.map((g) => sql`${st} = DATE_TRUNC(${sql.lit(g)}, ${st})`), sql` OR `);
        return sql`${r} = DATE_TRUNC(${sql.lit(c.grain)}, ${st}) AND (${starts})`;
      }
      return sql`${r} = DATE_TRUNC(${sql.lit(c.grain)}, ${st})`;
    case 'offset-custom':
      return sql`${r} = ${qualified('s', c.column)}`;
  }
}

/** The data's span of spine times (one row, none without data): MIN/MAX of the row times, shifted. */
export function renderTimeBounds(n: TimeBoundsNode): Sql {
  const t = sql`CAST(${ident(n.column)} AS TIMESTAMP)`;
  const start = n.startShift ? sql`MIN(${t}) + ${intervalSql(n.startShift)}` : sql`MIN(${t})`;
  const cols = [sql`${start} AS ${ident(BOUNDS_START)}`];
  if (n.end) {
    let end: Sql;
    if ('periodOf' in n.end) {
      const g = n.end.periodOf;
      end = sql`DATE_TRUNC(${sql.lit(g)}, MAX(${t})) + ${intervalSql({ count: 1, grain: g })}`;
    } else {
      end = sql`MAX(${t})`;
      for (const w of n.end.after) end = sql`${end} + ${intervalSql(w)}`;
    }
    cols.push(sql`${end} AS ${ident(BOUNDS_END)}`);
  }
  return sql`SELECT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${ident(n.input)}${NL}HAVING COUNT(${ident(n.column)}) > 0`;
}

/** Column holding the latest spine time of a spine row's group (lastPerGroup). */
const LAST_TIME = '__last_time';

export function renderTimeJoin(n: TimeJoinNode): Sql {
  const cols = [...n.keep.map((c) => sql`${qualified('s', c)} AS ${ident(c)}`), ...n.take.map((c) => sql`${qualified('r', c)} AS ${ident(c)}`)];
  const on = conditionSql(n.condition, qualified('s', n.spineTime), qualified('r', n.rowTime));
  if (!n.lastPerGroup) {
    return sql`SELECT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${ident(n.spine)} AS ${ident('s')}${NL}INNER JOIN ${ident(n.rows)} AS ${ident('r')} ON ${on}`;
  }
  // The spine-only condition comes first so PostgreSQL filters the spine before the (nested-loop) join.
  const latest = sql`MAX(${ident(n.spineTime)}) OVER (PARTITION BY ${sql.join(n.lastPerGroup.map(ident))})`;
  const spine = sql`(SELECT ${sql.join(n.keep.map(ident), sql.raw(', '))}, ${latest} AS ${ident(LAST_TIME)} FROM ${ident(n.spine)})`;
  return sql`SELECT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${spine} AS ${ident('s')}${NL}INNER JOIN ${ident(n.rows)} AS ${ident('r')} ON ${qualified('s', n.spineTime)} = ${qualified('s', LAST_TIME)} AND ${on}`;
}

const WINDOW_FN = { first: 'FIRST_VALUE', last: 'LAST_VALUE', average: 'AVG' } as const;

export function renderPeriodAgg(n: PeriodAggNode): Sql {
  const partition = n.keys.length ? sql`PARTITION BY ${sql.join(n.keys.map(ident))} ` : sql``;
  const over = sql`OVER (${partition}ORDER BY ${ident(n.orderBy)} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;
  const value = sql`${sql.raw(WINDOW_FN[n.agg])}(${ident(n.value)}) ${over}`;
  const cols = [...n.keys.map(ident), sql`${value} AS ${ident(n.as)}`];
  return sql`SELECT DISTINCT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${ident(n.input)}`;
}

/** Column holding the partition's MIN/MAX time in semi-additive rows. */
const WINDOW_TIME = '__window_time';

export function renderSemiAdditive(n: SemiAdditiveNode): Sql {
  const partition = n.partitionBy.length ? sql`PARTITION BY ${sql.join(n.partitionBy.map(ident))}` : sql``;
  const fn = sql.raw(n.choice === 'min' ? 'MIN' : 'MAX');
  const cols = sql.join(n.columns.map(ident), LIST);
  const inner = sql`SELECT${NL}  ${cols},${NL}  ${fn}(${ident(n.timeColumn)}) OVER (${partition}) AS ${ident(WINDOW_TIME)}${NL}FROM ${ident(n.input)}`;
  return sql`SELECT${NL}  ${cols}${NL}FROM (${NL}${inner}${NL}) AS ${ident('w')}${NL}WHERE ${ident(n.timeColumn)} = ${ident(WINDOW_TIME)}`;
}

/** Columns of the running-window union: 1 on rows (NULL on spine rows), and how many rows a frame holds (their values may be NULL). */
const ROW = '__row';
const IN_FRAME = '__in_frame';

/**
 * A running window over spine rows (one per key combination of the rows) and the rows' partial
 * values in one time-ordered union; spine rows whose frame holds no value are dropped, as the inner
 * time-join drops them. Spine and row at the same time are peers, so `CURRENT ROW` includes the row.
 */
export function renderRunningWindow(n: RunningWindowNode): Sql {
  const t = ident(n.spineTime);
  const others = n.others.map(ident);
  const times = n.keep.includes(n.spineTime) ? n.keep : [...n.keep, n.spineTime];
  const keys = n.others.length ? sql`${NL}CROSS JOIN (SELECT DISTINCT ${sql.join(others)} FROM ${ident(n.rows)}) AS ${ident('k')}` : sql``;
  const spineRows = sql`SELECT ${sql.join([...times.map((c) => qualified('s', c)), ...n.others.map((c) => qualified('k', c))])}, NULL AS ${ident(n.value)}, NULL AS ${ident(ROW)}${NL}FROM ${ident(n.spine)} AS ${ident('s')}${keys}`;
  const rowCols = [...times.map((c) => (c === n.spineTime ? sql`${ident(n.rowTime)} AS ${t}` : sql`NULL AS ${ident(c)}`)), ...others];
  const rows = sql`SELECT ${sql.join(rowCols)}, ${ident(n.value)}, 1 AS ${ident(ROW)}${NL}FROM ${ident(n.rows)}`;
  const partition = [...others, ...(n.frame.kind === 'to-date' && n.frame.grain ? [sql`DATE_TRUNC(${sql.lit(n.frame.grain)}, CAST(${t} AS TIMESTAMP))`] : [])];
  // Rows lie in the trailing window when their time is after s - window: on the rows' grain that is
  // at or after s - window + one row period (the window's grain nests the rows', so s - window is on it).
  const start =
    n.frame.kind === 'trailing' ? sql`(${intervalSql(n.frame.window)} - ${intervalSql({ count: 1, grain: n.frame.rowGrain })}) PRECEDING` : sql`UNBOUNDED PRECEDING`;
  const frame = sql`(${partition.length ? sql`PARTITION BY ${sql.join(partition)} ` : sql``}ORDER BY ${t} RANGE BETWEEN ${start} AND CURRENT ROW)`;
  const w = sql`OVER ${ident('f')}`;
  const out = [...new Set([...n.keep, ...n.others])].map(ident);
  const windowed = sql`SELECT ${sql.join(out)}, ${ident(ROW)}, ${sql.raw(n.agg.toUpperCase())}(${ident(n.value)}) ${w} AS ${ident(n.as)}, COUNT(${ident(ROW)}) ${w} AS ${ident(IN_FRAME)}${NL}FROM (${NL}${spineRows}${NL}UNION ALL${NL}${rows}${NL}) AS ${ident('u')}${NL}WINDOW ${ident('f')} AS ${frame}`;
  return sql`SELECT${NL}  ${sql.join(n.columns.map(ident), LIST)}${NL}FROM (${NL}${windowed}${NL}) AS ${ident('w')}${NL}WHERE ${ident(ROW)} IS NULL AND ${ident(IN_FRAME)} > 0`;
}
