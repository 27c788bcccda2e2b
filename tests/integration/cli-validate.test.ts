/**
 * `maatstaf validate`: the demo catalog is valid against the demo warehouse (its deliberate data
 * flaws show up as data-test warnings with row counts); broken definitions are reported with
 * file:line and a stable code; the real CLI exits 0/1/2 and prints JSON for CI bots.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateWarehouse } from '../../src/demo/migrate.js';
import { seedDemo } from '../../src/demo/seed.js';
import type { ValidationReport } from '../../src/engine/validate/findings.js';
import { validateProject } from '../../src/engine/validate/validate-project.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const METRICS = resolve(import.meta.dirname, '../../metrics');

/** A temp copy of the demo catalog with text replacements applied to one file. */
function brokenCopy(file: string, edits: readonly [string, string][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'maatstaf-defs-'));
  cpSync(METRICS, dir, { recursive: true });
  let text = readFileSync(join(dir, file), 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`edit target not found: ${from}`);
    text = text.replace(from, to);
  }
  writeFileSync(join(dir, file), text);
  return dir;
}

const codes = (r: ValidationReport) => r.errors.map((e) => e.code);

describe.each(ENGINES)('validateProject on %s', (engine) => {
  let wh: TestWarehouse;
  const dirs: string[] = [];
  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
    await migrateWarehouse(wh);
    await seedDemo(wh, { scale: 0.02 });
  }, 180_000);
  afterAll(async () => {
    await wh?.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('finds the demo catalog valid, and reports the deliberate data flaws with row counts', async () => {
    const report = await validateProject(METRICS, wh, { data: true });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    const names = report.checks.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['definitions', 'relations', 'expressions', 'aggregation_types', 'metrics_compile', 'metrics_explain']));
    const resolved = report.checks.find((c) => c.name === 'data_test:reports.resolved_after_received')!;
    expect(resolved).toMatchObject({ status: 'warning', failed: 20 });
    const district = report.checks.find((c) => c.name === 'data_test:reports.district_known')!;
    expect(district.status).toBe('warning');
    expect(district.failed / district.checked).toBeGreaterThan(0);
    expect(district.failed / district.checked).toBeLessThan(0.02);
    expect(report.warnings.filter((w) => w.code === 'DATA_TEST_FAILED').map((w) => `${w.file}:${w.line}`)).toEqual([
      'openbare_ruimte/reports.yml:3',
      'openbare_ruimte/reports.yml:3',
    ]);
    // Without --data no data is read.
    const quick = await validateProject(METRICS, wh);
    expect(quick.checks.some((c) => c.name.startsWith('data_test:'))).toBe(false);
  });

  it('reports missing tables and columns, non-numeric aggregations and failing data tests with file:line', async () => {
    const dir = brokenCopy('openbare_ruimte/reports.yml', [
      ['        expr: reporter_pseudonym', '        expr: reporter_alias'],
      ['      - name: resolution_hours\n        label: Doorlooptijd (uren)\n        description: Uren tussen ontvangst en afhandeling; alleen afgehandelde meldingen.\n        agg: average\n        expr: "CASE WHEN resolved_at >= received_at THEN EXTRACT(EPOCH FROM (resolved_at - received_at)) / 3600.0 END"',
        '      - name: resolution_hours\n        label: Doorlooptijd (uren)\n        description: Uren tussen ontvangst en afhandeling; alleen afgehandelde meldingen.\n        agg: average\n        expr: category'],
      ['            severity: warning\n          - name: district_known', '          - name: district_known'],
    ]);
    dirs.push(dir);
    const geo = join(dir, 'shared/geography.yml');
    writeFileSync(geo, readFileSync(geo, 'utf8').replace("model: ref('neighbourhoods')", "model: ref('neighbourhoodz')"));

    const report = await validateProject(dir, wh, { data: true });
    expect(report.ok).toBe(false);
    expect(codes(report).sort()).toEqual(['AGGREGATION_TYPE', 'DATA_TEST_FAILED', 'EXPRESSION_INVALID', 'EXPRESSION_INVALID', 'METRIC_EXPLAIN', 'METRIC_EXPLAIN', 'RELATION_MISSING']);
    const byCode = (c: string) => report.errors.filter((e) => e.code === c);
    expect(byCode('RELATION_MISSING')[0]).toMatchObject({ file: 'shared/geography.yml', line: 19, path: 'semantic_models[1].model' });
    expect(byCode('RELATION_MISSING')[0]!.message).toMatch(/neighbourhoodz/);
    expect(byCode('AGGREGATION_TYPE')[0]!.message).toMatch(/measure 'resolution_hours': average needs a numeric expression, but category is text/);
    expect(byCode('EXPRESSION_INVALID').map((e) => e.message).join('\n')).toMatch(/reporter_alias/);
    expect(byCode('DATA_TEST_FAILED')[0]!.message).toMatch(/data test 'resolved_after_received' on 'reports': 20 of \d+ rows violate it/);
  });

  it('stops after the loader when definitions do not load (governance errors included)', async () => {
    const dir = brokenCopy('kcc/satisfaction.yml', [['        status: certified\n        version: 1\n        unit: cijfer', '        status: approved\n        version: 1\n        unit: cijfer']]);
    dirs.push(dir);
    const report = await validateProject(dir, wh);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      {
        file: 'kcc/satisfaction.yml',
        line: 51,
        path: 'metrics[0].config.meta.status',
        message: "status must be one of draft | certified | deprecated, got 'approved'",
        code: 'DEFINITION',
      },
    ]);
    expect(report.checks.map((c) => c.name)).toEqual(['definitions', 'warehouse']);
  });
});

