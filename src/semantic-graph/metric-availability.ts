/**
 * Group-by items per metric (spec 3.3): a simple metric offers metric_time plus everything
 * reachable from its model; ratio/derived offer the intersection of their inputs; cumulative
 * drops date parts; conversion offers its base input's items.
 */
import type { MetricDef } from '../definitions/model.js';
import type { TimeGrain } from '../core/time.js';
import { intersectAvailable, metricTimeItem, withoutDateParts, type AvailableItem, type AvailableItems } from './available-items.js';
import { groupingInputs } from './metric-tree.js';
import type { ModelNode } from './model-node.js';
import type { ReachableElement } from './reachability.js';

export interface AvailabilityContext {
  metric(name: string): MetricDef | undefined;
  model(name: string): ModelNode | undefined;
  reachable(model: string): readonly ReachableElement[];
}

/** Items reachable from a model's rows plus metric_time at `timeGrain`. */
export function itemsFromModel(ctx: AvailabilityContext, model: string, timeGrain: TimeGrain): AvailableItems {
  const items = new Map<string, AvailableItem>([['metric_time', metricTimeItem(timeGrain)]]);
  for (const r of ctx.reachable(model)) {
    if (items.has(r.key)) continue; // first entry needs the fewest joins
    items.set(r.key, { spec: r.spec, key: r.key, datePartsAllowed: true, owner: r.owner, ...(r.baseGrain ? { baseGrain: r.baseGrain } : {}) });
  }
  return items;
}

/** Computes the available items of one metric; `recurse` gives the (memoised) items of an input. */
export function availableForMetric(
  ctx: AvailabilityContext,
  def: MetricDef,
  recurse: (name: string) => AvailableItems,
): AvailableItems {
  switch (def.type) {
    case 'simple': {
      const agg = def.aggregation;
      const base = ctx.model(agg.semanticModel)?.dimensions.get(agg.aggTimeDimension)?.grain ?? 'day';
      return itemsFromModel(ctx, agg.semanticModel, base);
    }
    case 'ratio':
    case 'derived':
    case 'conversion': {
      const inputs = groupingInputs(def);
      const items = intersectAvailable(inputs.map((i) => recurse(i.name)));
      return inputs.some((i) => i.offsetToGrain) ? withoutDateParts(items) : items;
    }
    case 'cumulative':
      return withoutDateParts(recurse(def.input.name));
  }
}
