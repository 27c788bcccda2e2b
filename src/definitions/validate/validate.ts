/** Runs every validation rule (spec section 2) over the schema-checked specs. */
import type { IssueLog } from '../source/issue-log.js';
import type { SourceMap } from '../source/source-map.js';
import type { SpecIndex } from '../spec-index.js';
import { makeRuleContext, type Rule } from './context.js';
import { conversionRule } from './conversion.rule.js';
import { cumulativeRule } from './cumulative.rule.js';
import { cyclesRule } from './cycles.rule.js';
import { derivedRatioRule } from './derived-ratio.rule.js';
import { elementConsistencyRule } from './consistency.rule.js';
import { filtersRule } from './filters.rule.js';
import { governanceRule } from './governance.rule.js';
import { labelsRule } from './labels.rule.js';
import { measuresRule } from './measures.rule.js';
import { metricParamsRule } from './metric-params.rule.js';
import { modelGovernanceRule } from './model-governance.rule.js';
import { reservedNamesRule } from './names.rule.js';
import { savedQueriesRule } from './saved-queries.rule.js';
import { semanticModelsRule } from './semantic-models.rule.js';
import { nonEmptyRule, timeSpinesRule } from './time-spines.rule.js';
import { uniqueNamesRule } from './uniqueness.rule.js';

export const RULES: readonly Rule[] = [
  nonEmptyRule,
  reservedNamesRule,
  uniqueNamesRule,
  elementConsistencyRule,
  labelsRule,
  semanticModelsRule,
  measuresRule,
  metricParamsRule,
  cumulativeRule,
  derivedRatioRule,
  conversionRule,
  cyclesRule,
  filtersRule,
  savedQueriesRule,
  timeSpinesRule,
  governanceRule,
  modelGovernanceRule,
];

export function validateSpecs(index: SpecIndex, log: IssueLog, sources: SourceMap): void {
  const ctx = makeRuleContext(index, log, sources);
  for (const rule of RULES) rule(ctx);
}
