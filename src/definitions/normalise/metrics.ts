/**
 * Metric specs → MetricDef: measures inlined into simple metrics, `create_metric` metrics, hidden
 * simple metrics for the measure inputs of cumulative and conversion metrics (spec 1.7–1.8).
 * Runs only on validated specs, so references resolve.
 */
import type { TimeGrain } from '../../core/time.js';
import type { MeasureDef, MetricDef, MetricInputDef, SemanticModelDef, SimpleAggregationDef, SimpleMetricDef, SourceAggregation } from '../model.js';
import { enumValue } from '../schema/common.schema.js';
import type { MetricSpec } from '../schema/metric.schema.js';
import type { SpecIndex } from '../spec-index.js';
import type { Located } from '../spec-set.js';
import { parseWindow } from '../window.js';
import { normaliseAggregation } from './aggregation.js';
import { elementExpr } from './element-expr.js';
import { HiddenMetricRegistry, type MeasureInputFeatures } from './hidden-metrics.js';
import { filterList, ownMeta } from './meta.js';
import { derivedInput, measureInput, metricRefInput, type MeasureInput } from './metric-inputs.js';
import { readPercentile } from './percentile.js';

interface MeasureHome {
  readonly model: SemanticModelDef;
  readonly measure: MeasureDef;
}

export function normaliseMetrics(models: readonly SemanticModelDef[], index: SpecIndex): MetricDef[] {
  const homes = new Map<string, MeasureHome>();
  for (const model of models) for (const measure of model.measures) homes.set(measure.name, { model, measure });
  const home = (name: string) => homes.get(name) ?? fail(`measure '${name}' not found`);
  const measureAggregation = (input: MeasureInputFeatures): SimpleAggregationDef => {
    const { model, measure } = home(input.measure);
    return normaliseAggregation(measure, {
      semanticModel: model.name,
      aggTimeDimension: measure.aggTimeDimension ?? fail(`measure '${measure.name}' has no agg time dimension`),
      joinToTimespine: input.joinToTimespine,
      ...(input.fillNullsWith !== undefined && { fillNullsWith: input.fillNullsWith }),
      measure: measure.name,
    });
  };

  const specs = index.specs.metrics;
  const simple = new Map<string, SimpleMetricDef>();
  for (const m of specs) if (m.spec.type.toLowerCase() === 'simple') simple.set(m.spec.name, simpleMetric(m, measureAggregation, models));
  const created: SimpleMetricDef[] = [];
  for (const { model, measure } of homes.values()) {
    if (!measure.createMetric || index.metrics.has(measure.name)) continue;
    const displayName = index.models.get(model.name)?.measures.get(measure.name)?.spec.create_metric_display_name;
    const label = displayName ?? measure.label;
    created.push({
      type: 'simple',
      name: measure.name,
      ...(label !== undefined && { label }),
      ...(measure.description !== undefined && { description: measure.description }),
      filters: [],
      hidden: false,
      meta: measure.meta,
      loc: measure.loc,
      aggregation: measureAggregation({ measure: measure.name, joinToTimespine: false }),
    });
  }

  const usedNames = new Set([...index.metricNames]);
  const registry = new HiddenMetricRegistry([...simple.values(), ...created], usedNames, (input) => {
    const { measure } = home(input.measure);
    return {
      type: 'simple',
      ...(measure.label !== undefined && { label: measure.label }),
      ...(measure.description !== undefined && { description: measure.description }),
      filters: [],
      hidden: true,
      meta: measure.meta,
      loc: measure.loc,
      aggregation: measureAggregation(input),
    };
  });
  const viaMeasure = (mi: MeasureInput): MetricInputDef => ({
    name: registry.metricFor({ measure: mi.name, joinToTimespine: mi.joinToTimespine, ...(mi.fillNullsWith !== undefined && { fillNullsWith: mi.fillNullsWith }) }),
    ...(mi.alias !== undefined && { alias: mi.alias }),
    filters: mi.filters,
  });

  const metrics = specs.map((m) => simple.get(m.spec.name) ?? complexMetric(m, index.customGrainNames, viaMeasure));
  return [...metrics, ...created, ...registry.hiddenMetrics];
}

function common({ spec, loc }: Located<MetricSpec>) {
  return {
    name: spec.name,
    ...(spec.label !== undefined && { label: spec.label }),
    ...(spec.description !== undefined && { description: spec.description }),
    filters: filterList(spec.filter),
    ...(spec.time_granularity !== undefined && { timeGranularity: spec.time_granularity.toLowerCase() }),
    hidden: false,
    meta: ownMeta(spec),
    loc,
  };
}

