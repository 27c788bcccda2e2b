/**
 * `validate --data` fan-out guard (issue 24): primary and unique entities must be unique in their
 * tables (per partition for partitioned snapshots) and SCD validity ranges must not overlap per
 * key; violations are errors at the entity's file:line naming the worst keys with their counts.
 * A fixture with violations and a clean one, on both engines; the real CLI exits 1 on PostgreSQL.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/engine/validate/findings.js';
import { validateProject } from '../../src/engine/validate/validate-project.js';
import { CLEAN, DIRTY } from '../fixtures/key-checks/seed.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const DEFS = resolve(import.meta.dirname, '../fixtures/key-checks/definitions');

const check = (r: ValidationReport, name: string) => r.checks.find((c) => c.name === name);

describe.each(ENGINES)('validate --data key checks on %s', (engine) => {
  let wh: TestWarehouse;
  const seed = async (statements: readonly string[]) => {
    for (const s of statements) await wh.query(s);
  };
  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
  });
  afterAll(async () => {
    await wh?.dispose();
  });

  it('reports repeated keys and overlapping validity ranges with counts at the entity definition', async () => {
    await seed(DIRTY);
    const report = await validateProject(DEFS, wh, { data: true });
    expect(report.ok).toBe(false);
    const errors = report.errors.map((e) => ({ at: `${e.file}:${e.line}`, code: e.code, message: e.message }));
    expect(errors).toEqual([
      {
        at: 'accounts.yml:9',
        code: 'KEY_NOT_UNIQUE',
        message:
          "primary entity 'account' of 'accounts' is not unique in kc_accounts: 2 of 4 keys are on more than one row (rows per key: 7 ×3, 3 ×2); joins through it multiply numbers",
      },
      {
        at: 'accounts.yml:10',
        code: 'KEY_NOT_UNIQUE',
        message:
          "unique entity 'email' of 'accounts' is not unique in kc_accounts: 1 of 8 keys are on more than one row (rows per key: a@example.nl ×2); joins through it multiply numbers",
      },
      {
        at: 'accounts.yml:21',
        code: 'KEY_NOT_UNIQUE',
        message:
          "primary entity 'account' of 'account_snapshots' is not unique per partition in kc_account_snapshots: 1 of 3 keys are on more than one row (rows per key: 1 / 2024-01-01 ×2); joins through it multiply numbers",
      },
      {
        at: 'accounts.yml:31',
        code: 'VALIDITY_OVERLAP',
        message:
          "validity ranges [valid_from, valid_to) of 'plan_history' overlap for 3 of 4 'account' keys in kc_plan_history (overlaps per key: 1 ×1, 3 ×1, 4 ×1); a time can match several rows of one key",
      },
    ]);
    expect(check(report, 'unique_key:accounts.account')).toMatchObject({ status: 'failed', checked: 4, failed: 2 });
    expect(check(report, 'validity_ranges:plan_history.account')).toMatchObject({ status: 'failed', checked: 4, failed: 3 });
    // Definitions and the rest of the warehouse checks are fine: only the data is wrong.
    expect(report.errors.every((e) => e.code === 'KEY_NOT_UNIQUE' || e.code === 'VALIDITY_OVERLAP')).toBe(true);
  });

  it('lists the worst keys first, at most ten, and says there are more', async () => {
    await seed(DIRTY);
    await wh.query(`INSERT INTO kc_accounts SELECT 100 + g / 2, NULL, DATE '2024-02-01' FROM generate_series(0, 23) AS g`);
    const report = await validateProject(DEFS, wh, { data: true });
    const message = report.errors.find((e) => e.line === 9)!.message;
    expect(message).toContain('14 of 16 keys are on more than one row (rows per key: 7 ×3, 3 ×2, 100 ×2, 101 ×2, 102 ×2, 103 ×2, 104 ×2, 105 ×2, 106 ×2, 107 ×2, …)');
  });

  it('passes the clean fixture, and does not read the data without --data', async () => {
    await seed(CLEAN);
    const report = await validateProject(DEFS, wh, { data: true });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.name.startsWith('unique_key:') || c.name.startsWith('validity_ranges:'))).toEqual([
      { name: 'unique_key:accounts.account', status: 'passed', checked: 4, failed: 0, detail: '4 keys, none repeated' },
      { name: 'unique_key:accounts.email', status: 'passed', checked: 3, failed: 0, detail: '3 keys, none repeated' },
      { name: 'unique_key:account_snapshots.account', status: 'passed', checked: 3, failed: 0, detail: '3 keys, none repeated' },
      { name: 'validity_ranges:plan_history.account', status: 'passed', checked: 2, failed: 0, detail: '2 keys, none overlapping' },
    ]);
    await seed(DIRTY);
    const withoutData = await validateProject(DEFS, wh);
    expect(withoutData.ok).toBe(true);
    expect(withoutData.checks.some((c) => c.name.startsWith('unique_key:'))).toBe(false);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('maatstaf validate --data key checks (real CLI, PostgreSQL)', () => {
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `cli_keys_${Date.now().toString(36)}`;
  const admin = async (statements: readonly string[]) => {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: url });
    await client.connect();
    try {
      for (const s of statements) await client.query(s);
    } finally {
      await client.end();
    }
  };
  afterAll(() => admin([`DROP SCHEMA IF EXISTS "${schema}" CASCADE`]));

  it('exits 1 with the offending keys at file:line, 0 on clean data', async () => {
    const env = cliEnv({ DATABASE_URL: url, MAATSTAF_SCHEMA: schema });
    await admin([`CREATE SCHEMA "${schema}"`, `SET search_path TO "${schema}"`, ...DIRTY]);
    const bad = await runCli(['validate', '--data', '--metrics', DEFS], env, 180_000);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`^error   ${DEFS}/accounts\\.yml:9 semantic_models\\[0\\]\\.entities\\[0\\]: primary entity 'account' of 'accounts' is not unique in (\\S+\\.)?kc_accounts: 2 of 4 keys .* \\[KEY_NOT_UNIQUE\\]$`, 'm'));
    expect(bad.stdout).toMatch(/^FAIL validity_ranges:plan_history\.account\s+3 of 4 keys: 1 ×1, 3 ×1, 4 ×1$/m);
    await admin([`SET search_path TO "${schema}"`, ...CLEAN]);
    const good = await runCli(['validate', '--data', '--metrics', DEFS], env, 180_000);
    expect(good.code, good.stdout + good.stderr).toBe(0);
  }, 400_000);
});
