/** Lookups over the schema-checked specs, shared by the validation rules and normalisation. */
import { isTimeGrain } from '../core/time.js';
import type { SourceLocation } from './model.js';
import type { MetricSpec } from './schema/metric.schema.js';
import type { DimensionSpec, EntitySpec, MeasureSpec, SemanticModelSpec } from './schema/semantic-model.schema.js';
import { elementIndex, type Located, type SpecSet } from './spec-set.js';

export interface ElementEntry<T> {
  readonly spec: T;
  readonly loc: SourceLocation;
  readonly model: ModelEntry;
}

export interface ModelEntry extends Located<SemanticModelSpec> {
  readonly name: string;
  readonly entities: ReadonlyMap<string, ElementEntry<EntitySpec>>;
  readonly dimensions: ReadonlyMap<string, ElementEntry<DimensionSpec>>;
  readonly measures: ReadonlyMap<string, ElementEntry<MeasureSpec>>;
}

export interface SpecIndex {
  readonly specs: SpecSet;
  readonly models: ReadonlyMap<string, ModelEntry>;
  /** Measures by name across all models (the first wins; duplicates are reported by a rule). */
  readonly measures: ReadonlyMap<string, ElementEntry<MeasureSpec>>;
  /** Metrics as written (the first wins). */
  readonly metrics: ReadonlyMap<string, Located<MetricSpec>>;
  /** Every metric name, including simple metrics that `create_metric: true` creates. */
  readonly metricNames: ReadonlySet<string>;
  readonly entityNames: ReadonlySet<string>;
  readonly dimensionNames: ReadonlySet<string>;
  readonly timeDimensionNames: ReadonlySet<string>;
  /** Custom granularity names (time spine columns) with where they are declared. */
  readonly customGrains: ReadonlyMap<string, SourceLocation>;
  readonly customGrainNames: ReadonlySet<string>;
  /** Standard or custom grain name. */
  isGrain(name: string): boolean;
  /** Declared by an entry that failed its schema: do not report references to it. */
  isBroken(name: string): boolean;
}

export function buildSpecIndex(specs: SpecSet, locate: (file: string, path: string) => SourceLocation): SpecIndex {
  const models = new Map<string, ModelEntry>();
  const measures = new Map<string, ElementEntry<MeasureSpec>>();
  const entityNames = new Set<string>();
  const dimensionNames = new Set<string>();
  const timeDimensionNames = new Set<string>();
  for (const located of specs.semanticModels) {
    const { spec, loc } = located;
    const entities = new Map<string, ElementEntry<EntitySpec>>();
    const dimensions = new Map<string, ElementEntry<DimensionSpec>>();
    const modelMeasures = new Map<string, ElementEntry<MeasureSpec>>();
    const entry: ModelEntry = { ...located, name: spec.name, entities, dimensions, measures: modelMeasures };
    const add = <T extends { name: string }>(list: readonly T[] | undefined, key: string, into: Map<string, ElementEntry<T>>) =>
      list?.forEach((el, i) => {
        if (!into.has(el.name)) into.set(el.name, { spec: el, loc: locate(loc.file, `${loc.path}.${key}[${elementIndex(el, i)}]`), model: entry });
      });
    add(spec.entities, 'entities', entities);
    add(spec.dimensions, 'dimensions', dimensions);
    add(spec.measures, 'measures', modelMeasures);
    for (const name of entities.keys()) entityNames.add(name);
    // A virtual `primary_entity` is an entity of the model for filters and group-bys (it prefixes local dimensions).
    if (spec.primary_entity !== undefined) entityNames.add(spec.primary_entity.toLowerCase());
    for (const [name, d] of dimensions) {
      dimensionNames.add(name);
      if (d.spec.type.toLowerCase() === 'time') timeDimensionNames.add(name);
    }
    for (const [name, m] of modelMeasures) if (!measures.has(name)) measures.set(name, m);
    if (!models.has(spec.name)) models.set(spec.name, entry);
  }

  const metrics = new Map<string, Located<MetricSpec>>();
  for (const m of specs.metrics) if (!metrics.has(m.spec.name)) metrics.set(m.spec.name, m);
  const metricNames = new Set(metrics.keys());
  for (const [name, m] of measures) if (m.spec.create_metric) metricNames.add(name);

  const customGrains = new Map<string, SourceLocation>();
  for (const { spec, loc } of specs.timeSpineModels) {
    spec.time_spine?.custom_granularities?.forEach((g, i) => {
      if (!customGrains.has(g.name)) customGrains.set(g.name, locate(loc.file, `${loc.path}.time_spine.custom_granularities[${i}]`));
    });
  }
  specs.settings.spec.time_spine?.custom_granularities?.forEach((g, i) => {
    const { file } = specs.settings.loc;
    if (!customGrains.has(g.name)) customGrains.set(g.name, locate(file, `time_spine.custom_granularities[${i}]`));
  });
  const customGrainNames = new Set(customGrains.keys());

  return {
    specs,
    models,
    measures,
    metrics,
    metricNames,
    entityNames,
    dimensionNames,
    timeDimensionNames,
    customGrains,
    customGrainNames,
    isGrain: (name) => isTimeGrain(name) || customGrainNames.has(name),
    isBroken: (name) => specs.brokenNames.has(name),
  };
}