function simpleMetric(
  m: Located<MetricSpec>,
  measureAggregation: (input: MeasureInputFeatures) => SimpleAggregationDef,
  models: readonly SemanticModelDef[],
): SimpleMetricDef {
  const tp = m.spec.type_params;
  const base = common(m);
  if (tp.measure !== undefined) {
    const mi = measureInput(tp.measure);
    const features = { measure: mi.name, joinToTimespine: mi.joinToTimespine, ...(mi.fillNullsWith !== undefined && { fillNullsWith: mi.fillNullsWith }) };
    // MetricFlow's order: the measure input's filters, then the metric's own.
    return { type: 'simple', ...base, filters: [...mi.filters, ...base.filters], aggregation: measureAggregation(features) };
  }
  const params = tp.metric_aggregation_params ?? fail(`metric '${m.spec.name}' has no aggregation`);
  const model = models.find((x) => x.name === params.semantic_model.toLowerCase()) ?? fail(`model '${params.semantic_model}' not found`);
  const percentile = params.agg_params?.percentile === undefined ? undefined : readPercentile(params.agg_params.percentile);
  const nad = params.non_additive_dimension;
  const aggregation = normaliseAggregation(
    {
      agg: enumValue<SourceAggregation>(params.agg),
      expr: elementExpr(tp.expr, m.spec.name),
      ...(percentile?.ok && { percentile: percentile.value }),
      useDiscretePercentile: params.agg_params?.use_discrete_percentile ?? false,
      useApproximatePercentile: params.agg_params?.use_approximate_percentile ?? false,
      ...(nad && {
        nonAdditiveDimension: {
          name: nad.name.toLowerCase(),
          windowChoice: enumValue<'min' | 'max'>(nad.window_choice ?? 'min'),
          windowGroupings: (nad.window_groupings ?? []).map((g) => g.toLowerCase()),
        },
      }),
    },
    {
      semanticModel: model.name,
      aggTimeDimension: params.agg_time_dimension?.toLowerCase() ?? model.defaultAggTimeDimension ?? fail('no agg time dimension'),
      joinToTimespine: tp.join_to_timespine ?? false,
      ...(tp.fill_nulls_with !== undefined && { fillNullsWith: tp.fill_nulls_with }),
    },
  );
  return { type: 'simple', ...base, aggregation };
}

function complexMetric(m: Located<MetricSpec>, customGrains: ReadonlySet<string>, viaMeasure: (mi: MeasureInput) => MetricInputDef): MetricDef {
  const tp = m.spec.type_params;
  const base = common(m);
  const window = (text: string | undefined) => {
    const parsed = text === undefined ? undefined : parseWindow(text, customGrains, true);
    return parsed?.ok ? { window: parsed.window } : {};
  };
  const type = m.spec.type.toLowerCase();
  switch (type) {
    case 'ratio':
      return { type, ...base, numerator: metricRefInput(tp.numerator!), denominator: metricRefInput(tp.denominator!) };
    case 'derived': {
      const inputs = (tp.metrics ?? []).map((i) => derivedInput(i, customGrains));
      const expr = tp.expr !== undefined ? String(tp.expr) : (inputs[0]!.alias ?? inputs[0]!.name);
      return { type, ...base, expr, inputs };
    }
    case 'cumulative': {
      const ctp = tp.cumulative_type_params;
      const input = ctp?.metric !== undefined ? metricRefInput(ctp.metric) : viaMeasure(measureInput(tp.measure!));
      const grainToDate = ctp?.grain_to_date ?? tp.grain_to_date;
      return {
        type,
        ...base,
        input,
        ...window(ctp?.window ?? tp.window),
        ...(grainToDate !== undefined && { grainToDate: grainToDate.toLowerCase() as TimeGrain }),
        periodAgg: enumValue<'first' | 'last' | 'average'>(ctp?.period_agg ?? 'first'),
      };
    }
    case 'conversion': {
      const c = tp.conversion_type_params ?? fail('no conversion_type_params');
      const side = (metric: typeof c.base_metric, measure: typeof c.base_measure) =>
        metric !== undefined ? metricRefInput(metric) : viaMeasure(measureInput(measure!));
      return {
        type,
        ...base,
        base: side(c.base_metric, c.base_measure),
        conversion: side(c.conversion_metric, c.conversion_measure),
        entity: c.entity!.toLowerCase(),
        calculation: enumValue<'conversions' | 'conversion_rate'>(c.calculation ?? 'conversion_rate'),
        ...window(c.window),
        constantProperties: (c.constant_properties ?? []).map((p) => ({
          baseProperty: p.base_property.toLowerCase(),
          conversionProperty: p.conversion_property.toLowerCase(),
        })),
      };
    }
    default:
      return fail(`unexpected metric type '${type}'`);
  }
}

/** Normalisation runs on validated specs only; a failed lookup here is a bug, not a user error. */
function fail(message: string): never {
  throw new Error(`definitions normalisation: ${message}`);
}
