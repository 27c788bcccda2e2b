/** semantic_manifest.json metrics and saved queries → the YAML `metrics:` / `saved_queries:` shapes. */
import { isRecord, mapList, Mapper, withoutNulls, type Json, type MappingIssues } from './fields.js';
import { mapFilter, mapWindow } from './values.js';

export function mapMetrics(value: unknown, issues: MappingIssues): unknown {
  return mapList(value, 'metrics', issues, (m) => {
    m.copy('name').copy('label').copy('description').copy('type').copy('time_granularity');
    m.map('type_params', (v, p) => typeParams(v, p, issues, String(m.src['type'] ?? '').toLowerCase()));
    m.map('filter', (v, p) => mapFilter(v, p, issues));
    m.config(true);
  });
}

/** A measure input object `{name, filter, alias, join_to_timespine, fill_nulls_with}`. */
function measureInput(value: unknown, path: string, issues: MappingIssues): unknown {
  if (!isRecord(value)) return value;
  const m = new Mapper(value, path, issues);
  m.copy('name').copy('alias').flag('join_to_timespine').copy('fill_nulls_with');
  m.map('filter', (v, p) => mapFilter(v, p, issues));
  return m.out;
}

/** A metric input `{name, filter, alias, offset_window, offset_to_grain}`; offsets only where allowed. */
function metricInput(value: unknown, path: string, issues: MappingIssues, offsets: boolean): unknown {
  if (!isRecord(value)) return value;
  const m = new Mapper(value, path, issues);
  m.copy('name').copy('alias');
  m.map('filter', (v, p) => mapFilter(v, p, issues));
  if (offsets) m.map('offset_window', (v, p) => mapWindow(v, p, issues)).copy('offset_to_grain');
  return m.out;
}

function typeParams(value: unknown, path: string, issues: MappingIssues, type: string): unknown {
  if (!isRecord(value)) return value;
  const m = new Mapper(value, path, issues);
  const input = (v: unknown, p: string) => metricInput(v, p, issues, false);
  m.map('measure', (v, p) => measureInput(v, p, issues));
  m.map('numerator', input).map('denominator', input);
  m.map('metrics', (v, p) => (Array.isArray(v) && v.length === 0 ? undefined : Array.isArray(v) ? v.map((x: unknown, i) => metricInput(x, `${p}[${i}]`, issues, true)) : v));
  m.map('window', (v, p) => mapWindow(v, p, issues)).copy('grain_to_date');
  m.map('cumulative_type_params', (v, p) => cumulativeParams(v, p, issues));
  m.map('conversion_type_params', (v, p) => conversionParams(v, p, issues));
  m.flag('join_to_timespine').copy('fill_nulls_with');
  // Newer manifests give simple metrics both the measure and its aggregation (and the aggregation's
  // expr); the measure says it all, and the YAML spec reads one of them.
  if (m.out['measure'] === undefined || type !== 'simple') {
    m.copy('expr');
    m.map('metric_aggregation_params', (v) => aggregationParams(v));
  }
  // `input_measures` is derived by dbt from the other fields: nothing to read.
  return m.out;
}

function cumulativeParams(value: unknown, path: string, issues: MappingIssues): unknown {
  if (!isRecord(value)) return value;
  const m = new Mapper(value, path, issues);
  m.map('window', (v, p) => mapWindow(v, p, issues)).copy('grain_to_date').copy('period_agg');
  m.map('metric', (v, p) => metricInput(v, p, issues, false));
  return m.out;
}

function conversionParams(value: unknown, path: string, issues: MappingIssues): unknown {
  if (!isRecord(value)) return value;
  const m = new Mapper(value, path, issues);
  const measure = (v: unknown, p: string) => measureInput(v, p, issues);
  const metric = (v: unknown, p: string) => metricInput(v, p, issues, false);
  m.map('base_measure', measure).map('conversion_measure', measure);
  m.map('base_metric', metric).map('conversion_metric', metric);
  m.copy('entity').copy('calculation');
  m.map('window', (v, p) => mapWindow(v, p, issues));
  m.map('constant_properties', (v) => (Array.isArray(v) ? (v.length === 0 ? undefined : v.map(withoutNulls)) : v));
  return m.out;
}

function aggregationParams(value: unknown): unknown {
  const out = withoutNulls(value);
  if (!isRecord(out)) return out;
  for (const key of ['agg_params', 'non_additive_dimension'] as const) {
    if (out[key] !== undefined) out[key] = withoutNulls(out[key]);
  }
  return out;
}

export function mapSavedQueries(value: unknown, issues: MappingIssues): unknown {
  return mapList(value, 'saved_queries', issues, (m) => {
    m.copy('name').copy('label').copy('description');
    m.map('query_params', (v, p) => queryParams(v, p, issues));
    m.map('exports', (v, p) => mapList(v, p, issues, exportEntry));
    m.map('tags', (v) => (Array.isArray(v) && v.length === 0 ? undefined : v));
    m.map('config', (v) => savedQueryConfig(v));
  });
}

function queryParams(value: unknown, path: string, issues: MappingIssues): unknown {
  if (!isRecord(value)) return value;
  const m = new Mapper(value, path, issues);
  m.copy('metrics').copy('group_by').copy('order_by').copy('limit');
  m.map('where', (v, p) => mapFilter(v, p, issues));
  for (const key of ['group_by', 'order_by']) if (Array.isArray(m.out[key]) && (m.out[key] as unknown[]).length === 0) delete m.out[key];
  return m.out;
}

/** Export configs name the schema `schema_name` in the manifest and `schema` in YAML. */
function exportEntry(m: Mapper): void {
  m.copy('name');
  m.map('config', (v) => {
    if (!isRecord(v)) return v;
    const c = withoutNulls(v) as Json;
    if (c['schema_name'] !== undefined) c['schema'] = c['schema_name'];
    delete c['schema_name'];
    return c;
  });
}

function savedQueryConfig(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const out: Json = {};
  if (isRecord(value['meta']) && Object.keys(value['meta']).length > 0) out['meta'] = value['meta'];
  if (typeof value['group'] === 'string') out['group'] = value['group'];
  if (isRecord(value['cache']) && typeof value['cache']['enabled'] === 'boolean') out['cache'] = { enabled: value['cache']['enabled'] };
  for (const key of ['export_as', 'schema', 'alias'] as const) if (typeof value[key] === 'string') out[key] = value[key];
  return Object.keys(out).length > 0 ? out : undefined;
}
