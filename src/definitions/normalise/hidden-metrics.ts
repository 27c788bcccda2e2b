/**
 * Cumulative and conversion metrics over a measure get a simple metric for that measure (spec 1.8):
 * an existing simple metric that computes the same thing is reused, otherwise a hidden one is
 * created, named like MetricFlow does (`m`, `m_fill_nulls_with_0`, `m_join_to_timespine`, `_1` …).
 */
import type { SimpleAggregationDef, SimpleMetricDef } from '../model.js';
import { sameAggregation } from './aggregation.js';

export interface MeasureInputFeatures {
  readonly measure: string;
  readonly joinToTimespine: boolean;
  readonly fillNullsWith?: number;
}

/** Builds what the simple metric for a measure input would be (name left to the registry). */
export type SimpleMetricForMeasure = (input: MeasureInputFeatures) => Omit<SimpleMetricDef, 'name'>;

export class HiddenMetricRegistry {
  private readonly created: SimpleMetricDef[] = [];
  private readonly byFeatures = new Map<string, string>();

  constructor(
    private readonly candidates: readonly SimpleMetricDef[],
    private readonly usedNames: Set<string>,
    private readonly build: SimpleMetricForMeasure,
  ) {}

  /** The name of the simple metric to use for this measure input. */
  metricFor(input: MeasureInputFeatures): string {
    const key = JSON.stringify([input.measure, input.fillNullsWith ?? null, input.joinToTimespine]);
    const known = this.byFeatures.get(key);
    if (known !== undefined) return known;
    const built = this.build(input);
    const clone = [...this.candidates, ...this.created].find((m) => isFunctionalClone(m, built.aggregation));
    const name = clone?.name ?? this.create(input, built);
    this.byFeatures.set(key, name);
    return name;
  }

  /** The simple metrics created so far, in creation order. */
  get hiddenMetrics(): readonly SimpleMetricDef[] {
    return this.created;
  }

  private create(input: MeasureInputFeatures, built: Omit<SimpleMetricDef, 'name'>): string {
    const parts = [input.measure];
    if (input.fillNullsWith !== undefined) {
      parts.push(`fill_nulls_with_${input.fillNullsWith >= 0 ? input.fillNullsWith : `neg_${Math.abs(input.fillNullsWith)}`}`);
    }
    if (input.joinToTimespine) parts.push('join_to_timespine');
    const base = parts.join('_');
    let name = base;
    for (let n = 1; this.usedNames.has(name); n++) name = `${base}_${n}`;
    this.usedNames.add(name);
    this.created.push({ ...built, name });
    return name;
  }
}

function isFunctionalClone(candidate: SimpleMetricDef, aggregation: SimpleAggregationDef): boolean {
  return (
    candidate.filters.length === 0 &&
    candidate.timeGranularity === undefined &&
    sameAggregation(candidate.aggregation, aggregation) &&
    (candidate.aggregation.measure === undefined || candidate.aggregation.measure === aggregation.measure)
  );
}
