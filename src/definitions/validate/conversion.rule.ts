/** Spec 2, rule 21: conversion metrics. */
import type { SourceLocation } from '../model.js';
import { exprText } from '../normalise/element-expr.js';
import type { ConversionTypeParamsSpec } from '../schema/metric.schema.js';
import { parseWindow } from '../window.js';
import type { Rule, RuleContext } from './context.js';
import { checkMeasureRef, checkMetricRef, exactlyOne } from './metric-inputs.js';
import { inputName, measureSource, simpleMetricSource, type SimpleSource } from './resolve.js';

const SUB = 'type_params.conversion_type_params';

export const conversionRule: Rule = (ctx) => {
  for (const { spec, loc } of ctx.index.specs.metrics) {
    if (spec.type.toLowerCase() !== 'conversion') continue;
    const ctp = spec.type_params.conversion_type_params;
    if (!ctp) {
      ctx.error(loc, 'type_params', 'a conversion metric needs type_params.conversion_type_params');
      continue;
    }
    const base = checkInput(ctx, loc, ctp, 'base');
    const conversion = checkInput(ctx, loc, ctp, 'conversion');
    if (ctp.entity === undefined) ctx.error(loc, SUB, 'a conversion metric needs an entity');
    else {
      for (const [source, side] of [[base, 'base'], [conversion, 'conversion']] as const) {
        if (source && !source.model.entities.has(ctp.entity.toLowerCase())) {
          ctx.unknown(loc, `${SUB}.entity`, 'entity', ctp.entity, source.model.entities.keys(), `semantic model '${source.model.name}' (${side} input)`);
        }
      }
    }
    if (ctp.window !== undefined) {
      const parsed = parseWindow(ctp.window, ctx.index.customGrainNames, true);
      if (!parsed.ok) ctx.error(loc, `${SUB}.window`, parsed.message);
    }
    ctp.constant_properties?.forEach((cp, i) => {
      for (const [source, key, name] of [[base, 'base_property', cp.base_property], [conversion, 'conversion_property', cp.conversion_property]] as const) {
        if (!source) continue;
        const elements = [...source.model.dimensions.keys(), ...source.model.entities.keys()];
        if (!elements.includes(name.toLowerCase())) {
          ctx.unknown(loc, `${SUB}.constant_properties[${i}].${key}`, 'dimension or entity', name, elements, `semantic model '${source.model.name}'`);
        }
      }
    });
  }
};

function checkInput(ctx: RuleContext, loc: SourceLocation, ctp: ConversionTypeParamsSpec, side: 'base' | 'conversion'): SimpleSource | undefined {
  const measure = ctp[`${side}_measure`];
  const metric = ctp[`${side}_metric`];
  if (!exactlyOne(ctx, loc, SUB, { key: `${side}_measure`, value: measure }, { key: `${side}_metric`, value: metric })) return undefined;
  let source: SimpleSource | undefined;
  let sub: string;
  if (measure !== undefined) {
    sub = `${SUB}.${side}_measure`;
    source = checkMeasureRef(ctx, loc, sub, measure) ? measureSource(ctx.index, inputName(measure)) : undefined;
    if (side === 'conversion' && typeof measure === 'object' && measure.filter !== undefined) warnConversionFilter(ctx, loc, `${sub}.filter`);
  } else {
    sub = `${SUB}.${side}_metric`;
    source = checkMetricRef(ctx, loc, sub, metric!, true) ? simpleMetricSource(ctx.index, inputName(metric!)) : undefined;
    if (side === 'conversion' && typeof metric === 'object' && metric.filter !== undefined) warnConversionFilter(ctx, loc, `${sub}.filter`);
  }
  if (source && !countsEvents(source)) {
    ctx.error(loc, sub, `the ${side} input must count events: agg count, count_distinct, or sum with expr 1 (got ${source.agg})`);
  }
  return source;
}

function countsEvents(source: SimpleSource): boolean {
  if (source.agg === 'count' || source.agg === 'count_distinct') return true;
  return source.agg === 'sum' && source.expr !== undefined && exprText(source.expr, '') === '1';
}

function warnConversionFilter(ctx: RuleContext, loc: SourceLocation, sub: string): void {
  ctx.warning(loc, sub, 'a filter on the conversion input limits which events count as conversions (MetricFlow ignores it; maatstaf applies it)');
}
