/** Spec 2, rules 19–20: derived and ratio metric inputs, aliases and offsets. */
import { isTimeGrain, TIME_GRAINS } from '../../core/time.js';
import { didYouMean } from '../did-you-mean.js';
import type { DerivedInputSpec, MetricSpec } from '../schema/metric.schema.js';
import type { Located } from '../spec-set.js';
import { parseWindow } from '../window.js';
import type { Rule, RuleContext } from './context.js';
import { checkMetricRef } from './metric-inputs.js';
import { inputName } from './resolve.js';

export const derivedRatioRule: Rule = (ctx) => {
  for (const metric of ctx.index.specs.metrics) {
    const type = metric.spec.type.toLowerCase();
    if (type === 'ratio') checkRatio(ctx, metric);
    if (type === 'derived') checkDerived(ctx, metric);
  }
};

function checkRatio(ctx: RuleContext, { spec, loc }: Located<MetricSpec>): void {
  const { numerator, denominator } = spec.type_params;
  if (numerator === undefined) ctx.error(loc, 'type_params', 'a ratio metric needs type_params.numerator');
  else checkMetricRef(ctx, loc, 'type_params.numerator', numerator);
  if (denominator === undefined) ctx.error(loc, 'type_params', 'a ratio metric needs type_params.denominator');
  else checkMetricRef(ctx, loc, 'type_params.denominator', denominator);
  const aliasOf = (i: typeof numerator) => (typeof i === 'object' ? i.alias : undefined);
  const a = aliasOf(numerator);
  if (a !== undefined && a === aliasOf(denominator)) ctx.error(loc, 'type_params.denominator.alias', `numerator and denominator have the same alias '${a}'`);
}

/** The name an input has inside a derived metric's expr. */
export function derivedInputRef(input: DerivedInputSpec): string {
  return typeof input === 'string' ? input.toLowerCase() : (input.alias ?? input.name.toLowerCase());
}

function checkDerived(ctx: RuleContext, { spec, loc }: Located<MetricSpec>): void {
  const inputs = spec.type_params.metrics ?? [];
  if (inputs.length === 0) {
    ctx.error(loc, 'type_params', 'a derived metric needs at least one input in type_params.metrics');
    return;
  }
  const expr = spec.type_params.expr === undefined ? undefined : String(spec.type_params.expr);
  if (expr === undefined) {
    if (inputs.length === 1) ctx.warning(loc, 'type_params', `derived metric has no expr; it is its input '${derivedInputRef(inputs[0]!)}'`);
    else ctx.error(loc, 'type_params', 'a derived metric with several inputs needs type_params.expr');
  }
  const plainNames = new Set(inputs.filter((i) => typeof i === 'string' || i.alias === undefined).map(inputName));
  const seen = new Set<string>();
  inputs.forEach((input, i) => {
    const sub = `type_params.metrics[${i}]`;
    checkMetricRef(ctx, loc, sub, input);
    const ref = derivedInputRef(input);
    const obj = typeof input === 'object' ? input : undefined;
    if (seen.has(ref)) ctx.error(loc, sub, `two inputs are called '${ref}' in the expr; give one an alias`);
    else if (obj?.alias !== undefined && plainNames.has(obj.alias)) ctx.error(loc, `${sub}.alias`, `alias '${obj.alias}' is also the name of another input`);
    seen.add(ref);
    if (expr !== undefined && !new RegExp(`\\b${ref}\\b`).test(expr)) ctx.warning(loc, sub, `input '${ref}' is not used in the expr '${expr}'`);
    if (obj) checkOffsets(ctx, loc, sub, obj);
  });
}

function checkOffsets(ctx: RuleContext, loc: Located<MetricSpec>['loc'], sub: string, input: Exclude<DerivedInputSpec, string>): void {
  if (input.offset_window !== undefined && input.offset_to_grain !== undefined) {
    ctx.error(loc, `${sub}.offset_to_grain`, 'give either offset_window or offset_to_grain, not both');
  }
  if (input.offset_window !== undefined) {
    const parsed = parseWindow(input.offset_window, ctx.index.customGrainNames);
    if (!parsed.ok) ctx.error(loc, `${sub}.offset_window`, parsed.message.replace('window', 'offset_window'));
  }
  const g = input.offset_to_grain;
  if (g !== undefined && !isTimeGrain(g.toLowerCase())) {
    ctx.error(loc, `${sub}.offset_to_grain`, `offset_to_grain must be a standard time grain, got '${g}'${didYouMean(g.toLowerCase(), TIME_GRAINS)}`);
  }
}
