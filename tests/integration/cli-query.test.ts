/** `maatstaf compile` and `maatstaf query` through the real CLI on a seeded embedded warehouse. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/open.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { testServer } from '../helpers/server.js';

describe('maatstaf compile / query (real CLI, embedded warehouse)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'maatstaf-query-'));
  const cli = (args: string[]) => runCli([...args, '--data-dir', dataDir], cliEnv(), 120_000);

  beforeAll(async () => {
    const seed = await runCli(['seed', '--data-dir', dataDir, '--scale', '0.02'], cliEnv(), 180_000);
    expect(seed.code, seed.stderr).toBe(0);
  }, 200_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  /** One row of hand-written SQL over the seeded embedded warehouse (closed again: one process at a time). */
  const readDemo = async (sql: string) => {
    const wh = await openWarehouse({ dataDir: join(dataDir, 'pgdata') });
    try {
      return (await wh.query<Record<string, unknown>>(sql)).rows[0]!;
    } finally {
      await wh.close();
    }
  };

  it('compile prints the SQL and its parameters', async () => {
    const r = await cli(['compile', '--metrics', 'reports_received', '--group-by', 'metric_time__month,report__category', '--start', '2024-01-01', '--end', '2024-03-31']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^(WITH|SELECT)\b/);
    expect(r.stdout).toContain('"public_space_reports"');
    expect(r.stdout).toMatch(/^-- \$1 = /m);
    const json = await cli(['compile', '--metrics', 'reports_received', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ sql: expect.stringMatching(/^(WITH|SELECT)\b/), params: expect.any(Array), columns: [{ name: 'reports_received' }] });
  });

  it('query --min-max-only and --no-apply-group-by answer like hand-written SQL (no metrics: --metrics "")', async () => {
    const mm = await cli(['query', '--metrics', '', '--group-by', 'report__category', '--min-max-only', '--format', 'json']);
    expect(mm.code, mm.stderr).toBe(0);
    const hand = await readDemo(`SELECT MIN(category) AS lo, MAX(category) AS hi, COUNT(*)::int AS n FROM public_space_reports`);
    expect(JSON.parse(mm.stdout).rows).toEqual([{ report__category__min: hand.lo, report__category__max: hand.hi }]);
    const all = await cli(['query', '--metrics', '', '--group-by', 'report__category', '--no-apply-group-by', '--format', 'csv']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trimEnd().split('\r\n')).toHaveLength(1 + (hand.n as number));
  });

  it('query prints an aligned table, CSV or JSON', async () => {
    const args = ['query', '--metrics', 'reports_received,reports_resolved', '--group-by', 'metric_time__year', '--order-by', 'metric_time__year'];
    const table = await cli(args);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('metric_time__year  reports_received  reports_resolved');
    expect(lines[1]).toBe('-----------------  ----------------  ----------------');
    expect(lines[2]).toMatch(/^2023-01-01 {10,}\d+ {2,}\d+$/);
    expect(lines.at(-1)).toMatch(/^\(\d+ rows\)$/);

    const csv = await cli([...args, '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe('metric_time__year,reports_received,reports_resolved');
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^2023-01-01,\d+,\d+$/);

    const json = await cli([...args, '--format', 'json', '--limit', '1']);
    const body = JSON.parse(json.stdout) as { rows: Record<string, unknown>[]; meta: { rowCount: number } };
    expect(body.rows).toEqual([{ metric_time__year: '2023-01-01', reports_received: expect.any(Number), reports_resolved: expect.any(Number) }]);
    expect(body.meta.rowCount).toBe(1);
  });

  it('--format csv and json are the API’s bytes for the same query (only the table rounds)', async () => {
    const query = { metrics: ['app_share', 'reports_received'], groupBy: ['metric_time__quarter', 'report__category'], orderBy: ['metric_time__quarter', 'report__category'] };
    const args = ['query', '--metrics', query.metrics.join(','), '--group-by', query.groupBy.join(','), '--order-by', query.orderBy.join(',')];
    const csv = await cli([...args, '--format', 'csv']);
    const json = await cli([...args, '--format', 'json']);
    const table = await cli(args);
    expect([csv.code, json.code, table.code], csv.stderr + json.stderr).toEqual([0, 0, 0]);
    // The same data folder served by the API (the CLI has exited: one process at a time).
    const wh = await openWarehouse({ dataDir: join(dataDir, 'pgdata') });
    const server = await testServer(wh, { config: { metricsDir: 'metrics' }, access: null });
    try {
      const apiCsv = await server.app.inject({ method: 'POST', url: '/v1/query?format=csv', payload: query });
      expect(apiCsv.statusCode, apiCsv.body).toBe(200);
      expect(csv.stdout).toBe(apiCsv.body);
      // Unrounded shares are in it (the table view shows at most 6 decimals).
      expect(csv.stdout).toMatch(/,0\.\d{7,},/);
      const apiJson = await server.app.inject({ method: 'POST', url: '/v1/query', payload: query });
      const { queryId, cache, ...apiMeta } = apiJson.json<{ meta: { queryId: string; cache: string } }>().meta;
      expect([queryId, cache]).toEqual([expect.any(String), expect.stringMatching(/^(hit|miss)$/)]);
      const cliBody = json.stdout.slice(0, -1);
      const cliMeta = (JSON.parse(cliBody) as { meta: { queryId: string } }).meta;
      // Byte for byte: the columns and rows part; the meta has the same fields in the same order, and
      // the same values apart from what is per run: the id, the time taken and the cache outcome, and
      // the SQL's hash (the API adds the anonymous row bound's LIMIT to the SQL).
      expect(cliBody.slice(0, cliBody.indexOf('"meta":'))).toBe(apiJson.body.slice(0, apiJson.body.indexOf('"meta":')));
      const perRun = { queryId: 'x', durationMs: 0, sqlHash: 'h' };
      const apiInOrder = { queryId: 'x', ...apiMeta };
      expect(JSON.stringify({ ...cliMeta, ...perRun })).toBe(JSON.stringify({ ...apiInOrder, ...perRun }));
    } finally {
      await server.close();
      await wh.close();
    }
  }, 200_000);

  it('prints the engine error code, message and suggestions, exit 1', async () => {
    const r = await cli(['query', '--metrics', 'reports_recieved']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      "maatstaf: UNKNOWN_METRIC: metrics[0]: unknown metric 'reports_recieved'.",
      '  did you mean: reports_received, reports_resolved, reports_received_ytd?',
    ]);
    const g = await cli(['compile', '--metrics', 'reports_received', '--group-by', 'report__colour']);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/^maatstaf: UNKNOWN_GROUP_BY: /);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['query', '--group-by', 'metric_time'])).code).toBe(2); // --metrics missing
    expect((await cli(['query', '--metrics', 'reports_received', '--limit', 'ten'])).code).toBe(2);
    const f = await cli(['query', '--metrics', 'reports_received', '--format', 'xml']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/Allowed choices are table, csv, json/);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('maatstaf query (real CLI, PostgreSQL)', () => {
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `cli_query_${Date.now().toString(36)}`;
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
  const auditSchema = `${schema}_audit`;
  afterAll(async () => {
    await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin(`DROP SCHEMA IF EXISTS "${auditSchema}" CASCADE`);
  });
  const auditRows = async () => {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ interface: string; caller_kind: string; metrics: string[]; outcome: string; row_count: number }>(
        `SELECT interface, caller_kind, metrics, outcome, row_count FROM "${auditSchema}".query_log ORDER BY id`,
      )).rows;
    } finally {
      await client.end();
    }
  };

  it('runs a query and prints the same table shape', async () => {
    await admin(`CREATE SCHEMA "${schema}"`);
    expect((await runCli(['seed', '--scale', '0.02'], env, 180_000)).code).toBe(0);
    const r = await runCli(['query', '--metrics', 'reports_received', '--group-by', 'metric_time__year', '--order-by', 'metric_time__year', '--format', 'csv'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\r\n').slice(0, 2)).toEqual(['metric_time__year,reports_received', expect.stringMatching(/^2023-01-01,\d+$/)]);
    const bad = await runCli(['compile', '--metrics', 'reports_received', '--where', "{{ Dimension('report__colour') }} = 'x'"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^maatstaf: [A-Z_]+: /);
  }, 300_000);

  it('records each read of personal data in the audit log (interface cli), in any spelling; public reads and MAATSTAF_AUDIT=false are not', async () => {
    const audited = { ...env, MAATSTAF_AUDIT_SCHEMA: auditSchema };
    const personal = await runCli(['query', '--metrics', ' BENEFIT_CASES_STARTED ', '--group-by', 'district__district_name', '--format', 'json'], audited);
    expect(personal.code, personal.stderr).toBe(0);
    const rows = (JSON.parse(personal.stdout) as { rows: unknown[] }).rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(await auditRows()).toEqual([{ interface: 'cli', caller_kind: 'cli', metrics: ['benefit_cases_started'], outcome: 'ok', row_count: rows.length }]);
    expect((await runCli(['query', '--metrics', 'reports_received'], audited)).code).toBe(0);
    expect((await runCli(['query', '--metrics', 'benefit_cases_started'], { ...audited, MAATSTAF_AUDIT: 'false' })).code).toBe(0);
    expect(await auditRows()).toHaveLength(1);
  }, 300_000);
});
