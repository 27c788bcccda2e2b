/**
 * Governance metadata (maatstaf extension): the known keys of each metric's meta are checked
 * (owner, status, sensitivity, …; see governance/metric-meta.ts), and `data_tests` declared on
 * semantic models must be well-formed. Unknown meta keys stay allowed.
 */
import { checkMetricMeta } from '../governance/metric-meta.js';
import { readDataTests } from '../governance/data-tests.js';
import type { Rule } from './context.js';

type MetaCarrier = { readonly meta?: Record<string, unknown> | undefined; readonly config?: { readonly meta?: Record<string, unknown> | undefined } | undefined };

/** Where a meta key was written: `config.meta.<key>` wins over top-level `meta.<key>` (as in normalisation). */
function metaPath(spec: MetaCarrier, key: string | undefined): string {
  const inConfig = spec.config?.meta !== undefined && (key === undefined || key in spec.config.meta);
  if (key === undefined) return inConfig ? 'config.meta' : spec.meta !== undefined ? 'meta' : '';
  return inConfig ? `config.meta.${key}` : `meta.${key}`;
}

export const governanceRule: Rule = (ctx) => {
  const { specs, metricNames } = ctx.index;
  for (const { spec, loc } of specs.metrics) {
    const meta = { ...spec.meta, ...spec.config?.meta };
    for (const p of checkMetricMeta(meta, { name: spec.name, metricNames })) {
      const sub = metaPath(spec, p.key);
      if (p.severity === 'error') ctx.error(loc, sub, p.message);
      else ctx.warning(loc, sub, p.message);
    }
  }
  for (const { spec, loc } of specs.semanticModels) {
    const meta = { ...spec.meta, ...spec.config?.meta };
    const { problems } = readDataTests(meta.data_tests);
    const base = metaPath(spec, 'data_tests');
    for (const p of problems) ctx.error(loc, p.index === undefined ? base : `${base}[${p.index}]`, p.message);
  }
};
