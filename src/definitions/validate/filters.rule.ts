/**
 * Spec 2, rule 23 (as far as the loader goes): every `{{ … }}` in every filter is a recognisable
 * Dimension/TimeDimension/Entity/Metric call whose element exists. The planner's filter parser
 * resolves them fully.
 */
import type { SourceLocation } from '../model.js';
import { filterCalls } from '../object-syntax/filter-calls.js';
import type { Rule, RuleContext } from './context.js';
import { checkItemRef } from './item-refs.js';

interface FilterAt {
  readonly sub: string;
  readonly text: string;
}

/** Every filter string inside a metric or saved query spec, with its path (`filter[1]`, `type_params.metrics[0].filter`). */
export function findFilters(value: unknown, path = ''): FilterAt[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findFilters(v, `${path}[${i}]`));
  const out: FilterAt[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'meta' || key === 'config') continue;
    const sub = path === '' ? key : `${path}.${key}`;
    const isFilter = key === 'filter' || (key === 'where' && path.endsWith('query_params'));
    if (isFilter && typeof v === 'string') out.push({ sub, text: v });
    else if (isFilter && Array.isArray(v)) v.forEach((t, i) => typeof t === 'string' && out.push({ sub: `${sub}[${i}]`, text: t }));
    else out.push(...findFilters(v, sub));
  }
  return out;
}

export function checkFilter(ctx: RuleContext, loc: SourceLocation, { sub, text }: FilterAt): void {
  for (const call of filterCalls(text)) {
    if (!call.ok) ctx.error(loc, sub, `invalid filter call '{{ ${call.text} }}': ${call.reason}`);
    else checkItemRef(ctx, loc, sub, call.ref, 'filter');
  }
}

export const filtersRule: Rule = (ctx) => {
  const { specs } = ctx.index;
  for (const { spec, loc } of [...specs.metrics, ...specs.savedQueries]) {
    for (const filter of findFilters(spec)) checkFilter(ctx, loc, filter);
  }
};
