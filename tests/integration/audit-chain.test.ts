/**
 * Tamper evidence and retention of the audit table, on both engines: the hash chain holds under
 * concurrent appends (two "replicas" on PostgreSQL), a changed or removed entry is found with its
 * id, a prune leaves a signed summary the chain continues from, and the CLI reports all of it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery } from 'kysely';
import { Migrator } from 'kysely/migration';
import * as m0001 from '../../migrations/audit/0001_query_log.js';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { GENESIS, signSummary } from '../../src/audit/chain.js';
import { pruneAuditLog, verifyAuditLog } from '../../src/audit/retention.js';
import { appendStatement, createSqlAuditStore, migrateAuditStore, prepareRow, type AuditStore } from '../../src/audit/store.js';
import type { AuditEntryInput } from '../../src/audit/types.js';
import { openWarehouse } from '../../src/warehouse/open.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { auditEntry } from '../helpers/audit-entry.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const KEY = 'k'.repeat(40);
const PG_URL = process.env.TEST_DATABASE_URL;

// A fractional number in the query: its text must read back the same from jsonb for the hash to hold.
const entry = (requestId: string, over: Partial<AuditEntryInput> = {}): AuditEntryInput =>
  auditEntry({ requestId, query: { metrics: ['benefit_cases_started'], groupBy: ['metric_time__month'], limit: 10.5 }, ...over });

/** What a database superuser can do: switch the append-only trigger off around a change. */
async function asSuperuser(wh: Warehouse, schema: string, statement: string, params: unknown[] = []): Promise<void> {
  await wh.db.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw(`ALTER TABLE "${schema}".query_log DISABLE TRIGGER query_log_no_change`));
    await trx.executeQuery(CompiledQuery.raw(statement, params));
    await trx.executeQuery(CompiledQuery.raw(`ALTER TABLE "${schema}".query_log ENABLE TRIGGER query_log_no_change`));
  });
}

/** A fresh audit schema with `n` entries written at the given times (ids 1…n). */
async function seeded(wh: Warehouse, n: number, at: (i: number) => Date = () => new Date(), schema = `chain_${randomBytes(4).toString('hex')}`): Promise<{ schema: string; store: AuditStore; ids: number[] }> {
  await migrateAuditStore(wh, schema);
  const store = createSqlAuditStore(wh, schema);
  for (let i = 0; i < n; i++) await store.insert([{ at: at(i), entry: entry(`e${i}`) }]);
  const { rows } = await wh.query<{ id: number }>(`SELECT id FROM "${schema}".query_log ORDER BY id`);
  return { schema, store, ids: rows.map((r) => Number(r.id)) };
}

