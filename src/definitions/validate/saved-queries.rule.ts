/** Spec 2, rule 24: saved queries name existing metrics and group-by items; order_by repeats them. */
import { ObjectSyntaxError } from '../object-syntax/call-parser.js';
import { parseGroupByItem, toDunderName, type GroupByItemRef } from '../object-syntax/group-by-item.js';
import type { SavedQuerySpec } from '../schema/saved-query.schema.js';
import type { Located } from '../spec-set.js';
import type { Rule, RuleContext } from './context.js';
import { checkItemRef } from './item-refs.js';

const SUB = 'query_params';

export const savedQueriesRule: Rule = (ctx) => {
  for (const query of ctx.index.specs.savedQueries) checkSavedQuery(ctx, query);
};

function parseAt(ctx: RuleContext, loc: Located<unknown>['loc'], sub: string, text: string): GroupByItemRef | undefined {
  try {
    return parseGroupByItem(text);
  } catch (e) {
    if (!(e instanceof ObjectSyntaxError)) throw e;
    ctx.error(loc, sub, `invalid item '${text}': ${e.message}`);
    return undefined;
  }
}

function checkSavedQuery(ctx: RuleContext, { spec, loc }: Located<SavedQuerySpec>): void {
  const qp = spec.query_params;
  const metrics = (qp.metrics ?? []).map((m) => m.toLowerCase());
  if (metrics.length === 0 && (qp.group_by?.length ?? 0) === 0) {
    // `metrics: []` with group-bys is a dimension-values query, as in MetricFlow.
    ctx.error(loc, SUB, 'a saved query needs at least one metric or group_by item in query_params');
  }
  metrics.forEach((m, i) => {
    if (!ctx.index.metricNames.has(m)) ctx.unknown(loc, `${SUB}.metrics[${i}]`, 'metric', m, ctx.index.metricNames);
    else if (metrics.indexOf(m) !== i) ctx.error(loc, `${SUB}.metrics[${i}]`, `metric '${m}' is listed twice`);
  });
  const groupBy = new Set<string>();
  qp.group_by?.forEach((text, i) => {
    const sub = `${SUB}.group_by[${i}]`;
    const ref = parseAt(ctx, loc, sub, text);
    if (!ref) return;
    if (ref.descending !== undefined) ctx.error(loc, sub, 'descending() belongs in order_by, not group_by');
    checkItemRef(ctx, loc, sub, ref, 'group_by');
    groupBy.add(toDunderName(ref, ctx.index.isGrain));
  });
  qp.order_by?.forEach((text, i) => {
    const sub = `${SUB}.order_by[${i}]`;
    const ref = parseAt(ctx, loc, sub, text);
    if (!ref) return;
    const name = ref.kind === 'metric' ? ref.name : toDunderName(ref, ctx.index.isGrain);
    const listed = ref.kind === 'metric' ? metrics.includes(name) : groupBy.has(name) || (ref.kind === 'any' && metrics.includes(name));
    if (!listed) {
      ctx.error(loc, sub, `order_by item '${name}' is not one of the saved query's metrics or group_by items (${[...metrics, ...groupBy].join(', ')})`);
    }
  });
}
