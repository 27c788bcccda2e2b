/** Human-readable `maatstaf validate` output: findings with file:line, then one line per check. */
import { join } from 'node:path';
import { isManifestPath } from '../definitions/index.js';
import type { Finding, ValidationCheck, ValidationReport } from '../engine/validate/findings.js';

/** File paths relative to the working directory (the loader's are relative to the metrics folder). */
export function withFolder(report: ValidationReport, metricsDir: string): ValidationReport {
  // A semantic_manifest.json's findings already name the manifest by the path given.
  if (isManifestPath(metricsDir)) return report;
  const fix = (f: Finding): Finding => ({ ...f, file: join(metricsDir, f.file).replaceAll('\\', '/') });
  return { ...report, errors: report.errors.map(fix), warnings: report.warnings.map(fix) };
}

const MARK: Record<ValidationCheck['status'], string> = { passed: 'ok  ', failed: 'FAIL', warning: 'warn', skipped: 'skip' };

function finding(kind: string, f: Finding): string {
  const path = f.path ? ` ${f.path}` : '';
  return `${kind} ${f.file}:${f.line}${path}: ${f.message} [${f.code}]`;
}

export function formatValidationReport(report: ValidationReport): string {
  const lines: string[] = [];
  for (const f of report.errors) lines.push(finding('error  ', f));
  for (const f of report.warnings) lines.push(finding('warning', f));
  if (lines.length > 0) lines.push('');
  const width = Math.max(0, ...report.checks.map((c) => c.name.length));
  for (const c of report.checks) {
    const detail = c.detail ?? (c.failed > 0 ? `${c.failed} of ${c.checked} failed` : `${c.checked} checked`);
    lines.push(`${MARK[c.status]} ${c.name.padEnd(width)}  ${detail}`);
  }
  const summary = `${report.errors.length} error(s), ${report.warnings.length} warning(s)`;
  lines.push('', report.ok ? `valid: ${summary}` : `invalid: ${summary}`);
  return `${lines.join('\n')}\n`;
}
