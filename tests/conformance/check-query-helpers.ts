/**
 * The template helpers MetricFlow's integration harness offers its test cases
 * (tests_metricflow/integration/test_configured_cases.py::CheckQueryHelpers), rendered the way its
 * PostgreSQL expression renderer does (metricflow/sql/render/postgres.py).
 */
import { pyRepr, PyTuple, type Context, type PyCall } from './jinja-lite.js';

const GRAINS = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const DATE_PARTS = ['year', 'quarter', 'month', 'week', 'day', 'dow', 'doy', 'hour', 'minute', 'second'];

const enumOf = (values: readonly string[]): Record<string, string> => Object.fromEntries(values.map((v) => [v.toUpperCase(), v]));

const castTs = (expr: string): string => `CAST(${expr} AS TIMESTAMP)`;

function arg(args: unknown[], kwargs: Record<string, unknown>, i: number, name: string): unknown {
  return Object.hasOwn(kwargs, name) ? kwargs[name] : args[i];
}

const fn = (f: (a: (i: number, name: string) => unknown) => unknown): PyCall => (args, kwargs) => f((i, name) => arg(args, kwargs, i, name));

/** `2020-01-01` + 1 day, or `2020-01-01 00:00:08` + 1 second, in the same format. */
function nextStop(stop: string): string {
  if (stop.length === 10) {
    const d = new Date(`${stop}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }
  const d = new Date(`${stop.replace(' ', 'T')}Z`);
  d.setUTCSeconds(d.getUTCSeconds() + 1);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function checkQueryContext(sourceSchema: string): Context {
  return {
    source_schema: sourceSchema,
    TimeGranularity: enumOf(GRAINS),
    DatePart: enumOf(DATE_PARTS),
    double_data_type_name: 'DOUBLE PRECISION',
    mf_time_spine_source: `${sourceSchema}.mf_time_spine`,
    cast_to_ts: fn((a) => castTs(`'${String(a(0, 'string_literal'))}'`)),
    render_time_constraint: fn((a) => {
      const expr = String(a(0, 'expr'));
      const start = a(1, 'start_time') as string | null | undefined;
      const stop = a(2, 'stop_time') as string | null | undefined;
      const parts: string[] = [];
      if (start) parts.push(`${castTs(expr)} >= ${castTs(`'${start}'`)}`);
      if (stop) parts.push(`${castTs(expr)} < ${castTs(`'${nextStop(stop)}'`)}`);
      return parts.join(' AND ');
    }),
    render_date_sub: fn((a) => {
      let count = Number(a(2, 'count'));
      let grain = String(a(3, 'granularity'));
      if (grain === 'quarter') [grain, count] = ['month', count * 3];
      return `${String(a(0, 'table_alias'))}.${String(a(1, 'column_alias'))} - MAKE_INTERVAL(${grain}s => ${count})`;
    }),
    render_date_add: fn((a) => `${String(a(0, 'date_column'))} + MAKE_INTERVAL(${String(a(2, 'granularity'))}s => CAST (${String(a(1, 'count_column'))} AS INTEGER))`),
    render_date_trunc: fn((a) => `DATE_TRUNC('${String(a(1, 'granularity'))}', ${castTs(String(a(0, 'expr')))})`),
    render_extract: fn((a) => {
      const part = String(a(1, 'date_part'));
      return `EXTRACT(${part === 'dow' ? 'isodow' : part} FROM ${castTs(String(a(0, 'expr')))})`;
    }),
    render_percentile_expr: fn((a) => {
      const f = a(2, 'use_discrete_percentile') ? 'PERCENTILE_DISC' : 'PERCENTILE_CONT';
      if (a(3, 'use_approximate_percentile')) throw new Error('approximate percentiles are not supported on PostgreSQL');
      return `${f}(${String(a(1, 'percentile'))}) WITHIN GROUP (ORDER BY (${String(a(0, 'expr'))}))`;
    }),
    generate_random_uuid: fn(() => 'GEN_RANDOM_UUID()'),
    render_dimension_template: fn((a) => `{{ Dimension('${String(a(0, 'dimension_name'))}', entity_path=${pyRepr(a(1, 'entity_path') ?? new PyTuple())}) }}`),
    render_entity_template: fn((a) => `{{ Entity('${String(a(0, 'entity_name'))}', entity_path=${pyRepr(a(1, 'entity_path') ?? new PyTuple())}) }}`),
    // MetricFlow formats group_by with str(), which for a list is its repr.
    render_metric_template: fn((a) => `{{ Metric('${String(a(0, 'metric_name'))}', group_by=${pyRepr(a(1, 'group_by') ?? new PyTuple())}) }}`),
    render_time_dimension_template: fn((a) => {
      const name = String(a(0, 'time_dimension_name'));
      const grain = a(1, 'time_granularity') as string | null | undefined;
      const path = pyRepr(a(2, 'entity_path') ?? new PyTuple());
      return grain ? `{{ TimeDimension('${name}', '${grain}', entity_path=${path}) }}` : `{{ TimeDimension('${name}', entity_path=${path}) }}`;
    }),
  };
}
