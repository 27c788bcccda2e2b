/** `maatstaf diff`: added/removed/changed metrics and whether their results may change. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiff, graphOfFolder } from '../../../src/cli/diff.command.js';
import { changedFields, diffDefinitions } from '../../../src/engine/definitions-diff.js';
import { runCli } from '../../helpers/cli.js';

const METRICS = resolve(import.meta.dirname, '../../../metrics');

function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`not found in ${file}: ${from}`);
  writeFileSync(path, text.replace(from, to));
}

describe('definitions diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maatstaf-diff-'));
  cpSync(METRICS, dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Metadata only: owner and label.
  edit(dir, 'openbare_ruimte/reports.yml', '        steward: Team Meldingen\n        status: certified\n        version: 1\n        unit: meldingen\n        format: "0"\n        sensitivity: public\n        refresh: daily\n        definition: Alle meldingen', '        steward: Team Data\n        status: certified\n        version: 1\n        unit: meldingen\n        format: "0"\n        sensitivity: public\n        refresh: daily\n        definition: Alle meldingen');
  // A filter: results change.
  edit(dir, 'openbare_ruimte/reports.yml', "= 'urgent'", "= 'high'");
  // A measure expression under a derived metric: the simple metric and, upstream, the derived one.
  edit(dir, 'openbare_ruimte/reports.yml', '      - name: median_resolution_hours_measure\n        label: Mediane doorlooptijd (uren)\n        agg: median\n        expr: "CASE WHEN resolved_at >= received_at', '      - name: median_resolution_hours_measure\n        label: Mediane doorlooptijd (uren)\n        agg: median\n        expr: "CASE WHEN resolved_at > received_at');
  // Removed and added metrics.
  const reports = readFileSync(join(dir, 'openbare_ruimte/reports.yml'), 'utf8');
  const start = reports.indexOf('  - name: reporting_residents\n    label: Unieke melders');
  writeFileSync(join(dir, 'openbare_ruimte/reports.yml'), reports.slice(0, start) + reports.slice(reports.indexOf('saved_queries:')));
  writeFileSync(join(dir, 'extra.yml'), 'metrics:\n  - {name: reports_total, type: simple, type_params: {measure: reports_received}}\n');

  it('lists added, removed and changed metrics with the fields and the verdict', async () => {
    const diff = diffDefinitions(await graphOfFolder(METRICS), await graphOfFolder(dir));
    expect(diff.added).toEqual(['reports_total']);
    expect(diff.removed).toEqual(['reporting_residents']);
    expect(diff.changed.map((c) => [c.name, c.fields, c.verdict])).toEqual([
      ['median_resolution_days', ['upstream'], 'results_may_change'],
      ['median_resolution_hours', ['aggregation.expr'], 'results_may_change'],
      ['reports_received', ['meta.steward'], 'results_unchanged'],
      ['urgent_reports_received', ['filters'], 'results_may_change'],
    ]);
    expect(diff.changed[0]!.query).toEqual({ metrics: ['median_resolution_days'], groupBy: ['metric_time__month'] });
    expect(diff.unchanged).toContain('app_share');
    const text = formatDiff(diff);
    expect(text).toContain('+ reports_total (added)\n- reporting_residents (removed)\n');
    expect(text).toContain('~ reports_received: results unchanged (metadata only)\n    changed: meta.steward\n');
    expect(text).toContain('~ urgent_reports_received: results may change\n    changed: filters\n');
    expect(text).toMatch(/1 added, 1 removed, 4 changed \(3 with results that may change\), \d+ unchanged\n$/);
  });

  it('reports no changes for the same folder', async () => {
    const g = await graphOfFolder(METRICS);
    const diff = diffDefinitions(g, g);
    expect(diff.changed).toEqual([]);
    expect(formatDiff(diff)).toMatch(/^no metric changes\n/);
  });

  it('names nested changed fields', () => {
    expect(changedFields({ a: 1, m: { x: 1, y: 2 }, l: [1] }, { a: 1, m: { x: 1, y: 3 }, l: [2], n: 'new' })).toEqual(['l', 'm.y', 'n']);
  });

  it('runs as a command: exit 0, text or JSON; exit 2 without both folders', async () => {
    const r = await runCli(['diff', METRICS, dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { added: string[]; changed: { name: string; verdict: string }[] };
    expect(json.added).toEqual(['reports_total']);
    expect(json.changed.find((c) => c.name === 'reports_received')?.verdict).toBe('results_unchanged');
    const text = await runCli(['diff', METRICS, dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('~ median_resolution_days: results may change');
    expect((await runCli(['diff', METRICS])).code).toBe(2);
    const missing = await runCli(['diff', METRICS, join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`maatstaf: definitions folder not found: ${join(dir, 'nope')}`);
  }, 60_000);
});