describe.each(ENGINES)('audit hash chain on %s', (engine) => {
  let wh: TestWarehouse;
  const schemas: string[] = [];
  const fresh = async (n: number, at?: (i: number) => Date) => {
    const s = await seeded(wh, n, at);
    schemas.push(s.schema);
    return s;
  };

  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
  });
  afterAll(async () => {
    if (engine === 'postgres') for (const s of schemas) await wh.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await wh.dispose();
  });

  it('holds after 300 concurrent appends through two audit logs (on PostgreSQL: two connection pools, like two replicas)', async () => {
    const { schema, store } = await fresh(0);
    const other = engine === 'postgres' ? await openWarehouse({ databaseUrl: PG_URL, poolSize: 4 }) : undefined;
    try {
      const logs = [createAuditLog({ store, maxBatch: 7 }), createAuditLog({ store: other ? createSqlAuditStore(other, schema) : store, maxBatch: 5 })];
      // Direct inserts too, so transactions really contend instead of queueing in one log.
      const direct = other ? createSqlAuditStore(other, schema) : store;
      await Promise.all([
        ...Array.from({ length: 250 }, (_, i) => logs[i % 2]!.record(entry(`c${i}`, { callerId: `caller-${i % 7}` }))),
        ...Array.from({ length: 50 }, (_, i) => direct.insert([{ at: new Date(), entry: entry(`d${i}`) }])),
      ]);
    } finally {
      await other?.close();
    }
    const report = await verifyAuditLog(wh, schema);
    expect(report).toMatchObject({ ok: true, entries: 300 });
    // Checked by hand as well: every entry links to the one before it, the first to the genesis hash.
    const { rows } = await wh.query<{ id: number; prev_hash: string; hash: string }>(`SELECT id, prev_hash, hash FROM "${schema}".query_log ORDER BY id`);
    expect(rows).toHaveLength(300);
    expect(rows[0]!.prev_hash).toBe(GENESIS);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(300);
    expect(report.head).toEqual({ id: Number(rows.at(-1)!.id), hash: rows.at(-1)!.hash });
  }, 60_000);

  it('finds an entry changed by a superuser (trigger disabled), with its id', async () => {
    const { schema, ids } = await fresh(6);
    expect((await verifyAuditLog(wh, schema)).ok).toBe(true);
    await asSuperuser(wh, schema, `UPDATE "${schema}".query_log SET query = jsonb_set(query, '{where}', '["1 = 1"]') WHERE id = $1`, [ids[3]]);
    const report = await verifyAuditLog(wh, schema);
    expect(report.ok).toBe(false);
    expect(report.broken).toEqual({ id: ids[3], reason: 'its content does not match its hash: the entry was changed' });
  });

  it('finds a changed entry whose hash was recomputed too: at the next entry', async () => {
    const { schema, ids } = await fresh(4);
    await asSuperuser(wh, schema, `UPDATE "${schema}".query_log SET caller_id = 'someone-else', hash = repeat('a', 64) WHERE id = $1`, [ids[1]]);
    expect((await verifyAuditLog(wh, schema)).broken?.id).toBe(ids[1]);
  });

  it('finds a removed middle entry at the entry after it, and removed oldest entries at the first one kept', async () => {
    const { schema, ids } = await fresh(5);
    await asSuperuser(wh, schema, `DELETE FROM "${schema}".query_log WHERE id = $1`, [ids[2]]);
    const report = await verifyAuditLog(wh, schema);
    expect(report.broken?.id).toBe(ids[3]);
    expect(report.broken?.reason).toMatch(new RegExp(`not the hash of entry #${ids[1]}`));

    const second = await fresh(4);
    await asSuperuser(wh, second.schema, `DELETE FROM "${second.schema}".query_log WHERE id <= $1`, [second.ids[1]]);
    expect((await verifyAuditLog(wh, second.schema)).broken).toEqual({ id: second.ids[2], reason: 'the chain starts after removed entries, and no prune summary accounts for them' });
  });

  it('prunes in one transaction with progress, leaves a signed summary, and still verifies', async () => {
    const day = (d: number) => new Date(Date.UTC(2025, 0, d, 12));
    const { schema, ids } = await fresh(9, (i) => day(i + 1));
    const progress: [number, number][] = [];
    const result = await pruneAuditLog(wh, schema, { before: day(6), key: KEY, chunk: 2, onProgress: (d, t) => progress.push([d, t]) });
    expect(result.status).toBe('pruned');
    if (result.status !== 'pruned') return;
    expect(progress).toEqual([[2, 5], [4, 5], [5, 5]]);
    expect(result.summary).toMatchObject({ entries: 5, firstId: ids[0], lastId: ids[4], from: day(1).toISOString(), to: day(5).toISOString(), before: day(6).toISOString() });
    const { rows } = await wh.query<{ id: number; kind: string; prev_hash: string; hash: string }>(`SELECT id, kind, prev_hash, hash FROM "${schema}".query_log ORDER BY id`);
    expect(rows.map((r) => [Number(r.id), r.kind])).toEqual([...ids.slice(5).map((id) => [id, 'query']), [result.summaryId, 'pruned']]);
    expect(rows[0]!.prev_hash).toBe(result.summary.lastHash);
    const report = await verifyAuditLog(wh, schema, { key: KEY });
    expect(report).toMatchObject({ ok: true, entries: 5, prunedBy: result.summaryId });
    // Without the key the summary's signature cannot be checked: not reported as intact.
    expect(await verifyAuditLog(wh, schema)).toMatchObject({ ok: false, problem: expect.stringMatching(/MAATSTAF_AUDIT_SIGNING_KEY/) });
    // New entries continue the chain after the summary; a later removal without prune is found.
    await createSqlAuditStore(wh, schema).insert([{ at: new Date(), entry: entry('after-prune') }]);
    expect((await verifyAuditLog(wh, schema, { key: KEY })).ok).toBe(true);
    await asSuperuser(wh, schema, `DELETE FROM "${schema}".query_log WHERE id = $1`, [ids[5]]);
    expect((await verifyAuditLog(wh, schema, { key: KEY })).broken?.id).toBe(ids[6]);
  });

  it('finds a forged prune summary (signed with another key)', async () => {
    const { schema, ids } = await fresh(4);
    await asSuperuser(wh, schema, `DELETE FROM "${schema}".query_log WHERE id <= $1`, [ids[1]]);
    const { rows } = await wh.query<{ hash: string }>(`SELECT hash FROM "${schema}".query_log WHERE id = $1`, [ids[1]]).catch(() => ({ rows: [] }));
    expect(rows).toHaveLength(0);
    // The forger knows the removed entry's hash (the next entry's prev_hash) but not the key.
    const [{ prev_hash }] = (await wh.query<{ prev_hash: string }>(`SELECT prev_hash FROM "${schema}".query_log WHERE id = $1`, [ids[2]])).rows as [{ prev_hash: string }];
    const forged = signSummary({ before: '2030-01-01T00:00:00.000Z', from: '2020-01-01T00:00:00.000Z', to: '2020-01-02T00:00:00.000Z', entries: 2, firstId: ids[0]!, lastId: ids[1]!, lastHash: prev_hash }, 'x'.repeat(40));
    const { text, params } = appendStatement(schema, [prepareRow(new Date(), entry('forged'), 'pruned', forged)]);
    await wh.query(text, params);
    const report = await verifyAuditLog(wh, schema, { key: KEY });
    expect(report.ok).toBe(false);
    expect(report.broken?.reason).toMatch(/not signed with the signing key/);
  });

  it('refuses to prune without a key, with a short key, into the future, or on a broken chain', async () => {
    const { schema, ids } = await fresh(3, () => new Date('2024-01-01T00:00:00Z'));
    const before = new Date('2025-01-01T00:00:00Z');
    expect(await pruneAuditLog(wh, schema, { before, key: undefined })).toMatchObject({ status: 'refused', reason: expect.stringMatching(/MAATSTAF_AUDIT_SIGNING_KEY/) });
    expect(await pruneAuditLog(wh, schema, { before, key: 'short' })).toMatchObject({ status: 'refused', reason: expect.stringMatching(/at least 32 bytes/) });
    expect(await pruneAuditLog(wh, schema, { before: new Date(Date.now() + 86_400_000), key: KEY })).toMatchObject({ status: 'refused' });
    await asSuperuser(wh, schema, `UPDATE "${schema}".query_log SET row_count = 0 WHERE id = $1`, [ids[1]]);
    expect(await pruneAuditLog(wh, schema, { before, key: KEY })).toMatchObject({ status: 'refused', report: { broken: { id: ids[1] } } });
    const { rows } = await wh.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".query_log`);
    expect(rows[0]!.n).toBe(3);
  });

  it('still refuses DELETE outside the prune, and UPDATE and TRUNCATE always', async () => {
    const { schema } = await fresh(2);
    await expect(wh.query(`DELETE FROM "${schema}".query_log`)).rejects.toThrow(/append-only/);
    await expect(wh.query(`UPDATE "${schema}".query_log SET caller_id = 'x'`)).rejects.toThrow(/append-only/);
    await expect(wh.query(`TRUNCATE "${schema}".query_log`)).rejects.toThrow(/append-only/);
  });

  it('checks a head hash exported earlier: removing the newest entries is found', async () => {
    const { schema, ids } = await fresh(4);
    const head = (await verifyAuditLog(wh, schema)).head!;
    expect((await verifyAuditLog(wh, schema, { knownHash: head.hash })).ok).toBe(true);
    await asSuperuser(wh, schema, `DELETE FROM "${schema}".query_log WHERE id = $1`, [ids[3]]);
    // The shorter chain is valid in itself; only the exported head shows the cut.
    expect((await verifyAuditLog(wh, schema)).ok).toBe(true);
    expect(await verifyAuditLog(wh, schema, { knownHash: head.hash })).toMatchObject({ ok: false, problem: expect.stringMatching(/not in the chain/) });
  });

  it('chains the rows of a store written before entries were chained, on migration', async () => {
    const schema = `legacy_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    // A store that ran the first audit migration only (as released before the chain).
    const first = new Migrator({
      db: wh.db,
      provider: { getMigrations: async () => ({ '0001_query_log': { up: (db) => m0001.up(db, schema) } }) },
      migrationTableSchema: schema,
      migrationTableName: 'maatstaf_audit_migration',
      migrationLockTableName: 'maatstaf_audit_migration_lock',
    });
    await wh.query(`CREATE SCHEMA "${schema}"`);
    expect((await first.migrateToLatest()).error).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      await wh.query(
        `INSERT INTO "${schema}".query_log (at, request_id, caller_id, caller_kind, roles, interface, metrics, sensitivity, query, row_count, outcome, duration_ms) ` +
          `VALUES ($1::timestamptz, $2, 'old', 'api-key', '["r"]', 'rest', '["m"]', 'personal', '{"metrics":["m"],"limit":1.0}', 4, 'ok', 3)`,
        [new Date(Date.UTC(2024, 5, i + 1)).toISOString(), `old-${i}`],
      );
    }
    expect(await migrateAuditStore(wh, schema)).toEqual(['0002_client_request_id', '0003_hash_chain']);
    const report = await verifyAuditLog(wh, schema);
    expect(report).toMatchObject({ ok: true, entries: 3 });
    await createSqlAuditStore(wh, schema).insert([{ at: new Date(), entry: entry('new') }]);
    expect(await verifyAuditLog(wh, schema)).toMatchObject({ ok: true, entries: 4 });
  });
});

describe.each(ENGINES)('maatstaf audit verify / prune on %s', (engine) => {
  let dir: string | undefined;
  let args: string[];
  let wh: Warehouse;
  let schema: string;
  let ids: number[];

  beforeAll(async () => {
    schema = `cli_audit_${randomBytes(4).toString('hex')}`;
    if (engine === 'postgres') {
      wh = await openWarehouse({ databaseUrl: PG_URL, poolSize: 2 });
      args = ['--database-url', PG_URL!, '--audit-schema', schema];
    } else {
      dir = mkdtempSync(join(tmpdir(), 'maatstaf-audit-'));
      wh = await openWarehouse({ dataDir: join(dir, 'pgdata') });
      args = ['--data-dir', dir, '--audit-schema', schema];
    }
    ({ ids } = await seeded(wh, 5, (i) => new Date(Date.UTC(2024, 0, i + 1)), schema));
    // PGlite: one process at a time on a data folder.
    if (engine === 'pglite') await wh.close();
  });
  afterAll(async () => {
    if (engine === 'postgres') {
      await wh.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await wh.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: NodeJS.ProcessEnv = {}) => cliEnv({ MAATSTAF_AUDIT_SIGNING_KEY: '', ...extra });

  it('verifies, prunes with the key only, and finds tampering with the entry id', async () => {
    const ok = await runCli(['audit', 'verify', ...args], env());
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('audit chain: 5 entries, intact');
    expect(ok.stdout).toMatch(new RegExp(`head: #${ids[4]} [0-9a-f]{64}`));

    const noKey = await runCli(['audit', 'prune', '--before', '2024-01-03', ...args], env());
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/prune refused: pruning needs a signing key: set MAATSTAF_AUDIT_SIGNING_KEY/);

    const pruned = await runCli(['audit', 'prune', '--before', '2024-01-03', ...args], env({ MAATSTAF_AUDIT_SIGNING_KEY: KEY }));
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(new RegExp(`pruned 2 entries \\(#${ids[0]}–#${ids[1]}, 2024-01-01T00:00:00.000Z – 2024-01-02T00:00:00.000Z\\); signed summary #\\d+`));
    expect(pruned.stderr).toContain('prune: 2/2 entries removed (100%)');

    const after = await runCli(['audit', 'verify', ...args], env({ MAATSTAF_AUDIT_SIGNING_KEY: KEY }));
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('audit chain: 4 entries, intact');
    expect(after.stdout).toMatch(/older entries pruned: summary #\d+ \(signature valid\)/);

    const db = engine === 'postgres' ? wh : await openWarehouse({ dataDir: join(dir!, 'pgdata') });
    try {
      await asSuperuser(db, schema, `UPDATE "${schema}".query_log SET caller_id = 'someone-else' WHERE id = $1`, [ids[3]]);
    } finally {
      if (engine === 'pglite') await db.close();
    }
    const broken = await runCli(['audit', 'verify', ...args], env({ MAATSTAF_AUDIT_SIGNING_KEY: KEY }));
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN at entry #${ids[3]}: its content does not match its hash`);
    expect(broken.stderr).toContain(`audit chain broken at entry #${ids[3]}`);
  }, 240_000);
});