describe('maatstaf validate (real CLI, embedded warehouse)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'maatstaf-validate-'));
  const broken = brokenCopy('burgerzaken/documents.yml', [['        expr: counter_wait_minutes', '        expr: counter_wait_minutez']]);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(broken, { recursive: true, force: true });
  });

  it('says to seed first when there is no embedded warehouse', async () => {
    const r = await runCli(['validate', '--data-dir', join(dataDir, 'none')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`maatstaf: no embedded warehouse in ${join(dataDir, 'none')}: run 'maatstaf seed' first, or pass --database-url`);
  });

  it('rejects an unknown flag with exit code 2', async () => {
    const r = await runCli(['validate', '--dat']);
    expect(r.code).toBe(2);
  });

  it('exits 0 on the demo (JSON for CI) and 1 with file:line on a broken catalog', async () => {
    const seed = await runCli(['seed', '--data-dir', dataDir, '--scale', '0.02'], cliEnv(), 180_000);
    expect(seed.code, seed.stderr).toBe(0);

    const ok = await runCli(['validate', '--data-dir', dataDir, '--json', '--data'], cliEnv(), 180_000);
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout) as ValidationReport;
    expect(Object.keys(report)).toEqual(['ok', 'errors', 'warnings', 'checks']);
    expect(report.ok).toBe(true);
    expect(report.warnings.find((w) => w.code === 'DATA_TEST_FAILED')).toMatchObject({ file: 'metrics/openbare_ruimte/reports.yml', line: 3 });

    const bad = await runCli(['validate', '--data-dir', dataDir, '--metrics', broken], cliEnv(), 180_000);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`^error   ${broken}/burgerzaken/documents\\.yml:\\d+ semantic_models\\[0\\]\\.measures\\[2\\]: measure 'counter_wait_minutes' of 'document_applications': expr counter_wait_minutez cannot be selected`, 'm'));
    expect(bad.stdout).toMatch(/^FAIL expressions\s+1 of \d+ failed$/m);
    expect(bad.stdout).toMatch(/^invalid: \d+ error\(s\)/m);
  }, 400_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('maatstaf validate (real CLI, PostgreSQL)', () => {
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `cli_validate_${Date.now().toString(36)}`;
  const env = cliEnv({ DATABASE_URL: url, MAATSTAF_SCHEMA: schema });
  const admin = async (sql: string) => {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  afterAll(() => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));

  it('validates the demo on a migrated and seeded schema', async () => {
    await admin(`CREATE SCHEMA "${schema}"`);
    expect((await runCli(['migrate'], env)).code).toBe(0);
    expect((await runCli(['seed', '--scale', '0.02'], env, 180_000)).code).toBe(0);
    const r = await runCli(['validate', '--data'], env, 180_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^warn data_test:reports\.resolved_after_received\s+20 of \d+ rows violate it/m);
    expect(r.stdout).toMatch(/^valid: 0 error\(s\)/m);
  }, 300_000);
});
