/**
 * How sensitive the DATA behind a query is, decided from the semantic models the query reads —
 * not from the metric names it asks for. A query without metrics (a list of dimension
 * combinations), a group-by or filter item of a personal model, or a dimension-value list reads
 * personal data just as much as a personal metric does. Pure; read once per loaded definitions.
 *
 * Rules (README "Privacy"):
 * - a metric's sensitivity is its `meta.sensitivity`, else `internal` (the access policy's default);
 * - a semantic model's sensitivity is its own `config.meta.sensitivity`, else the most sensitive of
 *   the simple metrics that aggregate it, else `public` (a model no metric reads is a dimension
 *   table such as districts; mark it yourself when it holds personal attributes);
 * - a query is as sensitive as the most sensitive of its metrics and of the PERSONAL models it
 *   reads (group-by and filter items included); a query without metrics, as the models it reads;
 * - a personal model's minimum group size `k` is its own `config.meta.min_group_size`, else the
 *   largest `min_group_size` of the metrics over it; its subject is the metrics' subject entity
 *   (`meta.subject`, else its primary entity, see subject.ts).
 */
import type { Definitions, MetricDef } from '../model.js';
import { GOVERNANCE_SENSITIVITIES } from './metric-meta.js';
import { effectiveMinGroupSizes, ownMinGroupSize } from './subject.js';

export type DataSensitivity = (typeof GOVERNANCE_SENSITIVITIES)[number];

const RANK: Readonly<Record<DataSensitivity, number>> = { public: 0, internal: 1, personal: 2 };

/** The more sensitive of two levels. */
export const moreSensitive = (a: DataSensitivity, b: DataSensitivity): DataSensitivity => (RANK[b] > RANK[a] ? b : a);

function declared(meta: Readonly<Record<string, unknown>>): DataSensitivity | undefined {
  const v = typeof meta.sensitivity === 'string' ? meta.sensitivity.trim().toLowerCase() : undefined;
  return GOVERNANCE_SENSITIVITIES.find((s) => s === v);
}

/** A metric's declared sensitivity; `internal` when it declares none (same default as the access policy). */
export const metricSensitivity = (def: MetricDef): DataSensitivity => declared(def.meta) ?? 'internal';

export interface ModelSensitivity {
  readonly sensitivity: DataSensitivity;
  /** The minimum group size that protects rows of this model, when it has one. */
  readonly k?: number;
}

export interface DataClassification {
  /** Per semantic model name. */
  readonly models: ReadonlyMap<string, ModelSensitivity>;
  /**
   * A query's level: the most sensitive of the metrics it asks for and of the personal models it
   * reads; a query without metrics takes the most sensitive of the models it reads.
   */
  classify(models: readonly string[], metrics: readonly string[]): DataSensitivity;
}

export function classifyData(defs: Definitions): DataClassification {
  const ks = effectiveMinGroupSizes(defs);
  const metricsByName = new Map(defs.metrics.map((m) => [m.name, m]));
  const models = new Map<string, ModelSensitivity>();
  for (const model of defs.semanticModels) {
    const simple = defs.metrics.filter((m) => m.type === 'simple' && m.aggregation.semanticModel === model.name);
    const fromMetrics = simple.reduce<DataSensitivity | undefined>((level, m) => moreSensitive(level ?? 'public', metricSensitivity(m)), undefined);
    const sensitivity = declared(model.meta) ?? fromMetrics ?? 'public';
    const own = typeof model.meta.min_group_size === 'number' ? ownMinGroupSize({ meta: model.meta } as MetricDef) : undefined;
    const fromKs = simple.reduce<number | undefined>((k, m) => (ks.has(m.name) ? Math.max(k ?? 0, ks.get(m.name)!) : k), undefined);
    const k = own ?? fromKs;
    models.set(model.name, { sensitivity, ...(k !== undefined ? { k } : {}) });
  }
  return {
    models,
    classify(read, metrics) {
      let level: DataSensitivity = 'public';
      for (const name of metrics) {
        const def = metricsByName.get(name);
        if (def) level = moreSensitive(level, metricSensitivity(def));
      }
      for (const name of read) {
        const model = models.get(name)?.sensitivity ?? 'public';
        // Rows of a personal model are personal whatever reads them. A metric's declared level
        // covers the other models it reads (`reports_received` is public though `reports` also
        // feeds an internal metric); without metrics, the rows are the models' own.
        if (model === 'personal' || metrics.length === 0) level = moreSensitive(level, model);
      }
      return level;
    },
  };
}
