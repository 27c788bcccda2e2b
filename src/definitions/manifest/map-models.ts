/** semantic_manifest.json semantic models and time spines → the YAML `semantic_models:` / `models:` shapes. */
import type { Mapper} from './fields.js';
import { isRecord, mapList, withoutNulls, type Json, type MappingIssues } from './fields.js';

export function mapSemanticModels(value: unknown, issues: MappingIssues): unknown {
  return mapList(value, 'semantic_models', issues, (m) => {
    m.copy('name').copy('label').copy('description');
    m.map('node_relation', withoutNulls);
    m.map('defaults', withoutNulls).copy('primary_entity');
    m.map('entities', (v, p) => mapList(v, p, issues, entity));
    m.map('dimensions', (v, p) => mapList(v, p, issues, dimension));
    m.map('measures', (v, p) => mapList(v, p, issues, measure));
    m.config(true);
  });
}


function described(m: Mapper): Mapper {
  return m.copy('name').copy('label').copy('description').copy('expr');
}

function entity(m: Mapper): void {
  described(m).copy('type').copy('role').config(false);
}

function dimension(m: Mapper): void {
  described(m).copy('type').flag('is_partition');
  m.map('type_params', (v) => {
    if (!isRecord(v)) return v;
    const out = withoutNulls(v) as Json;
    if (out['validity_params'] !== undefined) out['validity_params'] = withoutNulls(out['validity_params']);
    return Object.keys(out).length > 0 ? out : undefined;
  });
  m.config(false);
}

function measure(m: Mapper): void {
  described(m).copy('agg').copy('agg_time_dimension').flag('create_metric').copy('create_metric_display_name');
  m.map('agg_params', (v) => {
    const out = withoutNulls(v);
    return isRecord(out) && Object.keys(out).length === 0 ? undefined : out;
  });
  m.map('non_additive_dimension', withoutNulls);
  m.config(false);
}

/**
 * `project_configuration.time_spines` → time-spine model entries carrying their `node_relation`.
 * The legacy `time_spine_table_configurations` (`location: db.schema.table`) are added for grains no
 * new-style spine has, as MetricFlow does.
 */
export interface MappedTimeSpines {
  readonly spines: Json[];
  /** The manifest path each spine came from (issues about `models[i]` are reported there). */
  readonly origins: string[];
}

export function mapTimeSpines(config: unknown, issues: MappingIssues): MappedTimeSpines {
  const spines: Json[] = [];
  const origins: string[] = [];
  if (config === null || config === undefined) return { spines, origins };
  if (!isRecord(config)) {
    issues.error('project_configuration', 'expected an object');
    return { spines, origins };
  }
  const grains = new Set<string>();
  const list = config['time_spines'];
  if (Array.isArray(list)) {
    list.forEach((s: unknown, i) => {
      const path = `project_configuration.time_spines[${i}]`;
      const rel = isRecord(s) ? withoutNulls(s['node_relation']) : undefined;
      const primary = isRecord(s) ? s['primary_column'] : undefined;
      if (!isRecord(rel) || typeof rel['alias'] !== 'string' || !isRecord(primary) || typeof primary['name'] !== 'string') {
        issues.error(path, 'expected {node_relation: {alias, schema_name}, primary_column: {name, time_granularity}}');
        return;
      }
      const grain = typeof primary['time_granularity'] === 'string' ? primary['time_granularity'] : 'day';
      grains.add(grain.toLowerCase());
      const custom = isRecord(s) && Array.isArray(s['custom_granularities']) ? s['custom_granularities'].map(withoutNulls) : [];
      origins.push(path);
      spines.push({
        name: rel['alias'],
        node_relation: rel,
        time_spine: { standard_granularity_column: primary['name'], ...(custom.length > 0 && { custom_granularities: custom }) },
        columns: [{ name: primary['name'], granularity: grain }],
      });
    });
  } else if (list !== undefined && list !== null) {
    issues.error('project_configuration.time_spines', 'expected a list');
  }
  const legacy = config['time_spine_table_configurations'];
  if (Array.isArray(legacy)) {
    legacy.forEach((s: unknown, i) => {
      const path = `project_configuration.time_spine_table_configurations[${i}]`;
      const rel = isRecord(s) && typeof s['location'] === 'string' ? parseLocation(s['location']) : undefined;
      if (!isRecord(s) || !rel || typeof s['column_name'] !== 'string') {
        issues.error(path, 'expected {location: "<schema>.<table>", column_name, grain}');
        return;
      }
      const grain = typeof s['grain'] === 'string' ? s['grain'].toLowerCase() : 'day';
      if (grains.has(grain)) return;
      grains.add(grain);
      origins.push(path);
      spines.push({
        name: rel.alias,
        node_relation: rel,
        time_spine: { standard_granularity_column: s['column_name'] },
        columns: [{ name: s['column_name'], granularity: grain }],
      });
    });
  }
  return { spines, origins };
}

/** `db.schema.table` (parts optionally quoted with "" or ``) → a node relation. */
export function parseLocation(location: string): Json | undefined {
  const parts = location.split('.').map((p) => p.trim().replace(/^["`]|["`]$/g, ''));
  if (parts.some((p) => p === '') || parts.length < 2 || parts.length > 3) return undefined;
  const [alias, schema, database] = [...parts].reverse();
  return { alias, schema_name: schema, ...(database !== undefined && { database }), relation_name: location };
}
