/**
 * The OData entity model of a caller's engine: one entity set per saved query the caller may run,
 * named exactly as the saved query, whose properties are the answer's columns (from compiling the
 * saved query, so names, order and types are the REST answer's). Nothing is run here.
 */
import { isMaatstafError } from '../../core/errors.js';
import type { MetricQueryInput, OutputColumn } from '../../core/query.js';
import type { MetricDef, SavedQueryDef } from '../../definitions/model.js';
import { metricGovernance } from '../../engine/governance.js';
import { savedQueryRunRequest } from '../../engine/saved-queries.js';
import type { Engine } from '../../engine/types.js';

/** Edm primitive types maatstaf answers use. */
export type EdmType = 'Edm.String' | 'Edm.Boolean' | 'Edm.Date' | 'Edm.DateTimeOffset' | 'Edm.Int32' | 'Edm.Int64' | 'Edm.Double';

export interface ODataProperty {
  readonly name: string;
  readonly type: EdmType;
  /** Part of the key (a group-by column). */
  readonly key: boolean;
  /** A metric: may be null (withheld by privacy protection, no data, a zero denominator). */
  readonly metric: boolean;
  readonly labelNl?: string;
  readonly labelEn?: string;
}

export interface ODataEntitySet {
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  readonly properties: readonly ODataProperty[];
  /** The group-by columns, in the answer's order: together they identify a row. */
  readonly keys: readonly string[];
  /** The saved query as a query-model request (what GET /v1/saved-queries/{name}/results runs). */
  readonly request: MetricQueryInput;
  readonly def: SavedQueryDef;
}

/** Aggregations whose values are whole numbers (perturbation and rounding keep them whole). */
const WHOLE_NUMBER_AGGS = new Set(['count', 'count_distinct', 'sum_boolean']);

function metricType(def: MetricDef | undefined): EdmType {
  return def?.type === 'simple' && WHOLE_NUMBER_AGGS.has(def.aggregation.sourceAgg) ? 'Edm.Int64' : 'Edm.Double';
}

export function edmTypeOf(column: OutputColumn, metric: MetricDef | undefined): EdmType {
  if (column.kind === 'metric') return metricType(metric);
  switch (column.dataType) {
    case 'date':
      return 'Edm.Date';
    case 'datetime':
      return 'Edm.DateTimeOffset';
    case 'integer':
      return 'Edm.Int32';
    case 'boolean':
      return 'Edm.Boolean';
    case 'number':
      return 'Edm.Double';
    default:
      return 'Edm.String';
  }
}

function propertyOf(engine: Engine, column: OutputColumn): ODataProperty {
  const metric = column.kind === 'metric' ? engine.graph.metric(column.name) : undefined;
  const labelEn = metric ? metricGovernance(metric).labelEn : undefined;
  return {
    name: column.name,
    type: edmTypeOf(column, metric),
    key: column.kind !== 'metric',
    metric: column.kind === 'metric',
    ...(column.label !== undefined ? { labelNl: column.label } : {}),
    ...(labelEn !== undefined ? { labelEn } : {}),
  };
}

/** The entity set of one saved query as `engine` (a caller's) may run it; undefined when it may not. */
export function entitySetOf(engine: Engine, def: SavedQueryDef): ODataEntitySet | undefined {
  let columns: readonly OutputColumn[];
  const request = savedQueryRunRequest(engine.definitions, def.name);
  try {
    columns = engine.compile(request).columns;
  } catch (e) {
    // Forbidden for this caller's roles (or not answerable at all): not part of the caller's service.
    if (isMaatstafError(e)) return undefined;
    throw e;
  }
  const properties = columns.map((c) => propertyOf(engine, c));
  return {
    name: def.name,
    label: def.label ?? def.name,
    ...(def.description !== undefined ? { description: def.description } : {}),
    properties,
    keys: properties.filter((p) => p.key).map((p) => p.name),
    request,
    def,
  };
}

// Per caller engine (one object per loaded engine, caller and interface): built once, not per request.
const setsByEngine = new WeakMap<Engine, readonly ODataEntitySet[]>();

/** Every entity set the caller may read, by name. */
export function entitySetsOf(engine: Engine): readonly ODataEntitySet[] {
  let sets = setsByEngine.get(engine);
  if (!sets) {
    sets = [...engine.definitions.savedQueries]
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((def) => entitySetOf(engine, def) ?? []);
    setsByEngine.set(engine, sets);
  }
  return sets;
}
