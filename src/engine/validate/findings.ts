/**
 * The shape of a validation report (`maatstaf validate`, also `--json` for CI bots): every problem
 * with file:line, plus a list of the checks that ran. Stable: add fields, never rename.
 */
import type { DefinitionIssue } from '../../core/errors.js';
import type { SourceLocation } from '../../definitions/model.js';

export type FindingCode =
  | 'YAML_SYNTAX'
  | 'DEFINITION'
  | 'RELATION_MISSING'
  | 'EXPRESSION_INVALID'
  | 'AGGREGATION_TYPE'
  | 'METRIC_COMPILE'
  | 'METRIC_EXPLAIN'
  | 'DATA_TEST_FAILED'
  | 'DATA_TEST_INVALID'
  | 'KEY_NOT_UNIQUE'
  | 'VALIDITY_OVERLAP';

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly message: string;
  readonly code: FindingCode;
}

export type CheckStatus = 'passed' | 'failed' | 'warning' | 'skipped';

/** One check that ran: a phase (`relations`) or a single data test (`data_test:reports.x`). */
export interface ValidationCheck {
  readonly name: string;
  readonly status: CheckStatus;
  /** How many things the check looked at (relations, expressions, metrics, rows). */
  readonly checked: number;
  /** How many failed (for data tests: violating rows). */
  readonly failed: number;
  readonly detail?: string;
}

export interface ValidationReport {
  /** No errors (warnings allowed). */
  readonly ok: boolean;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly checks: readonly ValidationCheck[];
}

/** What one validation phase found. */
export interface PhaseResult {
  readonly errors: Finding[];
  readonly warnings: Finding[];
  readonly checks: ValidationCheck[];
}

export function emptyPhase(): PhaseResult {
  return { errors: [], warnings: [], checks: [] };
}

export function findingAt(loc: SourceLocation, code: FindingCode, message: string, sub = ''): Finding {
  return { file: loc.file, line: loc.line, path: sub ? `${loc.path}.${sub}` : loc.path, message, code };
}

export function findingOfIssue(issue: DefinitionIssue): Finding {
  return { file: issue.file, line: issue.line, path: issue.path, message: issue.message, code: issue.syntax ? 'YAML_SYNTAX' : 'DEFINITION' };
}

/** A check's status from its error and warning counts. */
export function statusOf(errors: number, warnings: number): CheckStatus {
  return errors > 0 ? 'failed' : warnings > 0 ? 'warning' : 'passed';
}

/** YAML syntax errors first (nothing else in that file was checked), then by file and line. */
const byLocation = (a: Finding, b: Finding) =>
  Number(b.code === 'YAML_SYNTAX') - Number(a.code === 'YAML_SYNTAX') || a.file.localeCompare(b.file) || a.line - b.line || a.path.localeCompare(b.path);

/** Merges phases into one report, findings ordered as byLocation. */
export function buildReport(phases: readonly PhaseResult[]): ValidationReport {
  const errors = phases.flatMap((p) => p.errors).sort(byLocation);
  const warnings = phases.flatMap((p) => p.warnings).sort(byLocation);
  return { ok: errors.length === 0, errors, warnings, checks: phases.flatMap((p) => p.checks) };
}
