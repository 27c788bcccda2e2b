/**
 * Time spines from dbt model entries (`time_spine:`), the legacy `metricflow_time_spine` model and
 * `time_spine:` in maatstaf.yaml. A legacy spine is dropped when a new-style spine has its grain.
 */
import type { TimeGrain } from '../../core/time.js';
import type { TimeSpineDef } from '../model.js';
import { LEGACY_TIME_SPINE_COLUMN, LEGACY_TIME_SPINE_MODEL } from '../schema/time-spine.schema.js';
import type { SpecSet } from '../spec-set.js';
import { refRelation } from './relation.js';

export function normaliseTimeSpines(specs: SpecSet, projectSchema: string | undefined): TimeSpineDef[] {
  const spines: TimeSpineDef[] = [];
  const legacy: TimeSpineDef[] = [];
  for (const { spec, loc } of specs.timeSpineModels) {
    if (spec.time_spine) {
      const column = spec.time_spine.standard_granularity_column;
      const grain = spec.columns?.find((c) => c.name.toLowerCase() === column.toLowerCase())?.granularity ?? 'day';
      const rel = spec.node_relation;
      spines.push({
        relation: rel ? { ...(rel.database !== undefined && { database: rel.database }), schema: rel.schema_name, alias: rel.alias } : refRelation(spec.name, projectSchema),
        primaryColumn: column,
        grain: grain.toLowerCase() as TimeGrain,
        customGranularities: (spec.time_spine.custom_granularities ?? []).map((g) => ({ name: g.name, column: g.column_name ?? g.name })),
        loc,
      });
    } else if (spec.name === LEGACY_TIME_SPINE_MODEL) {
      legacy.push({ relation: refRelation(spec.name, projectSchema), primaryColumn: LEGACY_TIME_SPINE_COLUMN, grain: 'day', customGranularities: [], loc });
    }
  }
  const fromSettings = specs.settings.spec.time_spine;
  if (fromSettings) {
    const schema = fromSettings.schema ?? projectSchema;
    spines.push({
      relation: { ...(fromSettings.database !== undefined && { database: fromSettings.database }), ...(schema !== undefined && { schema }), alias: fromSettings.table },
      primaryColumn: fromSettings.column ?? LEGACY_TIME_SPINE_COLUMN,
      grain: (fromSettings.granularity?.toLowerCase() ?? 'day') as TimeGrain,
      customGranularities: (fromSettings.custom_granularities ?? []).map((g) => ({ name: g.name, column: g.column_name ?? g.name })),
      loc: { ...specs.settings.loc, path: 'time_spine' },
    });
  }
  const grains = new Set(spines.map((s) => s.grain));
  return [...spines, ...legacy.filter((s) => !grains.has(s.grain))];
}
