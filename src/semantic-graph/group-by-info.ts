/** Describes available group-by items for catalogues (REST `/v1/dimensions`) and error messages. */
import type { DatePart, TimeGrain } from '../core/time.js';
import { datePartsFrom, grainsFrom, type AvailableItem, type AvailableItems } from './available-items.js';
import { timeSuffix } from './item-spec.js';
import type { ModelNode } from './model-node.js';
import { customGrainsFrom, type CustomGranularity } from './time-spines.js';

export interface GroupByItemInfo {
  /** Dunder name without grain: `metric_time`, `customer__signup_at`, `customer__country`, `customer`. */
  readonly name: string;
  readonly kind: 'dimension' | 'time' | 'entity';
  /** Entity links, outermost first (empty for metric_time and bare entities). */
  readonly entityPath: readonly string[];
  /** Element name (`metric_time` for metric time). */
  readonly element: string;
  /** Model owning the element; undefined for metric_time. */
  readonly semanticModel?: string;
  /** Time items: queryable grains, finest first. */
  readonly grains?: readonly TimeGrain[];
  /** Time items: the grain used when none is given (spec 3.5). */
  readonly defaultGrain?: TimeGrain;
  /** Time items: available date parts (`__extract_<part>`). */
  readonly dateParts?: readonly DatePart[];
  /** Time items: available custom granularities (`__<name>`). */
  readonly customGrains?: readonly string[];
  readonly label?: string;
  readonly description?: string;
}

function describe(item: AvailableItem, model: ModelNode | undefined, metricTimeGrain: TimeGrain, customs: readonly CustomGranularity[]): GroupByItemInfo {
  const spec = item.spec;
  if (spec.kind === 'metric_time') {
    const base = item.baseGrain ?? 'day';
    return {
      name: item.key,
      kind: 'time',
      entityPath: [],
      element: 'metric_time',
      grains: grainsFrom(base),
      defaultGrain: metricTimeGrain,
      dateParts: item.datePartsAllowed ? datePartsFrom(base) : [],
      customGrains: customGrainsFrom(customs, base),
      label: 'Metric time',
      description: "Each metric's aggregation time dimension.",
    };
  }
  const def = spec.kind === 'entity' ? model?.entities.get(spec.element) : model?.dimensions.get(spec.element);
  const common = {
    name: item.key,
    entityPath: spec.links,
    element: spec.element,
    ...(item.owner ? { semanticModel: item.owner } : {}),
    ...(def?.label ? { label: def.label } : {}),
    ...(def?.description ? { description: def.description } : {}),
  };
  if (spec.kind !== 'time_dimension') return { ...common, kind: spec.kind };
  const base = item.baseGrain ?? 'day';
  return {
    ...common,
    kind: 'time',
    grains: grainsFrom(base),
    defaultGrain: base,
    dateParts: item.datePartsAllowed ? datePartsFrom(base) : [],
    customGrains: customGrainsFrom(customs, base),
  };
}

/** metric_time first, then by name. */
export function describeItems(
  items: AvailableItems,
  model: (name: string) => ModelNode | undefined,
  metricTimeGrain: TimeGrain,
  customs: readonly CustomGranularity[] = [],
): GroupByItemInfo[] {
  const infos = [...items.values()].map((i) => describe(i, i.owner ? model(i.owner) : undefined, metricTimeGrain, customs));
  return infos.sort((a, b) => (a.name === 'metric_time' ? -1 : b.name === 'metric_time' ? 1 : a.name.localeCompare(b.name)));
}

/** Every queryable name (with each grain and date part) for suggestions. */
export function queryableNames(infos: readonly GroupByItemInfo[]): string[] {
  const out: string[] = [];
  for (const i of infos) {
    out.push(i.name);
    for (const g of i.grains ?? []) out.push(`${i.name}__${timeSuffix({ kind: 'grain', grain: g })}`);
    for (const p of i.dateParts ?? []) out.push(`${i.name}__${timeSuffix({ kind: 'date_part', part: p })}`);
    for (const c of i.customGrains ?? []) out.push(`${i.name}__${c}`);
  }
  return out;
}
