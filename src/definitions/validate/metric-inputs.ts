/** Helpers for rules that check metric inputs (measures and metrics referenced by metrics). */
import type { SourceLocation } from '../model.js';
import type { MeasureInputSpec, MetricRefInputSpec } from '../schema/metric.schema.js';
import type { RuleContext } from './context.js';
import { inputName, metricType } from './resolve.js';

/** Where the input's name is: the key itself for the string form, `.name` inside the object form. */
export function namePath(sub: string, input: MeasureInputSpec | MetricRefInputSpec): string {
  return typeof input === 'string' ? sub : `${sub}.name`;
}

/** Checks a measure reference; true when it resolves. */
export function checkMeasureRef(ctx: RuleContext, loc: SourceLocation, sub: string, input: MeasureInputSpec): boolean {
  const name = inputName(input);
  if (ctx.index.measures.has(name)) return true;
  ctx.unknown(loc, namePath(sub, input), 'measure', name, ctx.index.measures.keys());
  return false;
}

/** Checks a metric reference (and, with `mustBeSimple`, that it is a simple metric); true when fine. */
export function checkMetricRef(ctx: RuleContext, loc: SourceLocation, sub: string, input: MetricRefInputSpec, mustBeSimple = false): boolean {
  const name = inputName(input);
  const type = metricType(ctx.index, name);
  if (type === undefined) {
    ctx.unknown(loc, namePath(sub, input), 'metric', name, ctx.index.metricNames);
    return false;
  }
  if (mustBeSimple && type !== 'simple') {
    ctx.error(loc, namePath(sub, input), `metric '${name}' is a ${type} metric; only simple metrics can be used here`);
    return false;
  }
  return true;
}

/** Exactly one of two alternative keys; reports and returns false otherwise. */
export function exactlyOne(
  ctx: RuleContext,
  loc: SourceLocation,
  at: string,
  a: { key: string; value: unknown },
  b: { key: string; value: unknown },
): boolean {
  if (a.value !== undefined && b.value !== undefined) {
    ctx.error(loc, `${at}.${b.key}`, `give either ${a.key} or ${b.key}, not both`);
    return false;
  }
  if (a.value === undefined && b.value === undefined) {
    ctx.error(loc, at, `needs ${a.key} or ${b.key}`);
    return false;
  }
  return true;
}
