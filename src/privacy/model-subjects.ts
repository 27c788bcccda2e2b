/**
 * No microdata: a query without metrics (a list of distinct group-by combinations) or a
 * dimension-value list that reads a personal semantic model returns only the combinations backed
 * by at least k subjects — the same rule as a metric cell. Pure.
 *
 * For every personal model the definitions get one hidden metric, `__rows__<model>`: the number of
 * distinct subjects (the model's `meta.subject` entity, else its primary entity) of its rows. A
 * protected dimension-only query is compiled as a query of those hidden metrics with the SAME
 * group-by, filters and order, so the subject count of every combination comes from the same SQL
 * statement as the combination itself; combinations below k are dropped by the engine (never
 * nulled, never counted in the answer — see suppress.ts).
 *
 * For a keyed model (keyed-counts.ts) the combination is decided on the PERTURBED subject count:
 * `__rowsexact__<model>` counts, `__rowkeys__<model>` sums the distinct record keys of the same
 * subjects, and `__rows__<model>` is the count plus the noise of that cell key — so widening a
 * filter one person at a time no longer shows the exact point where a combination reaches k.
 */
import { MaatstafError } from '../core/errors.js';
import type { MetricQuery } from '../core/query.js';
import type { DataClassification } from '../definitions/governance/data-sensitivity.js';
import type { Definitions, EntityDef, MetricDef, SemanticModelDef, SimpleMetricDef } from '../definitions/model.js';
import { recordKeySql } from './cell-key.js';
import { hiddenName, perturbedCompanion } from './keyed-counts.js';

export const ROWS_PREFIX = '__rows__';

/** Output column name of the subject count of a personal model's rows. */
export const modelRowsMetricName = (model: string): string => hiddenName(ROWS_PREFIX, model);

/** The entity whose distinct values are the persons of a model: `meta.subject`, else the primary entity. */
export function modelSubject(model: SemanticModelDef): EntityDef | undefined {
  const named = model.meta.subject;
  if (typeof named === 'string' && named.trim() !== '') return model.entities.find((e) => e.name === named.trim().toLowerCase());
  return model.entities.find((e) => e.type === 'primary');
}

const sqlOf = (e: EntityDef['expr']): string => (e.column !== undefined ? `"${e.column.replace(/"/g, '""')}"` : `(${e.sql})`);

/** The hidden subject-count metric of a personal model; undefined when it has no subject or no time dimension. */
function rowsMetric(model: SemanticModelDef): SimpleMetricDef | undefined {
  const subject = modelSubject(model);
  const aggTime = model.defaultAggTimeDimension ?? model.dimensions.find((d) => d.type === 'time')?.name;
  if (!subject || !aggTime) return undefined;
  return {
    type: 'simple',
    name: modelRowsMetricName(model.name),
    filters: [],
    hidden: false,
    meta: {},
    loc: model.loc,
    aggregation: {
      semanticModel: model.name,
      agg: 'count_distinct',
      sourceAgg: 'count_distinct',
      expr: { sql: sqlOf(subject.expr) },
      useDiscretePercentile: false,
      aggTimeDimension: aggTime,
      joinToTimespine: false,
    },
  };
}

/** A keyed model's rows metric: exact count and key of the same subjects, and the perturbed count. */
function keyedRowsMetrics(model: SemanticModelDef, counted: SimpleMetricDef): MetricDef[] {
  const exact = { ...counted, name: hiddenName('__rowsexact__', model.name) };
  const key: SimpleMetricDef = {
    ...counted,
    name: hiddenName('__rowkeys__', model.name),
    aggregation: { ...counted.aggregation, agg: 'sum_distinct', expr: { sql: recordKeySql(sqlOf(modelSubject(model)!.expr)) } },
  };
  return [exact, key, perturbedCompanion(counted, counted.name, exact.name, key.name)];
}

/** The hidden rows metrics of every personal model that has a k (perturbed for `keyed` models). */
export function modelRowsMetrics(defs: Definitions, data: DataClassification, keyed: ReadonlySet<string>): MetricDef[] {
  return defs.semanticModels.flatMap((m) => {
    const c = data.models.get(m.name);
    if (c?.sensitivity !== 'personal' || c.k === undefined) return [];
    const metric = rowsMetric(m);
    if (!metric) return [];
    return keyed.has(m.name) ? keyedRowsMetrics(m, metric) : [metric];
  });
}

/** A hidden column whose value must be at least k for its row to be shown at all. */
export interface RowThreshold {
  readonly subjects: string;
  readonly k: number;
}

const refuse = (message: string, name?: string): MaatstafError =>
  new MaatstafError('PRIVACY_PROTECTED', message, name !== undefined ? { name } : {});

/**
 * The thresholds of a dimension-only query reading `models`, or undefined when it reads no
 * personal model. Throws PRIVACY_PROTECTED for shapes whose combinations cannot be counted per
 * subject (see the messages: each says what is allowed instead).
 */
export function dimensionOnlyThresholds(query: MetricQuery, models: readonly string[], defs: Definitions, data: DataClassification): RowThreshold[] | undefined {
  const personal = models.filter((m) => data.models.get(m)?.sensitivity === 'personal');
  if (personal.length === 0) return undefined;
  const thresholds = personal.map((name) => {
    const k = data.models.get(name)?.k;
    const model = defs.semanticModels.find((m) => m.name === name)!;
    if (k === undefined || !rowsMetric(model)) {
      throw refuse(`Semantic model '${name}' holds personal data without a minimum group size or subject; its values cannot be listed. Query a metric of it instead.`, name);
    }
    return { subjects: modelRowsMetricName(name), k };
  });
  // metric_time in a query without metrics is the time spine, not a time of the personal rows:
  // its combinations cannot be counted per subject. The model's own time dimension can.
  const spine = query.groupBy.find((g) => g === 'metric_time' || g.startsWith('metric_time__'));
  if (spine !== undefined || query.timeRange !== undefined) {
    const model = defs.semanticModels.find((m) => m.name === personal[0])!;
    const entity = model.entities.find((e) => e.type === 'primary')?.name ?? model.primaryEntity;
    const time = model.defaultAggTimeDimension;
    const example = entity && time ? ` (e.g. '${entity}__${time}__month')` : '';
    throw refuse(
      `A query without metrics over personal data (semantic model '${model.name}') cannot use metric_time or a time range: ` +
        `group by or filter on the model's own time dimension${example} instead.`,
      spine ?? 'timeRange',
    );
  }
  return thresholds;
}
