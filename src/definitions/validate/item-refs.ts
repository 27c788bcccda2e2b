/**
 * Checks a group-by item reference (from a filter's `{{ … }}` or a saved query's group_by) as far
 * as definitions alone allow: the element, entity links, grain and date part exist. Whether the
 * item is reachable from the metrics is the planner's job.
 */
import { isDatePart, TIME_GRAINS } from '../../core/time.js';
import { didYouMean } from '../did-you-mean.js';
import type { SourceLocation } from '../model.js';
import { splitDunder, type GroupByItemRef } from '../object-syntax/group-by-item.js';
import type { RuleContext } from './context.js';

const METRIC_TIME = 'metric_time';
const DATE_PARTS = ['year', 'quarter', 'month', 'day', 'dow', 'doy', 'hour'];

export function checkItemRef(ctx: RuleContext, loc: SourceLocation, sub: string, ref: GroupByItemRef, what: string): void {
  const { index } = ctx;
  if (ref.kind === 'metric') {
    if (!index.metricNames.has(ref.name)) ctx.unknown(loc, sub, 'metric', ref.name, index.metricNames, what);
    if (ref.groupBy.length !== 1) ctx.error(loc, sub, `Metric('${ref.name}') needs group_by with exactly one entity, e.g. group_by=['customer']`);
    for (const g of ref.groupBy) {
      const entity = g.split('__').pop()!;
      if (!index.entityNames.has(entity)) ctx.unknown(loc, sub, 'entity', entity, index.entityNames, what);
    }
    return;
  }
  if (!/^[a-z][a-z0-9_]*$/.test(ref.name)) {
    ctx.error(loc, sub, `invalid name '${ref.name}' in ${what}: expected a dunder name such as customer__country`);
    return;
  }
  const split = splitDunder(ref.name, index.isGrain);
  const [kind, pool] =
    ref.kind === 'entity'
      ? ['entity', index.entityNames]
      : ref.kind === 'time_dimension'
        ? ['time dimension', new Set([...index.timeDimensionNames, METRIC_TIME])]
        : ref.kind === 'dimension'
          ? ['dimension', new Set([...index.dimensionNames, METRIC_TIME])]
          : ['dimension or entity', new Set([...index.dimensionNames, ...index.entityNames, METRIC_TIME])];
  if (!pool.has(split.element)) ctx.unknown(loc, sub, kind, split.element, pool, what);
  for (const link of [...ref.entityPath, ...split.links]) {
    if (!index.entityNames.has(link)) ctx.unknown(loc, sub, 'entity', link, index.entityNames, what);
  }
  if (ref.grain !== undefined && !index.isGrain(ref.grain)) {
    ctx.error(loc, sub, `unknown time granularity '${ref.grain}' in ${what}${didYouMean(ref.grain, [...TIME_GRAINS, ...index.customGrainNames])}`);
  }
  if (ref.grain !== undefined && split.grain !== undefined && ref.grain !== split.grain) {
    ctx.error(loc, sub, `'${ref.name}' already has grain '${split.grain}' but '${ref.grain}' is also given`);
  }
  const datePart = ref.datePart ?? split.datePart;
  if (datePart !== undefined && !(isDatePart(datePart) && DATE_PARTS.includes(datePart))) {
    ctx.error(loc, sub, `unknown date part '${datePart}' in ${what} (expected one of: ${DATE_PARTS.join(', ')})${didYouMean(datePart, DATE_PARTS)}`);
  }
}
