/** Metric and measure inputs as written → MetricInputDef and measure-input features. */
import type { TimeGrain } from '../../core/time.js';
import type { MetricInputDef } from '../model.js';
import type { DerivedInputSpec, MeasureInputSpec, MetricRefInputSpec } from '../schema/metric.schema.js';
import { parseWindow } from '../window.js';
import { filterList } from './meta.js';

export interface MeasureInput {
  readonly name: string;
  readonly alias?: string;
  readonly filters: readonly string[];
  readonly joinToTimespine: boolean;
  readonly fillNullsWith?: number;
}

export function measureInput(input: MeasureInputSpec): MeasureInput {
  if (typeof input === 'string') return { name: input.toLowerCase(), filters: [], joinToTimespine: false };
  return {
    name: input.name.toLowerCase(),
    ...(input.alias !== undefined && { alias: input.alias }),
    filters: filterList(input.filter),
    joinToTimespine: input.join_to_timespine ?? false,
    ...(input.fill_nulls_with !== undefined && { fillNullsWith: input.fill_nulls_with }),
  };
}

export function metricRefInput(input: MetricRefInputSpec): MetricInputDef {
  if (typeof input === 'string') return { name: input.toLowerCase(), filters: [] };
  return { name: input.name.toLowerCase(), ...(input.alias !== undefined && { alias: input.alias }), filters: filterList(input.filter) };
}

export function derivedInput(input: DerivedInputSpec, customGrains: ReadonlySet<string>): MetricInputDef {
  if (typeof input === 'string') return { name: input.toLowerCase(), filters: [] };
  const offset = input.offset_window === undefined ? undefined : parseWindow(input.offset_window, customGrains);
  return {
    ...metricRefInput(input),
    ...(offset?.ok && { offsetWindow: offset.window }),
    ...(input.offset_to_grain !== undefined && { offsetToGrain: input.offset_to_grain.toLowerCase() as TimeGrain }),
  };
}
