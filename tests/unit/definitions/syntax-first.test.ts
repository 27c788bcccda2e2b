/**
 * A YAML syntax error is reported first, per file, and does not cascade: other files are not
 * blamed for what the broken file failed to define (issue 22). Their own mistakes still show.
 */
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/core/errors.js';
import { loadDefinitions } from '../../../src/definitions/load.js';
import { formatValidationReport } from '../../../src/cli/validate-output.js';
import { validateProject } from '../../../src/engine/validate/validate-project.js';
import type { Warehouse } from '../../../src/warehouse/warehouse.js';

const DIR = 'tests/fixtures/definitions/syntax-first';

/** Validation must stop before the warehouse when the definitions do not load. */
const noWarehouse = new Proxy({}, { get: () => { throw new Error('the warehouse was used'); } }) as Warehouse;

describe('YAML syntax errors', () => {
  it('come first, one per broken file, and no reference into a broken file is reported', async () => {
    const { definitions, issues } = await loadDefinitions(DIR);
    expect(definitions).toBeUndefined();
    const lines = issues.map((i) => formatIssue(i));
    expect(lines.slice(0, 2).map((l) => l.split(':')[0])).toEqual(['metrics/also-broken.yml', 'models/reports.yml']);
    expect(lines.slice(0, 2).every((l) => l.includes('YAML syntax error'))).toBe(true);
    expect(issues.slice(0, 2).every((i) => i.syntax === true)).toBe(true);
    // kpis.yml's own mistake is reported, after them…
    expect(lines.slice(2)).toEqual([expect.stringMatching(/^metrics\/kpis\.yml:8 metrics\[1\]\.name: invalid name 'Bad_Name'/)]);
    // …but not that reports_received (defined in the broken file) is unknown.
    expect(lines.some((l) => l.includes('unknown'))).toBe(false);
  });

  it('maatstaf validate: YAML_SYNTAX findings first, a summary line in words, the warehouse checks skipped', async () => {
    const report = await validateProject(DIR, noWarehouse);
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.code)).toEqual(['YAML_SYNTAX', 'YAML_SYNTAX', 'DEFINITION']);
    const text = formatValidationReport(report);
    const out = text.split('\n');
    expect(out[0]).toMatch(/^error {3}metrics\/also-broken\.yml:\d+: YAML syntax error: .* \[YAML_SYNTAX\]$/);
    expect(out[1]).toMatch(/^error {3}models\/reports\.yml:\d+: YAML syntax error: .* \[YAML_SYNTAX\]$/);
    expect(text).toContain('FAIL definitions  YAML syntax errors in 2 file(s); references across files not checked until they parse');
    expect(text).toContain('skip warehouse    not checked: the definitions did not load');
    expect(text).not.toMatch(/of 0 failed/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('invalid: 3 error(s), 0 warning(s)');
  });

  it('without syntax errors the summary counts errors and files', async () => {
    const report = await validateProject('tests/fixtures/definitions/mistakes', noWarehouse);
    const line = formatValidationReport(report).split('\n').find((l) => l.includes(' definitions '))!;
    expect(line).toMatch(/^FAIL definitions {2}\d+ error\(s\) in 4 file\(s\)$/);
  });
});
