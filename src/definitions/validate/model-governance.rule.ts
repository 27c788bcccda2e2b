/**
 * Governance of semantic models and dimensions (maatstaf extension). Everything here is a warning:
 * a plain dbt project must keep loading, and most checks only apply once a project uses governance
 * metadata (some metric has `meta.status`).
 *
 * - A model that a certified metric reads needs a description (what is one row?).
 * - In a governed project every dimension needs a label: the catalog, Swagger UI and GraphiQL show
 *   labels to people who do not know the column names.
 * - A certified metric should not build on draft or deprecated metrics.
 * - Model meta `owner` / `sensitivity` must be well-formed, and a metric marked less sensitive than
 *   a model it reads is flagged (e.g. a public metric over personal data).
 */
import { GOVERNANCE_SENSITIVITIES } from '../governance/metric-meta.js';
import { modelsReadBy, upstreamMetrics } from '../governance/metric-sources.js';
import { elementIndex } from '../spec-set.js';
import type { Rule } from './context.js';

type Meta = Readonly<Record<string, unknown>>;
const metaOf = (spec: { meta?: Meta | undefined; config?: { meta?: Meta | undefined } | undefined }): Meta => ({ ...spec.meta, ...spec.config?.meta });
const metaKeyPath = (spec: { config?: { meta?: Meta | undefined } | undefined }, key: string) =>
  spec.config?.meta !== undefined && key in spec.config.meta ? `config.meta.${key}` : `meta.${key}`;

const SENSITIVITY_RANK: Readonly<Record<string, number>> = { public: 0, internal: 1, personal: 2 };

export const modelGovernanceRule: Rule = (ctx) => {
  const { index } = ctx;
  const statusOf = (name: string): unknown => {
    const m = index.metrics.get(name);
    return m ? metaOf(m.spec).status : undefined;
  };
  const governed = [...index.metrics.values()].some(({ spec }) => metaOf(spec).status !== undefined);

  // Models: meta well-formed.
  for (const { spec, loc } of index.specs.semanticModels) {
    const meta = metaOf(spec);
    if (meta.owner !== undefined && !(typeof meta.owner === 'string' && meta.owner.trim() !== '')) {
      ctx.warning(loc, metaKeyPath(spec, 'owner'), 'owner must be non-empty text (the department responsible for this data)');
    }
    if (meta.sensitivity !== undefined && !(GOVERNANCE_SENSITIVITIES as readonly unknown[]).includes(meta.sensitivity)) {
      ctx.warning(loc, metaKeyPath(spec, 'sensitivity'), `sensitivity must be one of ${GOVERNANCE_SENSITIVITIES.join(' | ')}`);
    }
  }

  // Certified metrics: their models described, their inputs certified, their sensitivity at least the data's.
  const undescribed = new Map<string, string>();
  for (const [name, { spec, loc }] of index.metrics) {
    const meta = metaOf(spec);
    const models = [...modelsReadBy(index, name)];
    for (const modelName of models) {
      const model = index.models.get(modelName);
      if (!model) continue;
      const modelSensitivity = metaOf(model.spec).sensitivity;
      const metricSensitivity = meta.sensitivity;
      if (
        typeof modelSensitivity === 'string' && typeof metricSensitivity === 'string' &&
        (SENSITIVITY_RANK[metricSensitivity] ?? 0) < (SENSITIVITY_RANK[modelSensitivity] ?? 0)
      ) {
        ctx.warning(loc, metaKeyPath(spec, 'sensitivity'), `metric is '${metricSensitivity}' but reads semantic model '${modelName}', which is '${modelSensitivity}'`);
      }
    }
    if (meta.status !== 'certified') continue;
    for (const modelName of models) if (!undescribed.has(modelName)) undescribed.set(modelName, name);
    for (const input of upstreamMetrics(index, name)) {
      const status = statusOf(input);
      if (status === 'draft' || status === 'deprecated') {
        ctx.warning(loc, metaKeyPath(spec, 'status'), `certified metric builds on metric '${input}', which is ${status}`);
      }
    }
  }
  for (const [modelName, metric] of undescribed) {
    const model = index.models.get(modelName);
    if (model && (model.spec.description ?? '').trim() === '') {
      ctx.warning(model.loc, 'description', `semantic model '${modelName}' feeds certified metric '${metric}' but has no description: say what one row is`);
    }
  }

  // Dimensions: labels, once the project uses governance metadata.
  if (!governed) return;
  for (const { spec, loc } of index.specs.semanticModels) {
    spec.dimensions?.forEach((d, i) => {
      if ((d.label ?? '').trim() === '') {
        ctx.warning(loc, `dimensions[${elementIndex(d, i)}]`, `dimension '${d.name}' has no label: the catalog and the APIs show its name instead (set label:)`);
      }
    });
  }
};
