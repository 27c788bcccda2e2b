/**
 * SQL for column expressions: definition elements (quoted column or raw expr), time truncation
 * and date parts in the project time zone, aggregations and metric expressions.
 */
import { sql as kyselySql, type RawBuilder } from 'kysely';
import { grainRank, type DatePart, type TimeGrain } from '../core/time.js';
import type { ElementExpr, Relation } from '../definitions/model.js';
import type { AggregateColumn, MetricExpr, SourceExpr } from '../planner/plan/plan-nodes.js';
import type { TimeColumnType } from '../semantic-graph/time-column-types.js';
import { sql, type SqlFragment } from './sql-fragment.js';

type Sql = SqlFragment;

/** Rendering context: the project time zone (from the settings, written as a literal). */
export interface RenderContext {
  readonly timeZone: string;
}

export function ident(name: string): Sql {
  return sql.id(name);
}

export function qualified(alias: string, column: string): Sql {
  return sql.id(alias, column);
}

export function relationRef(r: Relation): RawBuilder<unknown> {
  return kyselySql.id(...relationParts(r));
}

/** A bare column is quoted; any other definition expr is pasted raw (MetricFlow's rule, reviewed files only). */
export function elementSql(e: ElementExpr): RawBuilder<unknown> {
  return e.column !== undefined ? kyselySql.id(e.column) : kyselySql.raw(`(${e.sql})`);
}

const relationParts = (r: Relation) => [r.database, r.schema, r.alias].filter((p): p is string => !!p);

/** relationRef and elementSql for the compiler's own fragments (same text). */
export function relationFragment(r: Relation): Sql {
  return sql.id(...relationParts(r));
}

function elementFragment(e: ElementExpr): Sql {
  return e.column !== undefined ? sql.id(e.column) : sql.raw(`(${e.sql})`);
}

/** The column as local wall-clock time: timestamptz converted to the project zone, dates as timestamps. */
function localTime(e: ElementExpr, type: TimeColumnType, ctx: RenderContext): Sql {
  const value = elementFragment(e);
  switch (type) {
    case 'timestamptz':
      // The zone is a project setting, not a request value: written as a literal, the expression is
      // the one a person writes (and an expression index on it can serve the query).
      return sql`(${value} AT TIME ZONE ${sql.lit(ctx.timeZone)})`;
    case 'date':
      return sql`CAST(${value} AS TIMESTAMP)`;
    case 'timestamp':
      return value;
  }
}

const DATE_PART_FIELD: Record<DatePart, string> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  week: 'week',
  day: 'day',
  dow: 'isodow',
  doy: 'doy',
  hour: 'hour',
};

/** Day-or-coarser grains become DATE values; finer grains stay local timestamps. */
export function truncSql(e: ElementExpr, type: TimeColumnType, grain: TimeGrain, ctx: RenderContext): Sql {
  if (grainRank(grain) < grainRank('day')) return sql`DATE_TRUNC(${sql.lit(grain)}, ${localTime(e, type, ctx)})`;
  if (type === 'date' && grain === 'day') return sql`CAST(${elementFragment(e)} AS DATE)`;
  return sql`CAST(DATE_TRUNC(${sql.lit(grain)}, ${localTime(e, type, ctx)}) AS DATE)`;
}

/** ISO day of week (Monday = 1) for `dow`, ISO week number for `week`. */
export function datePartSql(e: ElementExpr, type: TimeColumnType, part: DatePart, ctx: RenderContext): Sql {
  return sql`CAST(EXTRACT(${sql.raw(DATE_PART_FIELD[part])} FROM ${localTime(e, type, ctx)}) AS INTEGER)`;
}

export function sourceExprSql(e: SourceExpr, ctx: RenderContext): Sql {
  switch (e.kind) {
    case 'element':
      return elementFragment(e.expr);
    case 'time-trunc':
      return truncSql(e.expr, e.columnType, e.grain, ctx);
    case 'date-part':
      return datePartSql(e.expr, e.columnType, e.part, ctx);
  }
}

/** Aggregation SQL (spec 6.1). */
export function aggregateSql(a: AggregateColumn, x: Sql = ident(a.input)): Sql {
  switch (a.agg) {
    case 'sum':
      return sql`SUM(${x})`;
    case 'min':
      return sql`MIN(${x})`;
    case 'max':
      return sql`MAX(${x})`;
    case 'average':
      return sql`AVG(${x})`;
    case 'count_distinct':
      return sql`COUNT(DISTINCT ${x})`;
    case 'sum_distinct':
      return sql`SUM(DISTINCT ${x})`;
    case 'percentile': {
      const fn = a.discretePercentile ? sql.raw('PERCENTILE_DISC') : sql.raw('PERCENTILE_CONT');
      return sql`${fn}(${sql.lit(a.percentile ?? 0.5)}) WITHIN GROUP (ORDER BY ${x})`;
    }
  }
}

/** A metric computed from columns of the same row (spec 6.4). */
export function metricExprSql(e: MetricExpr): Sql {
  switch (e.kind) {
    case 'fill-nulls':
      return sql`COALESCE(${ident(e.column)}, ${sql.lit(e.value)})`;
    case 'ratio':
      return sql`CAST(${ident(e.numerator)} AS DOUBLE PRECISION) / CAST(NULLIF(${ident(e.denominator)}, 0) AS DOUBLE PRECISION)`;
    case 'column':
      return ident(e.column);
    case 'derived':
      return sql.raw(`(${e.sql})`);
  }
}
