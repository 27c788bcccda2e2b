/** Spec 2, rule 18: cumulative metrics. */
import { isTimeGrain, TIME_GRAINS } from '../../core/time.js';
import { didYouMean } from '../did-you-mean.js';
import { parseWindow } from '../window.js';
import type { Rule } from './context.js';
import { checkMeasureRef, checkMetricRef } from './metric-inputs.js';

export const cumulativeRule: Rule = (ctx) => {
  for (const { spec, loc } of ctx.index.specs.metrics) {
    if (spec.type.toLowerCase() !== 'cumulative') continue;
    const tp = spec.type_params;
    const ctp = tp.cumulative_type_params;
    const sub = 'type_params.cumulative_type_params';
    if (tp.measure !== undefined && ctp?.metric !== undefined) {
      ctx.error(loc, `${sub}.metric`, 'give either type_params.measure or cumulative_type_params.metric, not both');
    } else if (tp.measure !== undefined) {
      checkMeasureRef(ctx, loc, 'type_params.measure', tp.measure);
    } else if (ctp?.metric !== undefined) {
      checkMetricRef(ctx, loc, `${sub}.metric`, ctp.metric, true);
    } else {
      ctx.error(loc, 'type_params', 'a cumulative metric needs type_params.measure or type_params.cumulative_type_params.metric');
    }

    for (const key of ['window', 'grain_to_date'] as const) {
      if (tp[key] !== undefined && ctp?.[key] !== undefined && tp[key] !== ctp[key]) {
        ctx.error(loc, `${sub}.${key}`, `type_params.${key} ('${tp[key]}') and cumulative_type_params.${key} ('${ctp[key]}') disagree`);
      }
    }
    const window = ctp?.window ?? tp.window;
    const windowPath = ctp?.window !== undefined ? `${sub}.window` : 'type_params.window';
    const grainToDate = ctp?.grain_to_date ?? tp.grain_to_date;
    const gtdPath = ctp?.grain_to_date !== undefined ? `${sub}.grain_to_date` : 'type_params.grain_to_date';
    if (window !== undefined && grainToDate !== undefined) {
      ctx.error(loc, gtdPath, 'a cumulative metric has either a window or grain_to_date, not both');
    }
    if (window !== undefined) {
      const parsed = parseWindow(window, ctx.index.customGrainNames, true);
      if (!parsed.ok) ctx.error(loc, windowPath, parsed.message);
    }
    if (grainToDate !== undefined && !isTimeGrain(grainToDate.toLowerCase())) {
      ctx.error(loc, gtdPath, `grain_to_date must be a standard time grain, got '${grainToDate}'${didYouMean(grainToDate.toLowerCase(), TIME_GRAINS)}`);
    }
  }
};
