/**
 * `maatstaf validate` as a function: the loader's schema and semantic checks, then the
 * definitions against the warehouse (relations, expressions, aggregation types, every metric
 * compiles and passes EXPLAIN), and optionally the data: declared data tests, unique keys and
 * non-overlapping SCD validity ranges.
 */
import { loadDefinitions } from '../../definitions/index.js';
import { buildSemanticGraph } from '../../semantic-graph/index.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { createEngine } from '../engine.js';
import { introspectTimeTypes } from '../introspect-time-types.js';
import { validateAggregations, validateRelations } from '../validate-warehouse.js';
import { runDataTests } from './data-tests.js';
import { runKeyChecks } from './key-checks.js';
import { buildReport, findingOfIssue, statusOf, type Finding, type PhaseResult, type ValidationCheck, type ValidationReport } from './findings.js';
import { validateMetrics } from './validate-metrics.js';

export interface ValidateOptions {
  /** Also check the data (reads it): the tests declared in `config.meta.data_tests`, key uniqueness, SCD ranges. */
  readonly data?: boolean;
}

export async function validateProject(metricsDir: string, wh: Warehouse, opts: ValidateOptions = {}): Promise<ValidationReport> {
  const loaded = await loadDefinitions(metricsDir);
  const errors = loaded.issues.filter((i) => i.severity === 'error').map(findingOfIssue);
  const warnings = loaded.issues.filter((i) => i.severity === 'warning').map(findingOfIssue);
  const definitionsPhase: PhaseResult = { errors, warnings, checks: [definitionsCheck(loaded.definitions?.metrics.length, errors, warnings.length)] };
  const defs = loaded.definitions;
  if (!defs) return buildReport([definitionsPhase, { errors: [], warnings: [], checks: [{ name: 'warehouse', status: 'skipped', checked: 0, failed: 0, detail: 'not checked: the definitions did not load' }] }]);

  const phases: PhaseResult[] = [definitionsPhase];
  const { phase: relations, readable } = await validateRelations(defs, wh);
  phases.push(relations, await validateAggregations(defs, wh, readable));
  const types = await introspectTimeTypes(defs, wh);
  const engine = createEngine({ graph: buildSemanticGraph(defs, { timeColumnTypes: types.lookup }), warehouse: wh });
  phases.push(await validateMetrics(engine, wh));
  if (opts.data) phases.push(await runDataTests(defs.semanticModels, wh, readable), await runKeyChecks(defs.semanticModels, wh, readable));
  return buildReport(phases);
}

/** The definitions check's line: what was checked and what failed, in words (files when nothing loaded). */
function definitionsCheck(metrics: number | undefined, errors: readonly Finding[], warnings: number): ValidationCheck {
  const syntaxFiles = new Set(errors.filter((e) => e.code === 'YAML_SYNTAX').map((e) => e.file)).size;
  const filesWithErrors = new Set(errors.map((e) => e.file)).size;
  const detail =
    syntaxFiles > 0
      ? `YAML syntax errors in ${syntaxFiles} file(s); references across files not checked until they parse`
      : errors.length > 0
        ? `${errors.length} error(s) in ${filesWithErrors} file(s)`
        : `${metrics ?? 0} metrics checked${warnings > 0 ? `, ${warnings} warning(s)` : ''}`;
  return { name: 'definitions', status: statusOf(errors.length, warnings), checked: metrics ?? 0, failed: errors.length, detail };
}
