/**
 * The semantic graph: definitions indexed for the planner — models, entities and join edges,
 * metrics, reachable group-by items per model and per metric, time-column types and spines.
 */
import type { Definitions, MetricDef, SimpleMetricDef, TimeSpineDef } from '../definitions/model.js';
import { MaatstafError } from '../core/errors.js';
import { suggest } from '../core/suggest.js';
import { coarsestGrain, grainRank, isTimeGrain, type TimeGrain } from '../core/time.js';
import { intersectAvailable, metricTimeItem, type AvailableItem, type AvailableItems } from './available-items.js';
import { describeItems, type GroupByItemInfo } from './group-by-info.js';
import { metricLineage, type MetricLineage } from './lineage.js';
import { availableForMetric } from './metric-availability.js';
import { simpleLeaves } from './metric-tree.js';
import { buildModelNode, type ModelNode } from './model-node.js';
import { localElements, reachableElements, type ModelLookup, type ReachableElement } from './reachability.js';
import { chooseSpine, customGranularities, finestSpineGrain, type CustomGranularity } from './time-spines.js';
import { DEFAULT_TIME_COLUMN_TYPE, type TimeColumnType, type TimeColumnTypeLookup } from './time-column-types.js';

export interface BuildGraphOptions {
  /** SQL type of each time dimension, found by the engine at load time; default: 'timestamp'. */
  readonly timeColumnTypes?: TimeColumnTypeLookup;
}

export interface SemanticGraph extends ModelLookup {
  readonly definitions: Definitions;
  /** IANA zone for truncating timestamptz columns. */
  readonly timeZone: string;
  /** Queryable (not hidden) metric names, sorted. */
  readonly metricNames: readonly string[];
  readonly timeSpines: readonly TimeSpineDef[];
  /** Custom granularities defined on spines, by name. */
  readonly customGranularities: ReadonlyMap<string, CustomGranularity>;
  model(name: string): ModelNode | undefined;
  metric(name: string): MetricDef | undefined;
  timeColumnType(model: string, dimension: string): TimeColumnType;
  /** Elements reachable from a model's rows with their join paths (local first, fewest joins first). */
  reachable(model: string): readonly ReachableElement[];
  /** Items available to all the metrics together; no metrics → items of dimension-only queries. */
  availableItems(metricNames: readonly string[]): AvailableItems;
  /** Grain of `metric_time` when none is given (spec 3.5). */
  defaultMetricTimeGrain(metricNames: readonly string[]): TimeGrain;
  /** Every valid group-by item for the metrics together. Throws UNKNOWN_METRIC. */
  groupByItemsFor(metricNames: readonly string[]): GroupByItemInfo[];
  /** The simple metrics a metric aggregates, depth first. */
  simpleLeaves(metricName: string): readonly SimpleMetricDef[];
  lineage(metricName: string): MetricLineage;
  /** The spine to read for a needed grain (spec 5.3). */
  spineFor(grain: TimeGrain): TimeSpineDef | undefined;
}

function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key)!;
  };
}

export function buildSemanticGraph(defs: Definitions, opts: BuildGraphOptions = {}): SemanticGraph {
  const models = new Map(defs.semanticModels.map((m) => [m.name, buildModelNode(m)]));
  const metrics = new Map(defs.metrics.map((m) => [m.name, m]));
  const byEntity = new Map<string, ModelNode[]>();
  for (const m of [...models.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const e of m.def.entities) byEntity.set(e.name, [...(byEntity.get(e.name) ?? []), m]);
  }
  const lookup: ModelLookup = { models, modelsWithEntity: (e) => byEntity.get(e) ?? [] };
  const model = (name: string) => models.get(name);
  const metric = (name: string) => metrics.get(name);
  const metricNames = defs.metrics.filter((m) => !m.hidden).map((m) => m.name).sort();

  const reachable = memo((name: string) => {
    const m = models.get(name);
    return m ? reachableElements(lookup, m) : [];
  });
  const ctx = { metric, model, reachable };
  const perMetric: (name: string) => AvailableItems = memo((name: string) => {
    const def = metrics.get(name);
    return def ? availableForMetric(ctx, def, perMetric) : new Map();
  });

  const dimensionOnly = ((): AvailableItems => {
    const items = new Map<string, AvailableItem>([['metric_time', metricTimeItem(finestSpineGrain(defs.timeSpines))]]);
    for (const m of [...models.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      for (const r of localElements(m)) {
        if (!items.has(r.key)) items.set(r.key, { spec: r.spec, key: r.key, datePartsAllowed: true, owner: r.owner, ...(r.baseGrain ? { baseGrain: r.baseGrain } : {}) });
      }
    }
    return items;
  })();

  // One metric's set is asked for per metric and per filter while resolving a query: memoised
  // (bounded by the number of metrics). Sets of several metrics (asked for several times per query,
  // and again by the next dashboard tile) are kept for the last few combinations.
  const singleAvailable = memo((name: string) => intersectAvailable([perMetric(name)]));
  const recentSets = new Map<string, AvailableItems>();
  const severalAvailable = (names: readonly string[]): AvailableItems => {
    const key = names.join('\u0000');
    let found = recentSets.get(key);
    if (!found) {
      found = intersectAvailable(names.map(perMetric));
      if (recentSets.size >= 64) recentSets.delete(recentSets.keys().next().value!);
      recentSets.set(key, found);
    }
    return found;
  };
  const availableItems = (names: readonly string[]) =>
    names.length === 1 ? singleAvailable(names[0]!) : names.length ? severalAvailable(names) : dimensionOnly;

  const defaultMetricTimeGrain = (names: readonly string[]): TimeGrain => {
    const perMetricDefaults = names.map((n) => {
      const set = metrics.get(n)?.timeGranularity;
      if (set && isTimeGrain(set)) return set;
      const base = perMetric(n).get('metric_time')?.baseGrain ?? 'day';
      return coarsestGrain(['day', base])!;
    });
    const wanted = coarsestGrain(perMetricDefaults) ?? 'day';
    const base = availableItems(names).get('metric_time')?.baseGrain ?? 'day';
    return grainRank(wanted) < grainRank(base) ? base : wanted;
  };

  const customs = new Map(customGranularities(defs.timeSpines).map((c) => [c.name, c]));

  const requireMetrics = (names: readonly string[]) => {
    for (const n of names) {
      if (!metrics.has(n)) {
        throw new MaatstafError('UNKNOWN_METRIC', `Unknown metric '${n}'.`, { name: n, suggestions: suggest(n, metricNames) });
      }
    }
  };

  return {
    definitions: defs,
    timeZone: defs.settings.timeZone,
    metricNames,
    timeSpines: defs.timeSpines,
    customGranularities: customs,
    models,
    modelsWithEntity: lookup.modelsWithEntity,
    model,
    metric,
    timeColumnType: (m, d) => opts.timeColumnTypes?.(m, d) ?? DEFAULT_TIME_COLUMN_TYPE,
    reachable,
    availableItems,
    defaultMetricTimeGrain,
    groupByItemsFor(names) {
      requireMetrics(names);
      return describeItems(availableItems(names), model, defaultMetricTimeGrain(names), [...customs.values()]);
    },
    simpleLeaves: (name) => simpleLeaves(metric, name),
    lineage(name) {
      requireMetrics([name]);
      return metricLineage(name, metric, model);
    },
    spineFor: (grain) => chooseSpine(defs.timeSpines, grain),
  };
}
