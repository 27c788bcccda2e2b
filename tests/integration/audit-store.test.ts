/**
 * The audit table on both engines: migration into maatstaf's own schema, batched appends that lose
 * nothing under concurrency, filters and pages, and append-only enforced by the database.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { createSqlAuditStore, migrateAuditStore, type AuditStore } from '../../src/audit/store.js';
import { setupAuditLog } from '../../src/audit/setup.js';
import { auditEntry } from '../helpers/audit-entry.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const entry = auditEntry;

describe.each(ENGINES)('audit store on %s', (engine) => {
  let wh: TestWarehouse;
  let schema: string;
  let store: AuditStore;

  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
    schema = `audit_${randomBytes(4).toString('hex')}`;
    expect(await migrateAuditStore(wh, schema)).toEqual(['0001_query_log', '0002_client_request_id', '0003_hash_chain']);
    // Idempotent: a second start applies nothing.
    expect(await migrateAuditStore(wh, schema)).toEqual([]);
    store = createSqlAuditStore(wh, schema);
  });
  afterAll(async () => {
    if (engine === 'postgres') await wh.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await wh.dispose();
  });

  const count = async () => (await wh.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".query_log`)).rows[0]!.n;

  it('stores every one of 200 concurrent entries, in few batches', async () => {
    let inserts = 0;
    const counting: AuditStore = { insert: (rows) => (inserts++, store.insert(rows)), list: (f) => store.list(f) };
    const log = createAuditLog({ store: counting });
    const before = await count();
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.record(entry({ requestId: `c-${i}`, callerId: `caller-${i % 7}` }))));
    expect(await count()).toBe(before + 200);
    expect(inserts).toBeLessThanOrEqual(5);
    const ids = await wh.query<{ request_id: string }>(`SELECT request_id FROM "${schema}".query_log WHERE request_id LIKE 'c-%'`);
    expect(new Set(ids.rows.map((r) => r.request_id)).size).toBe(200);
  });

  it('round-trips an entry with every field', async () => {
    const log = createAuditLog({ store });
    await log.record(entry({ requestId: 'roundtrip', clientRequestId: 'client-1', interface: 'graphql', outcome: 'denied', errorCode: 'FORBIDDEN', rowCount: undefined, cellsSuppressed: undefined }));
    const page = await store.list({ limit: 1, outcome: 'denied' });
    expect(page.entries).toHaveLength(1);
    const e = page.entries[0]!;
    expect(e).toMatchObject({
      requestId: 'roundtrip',
      clientRequestId: 'client-1',
      callerId: 'wijkteam-noord',
      callerKind: 'api-key',
      roles: ['wijkteam'],
      interface: 'graphql',
      metrics: ['benefit_cases_started'],
      sensitivity: 'personal',
      outcome: 'denied',
      errorCode: 'FORBIDDEN',
    });
    expect(e.rowCount).toBeUndefined();
    // A refused query is kept compactly; a short one still reads whole in `text`.
    expect(Object.keys(e.query).sort()).toEqual(['bytes', 'sha256', 'text']);
    expect((JSON.parse(e.query.text as string) as { rowFilters: string[] }).rowFilters).toEqual(["{{ Dimension('benefit_case__district') }} = 'Noord'"]);
    expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(e.at) - Date.now())).toBeLessThan(60_000);
  });

  it('filters by caller, metric, outcome, interface and time, newest first, with pages', async () => {
    const log = createAuditLog({ store });
    await log.record(entry({ callerId: 'filter-a', metrics: ['reporting_residents'], sensitivity: 'internal', interface: 'csv' }));
    await log.record(entry({ callerId: 'filter-a', outcome: 'error', errorCode: 'STATEMENT_TIMEOUT' }));
    await log.record(entry({ callerId: 'filter-a' }));
    const all = await store.list({ callerId: 'filter-a', limit: 10 });
    expect(all.entries.map((e) => e.outcome)).toEqual(['ok', 'error', 'ok']);
    expect(all.entries[0]!.id).toBeGreaterThan(all.entries[1]!.id);
    expect((await store.list({ callerId: 'filter-a', metric: 'reporting_residents', limit: 10 })).entries.map((e) => e.interface)).toEqual(['csv']);
    expect((await store.list({ callerId: 'filter-a', outcome: 'error', limit: 10 })).entries).toHaveLength(1);
    expect((await store.list({ callerId: 'filter-a', interface: 'csv', limit: 10 })).entries).toHaveLength(1);
    expect((await store.list({ callerId: 'filter-a', from: new Date(Date.now() + 3_600_000).toISOString(), limit: 10 })).entries).toHaveLength(0);
    expect((await store.list({ callerId: 'filter-a', to: new Date(Date.now() - 3_600_000).toISOString(), limit: 10 })).entries).toHaveLength(0);
    const first = await store.list({ callerId: 'filter-a', limit: 2 });
    expect(first.entries).toHaveLength(2);
    expect(first.nextCursor).toBe(first.entries[1]!.id);
    const second = await store.list({ callerId: 'filter-a', limit: 2, before: first.nextCursor! });
    expect(second.entries).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
    // A filter value is data, never SQL.
    expect((await store.list({ callerId: "x' OR '1'='1", limit: 10 })).entries).toHaveLength(0);
  });

  it('serve setup: migrates its schema on start and writes everything queued on close', async () => {
    const own = `audit_${randomBytes(4).toString('hex')}`;
    const quiet = { info() {}, warn() {}, error() {} };
    const setup = await setupAuditLog(wh, { auditSchema: own, log: quiet });
    try {
      const pending = Array.from({ length: 25 }, (_, i) => setup.audit.record(entry({ requestId: `close-${i}` }), 'background'));
      await setup.close();
      await Promise.all(pending);
      const { rows } = await wh.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${own}".query_log`);
      expect(rows[0]!.n).toBe(25);
    } finally {
      if (engine === 'postgres') await wh.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`);
    }
  });

  it('stores a refused 90 KB query compactly: its sha256, size and first 512 bytes, the row under 4 KiB', async () => {
    // Keys in sorted order and no blanks: JSON.stringify gives the canonical JSON by hand.
    const huge = { metrics: ['benefit_cases_started', 'x'.repeat(45_000), ...Array.from({ length: 30 }, (_, i) => `m${i}`)], rowFilters: [], where: ['y'.repeat(45_000)] };
    const text = JSON.stringify(huge);
    expect(text.length).toBeGreaterThan(90_000);
    await createAuditLog({ store }).record(entry({ requestId: 'refused-huge', callerId: 'anonymous', callerKind: 'anonymous', roles: [], metrics: huge.metrics, query: huge, outcome: 'denied', errorCode: 'FORBIDDEN', rowCount: undefined, cellsSuppressed: undefined }));
    const { rows } = await wh.query<{ bytes: number; query: unknown; metrics: unknown }>(
      `SELECT octet_length(q::text) AS bytes, query, metrics FROM "${schema}".query_log q WHERE request_id = 'refused-huge'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.bytes).toBeLessThan(4096);
    const query = (typeof rows[0]!.query === 'string' ? JSON.parse(rows[0]!.query) : rows[0]!.query) as Record<string, unknown>;
    expect(query).toEqual({ sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text), text: text.slice(0, 512) });
    const metrics = (typeof rows[0]!.metrics === 'string' ? JSON.parse(rows[0]!.metrics) : rows[0]!.metrics) as string[];
    expect(metrics).toHaveLength(10);
    expect(metrics[0]).toBe('benefit_cases_started');
    expect(metrics[1]).toBe('x'.repeat(200));
  });

  it('stores entries with NUL characters and lone surrogates instead of failing the whole batch', async () => {
    const log = createAuditLog({ store });
    await Promise.all([
      log.record(entry({ requestId: 'odd\u0000id', metrics: ['a\uD800b'], query: { metrics: ['a\uD800b'], where: ['\u0000'] } })),
      log.record(entry({ requestId: 'plain-neighbour' })),
    ]);
    const page = await store.list({ limit: 5 });
    expect(page.entries.map((e) => e.requestId)).toEqual(expect.arrayContaining(['odd\uFFFDid', 'plain-neighbour']));
    expect(page.entries.find((e) => e.requestId === 'odd\uFFFDid')!.metrics).toEqual(['a\uFFFDb']);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    await createAuditLog({ store }).record(entry({ requestId: 'immutable' }));
    const n = await count();
    await expect(wh.query(`UPDATE "${schema}".query_log SET caller_id = 'someone-else'`)).rejects.toThrow(/append-only/);
    await expect(wh.query(`DELETE FROM "${schema}".query_log`)).rejects.toThrow(/append-only/);
    await expect(wh.query(`TRUNCATE "${schema}".query_log`)).rejects.toThrow(/append-only/);
    expect(await count()).toBe(n);
    const still = await store.list({ limit: 500 });
    expect(still.entries.every((e) => e.callerId !== 'someone-else')).toBe(true);
  });
});

describe('audit log when the store fails', () => {
  it('rejects waiting entries with AUDIT_UNAVAILABLE, keeps background ones and stores them once the store is back', async () => {
    const stored: string[] = [];
    let up = false;
    const store: AuditStore = {
      async insert(rows) {
        if (!up) throw new Error('connection refused');
        stored.push(...rows.map((r) => r.entry.requestId!));
      },
      list: async () => ({ entries: [] }),
    };
    const log = createAuditLog({ store, retryMs: 20 });
    await expect(log.record(entry({ requestId: 'personal' }), 'wait')).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', status: 503 });
    await expect(log.record(entry({ requestId: 'internal' }), 'background')).resolves.toBeUndefined();
    expect(log.backlogSize()).toBe(1);
    up = true;
    await new Promise((r) => setTimeout(r, 80));
    expect(stored).toEqual(['internal']);
    expect(log.backlogSize()).toBe(0);
  });

  it('flushes everything queued on close', async () => {
    const stored: string[] = [];
    const store: AuditStore = { insert: async (rows) => void stored.push(...rows.map((r) => r.entry.requestId!)), list: async () => ({ entries: [] }) };
    const log = createAuditLog({ store });
    const pending = Array.from({ length: 50 }, (_, i) => log.record(entry({ requestId: `q${i}` }), 'background'));
    await log.close();
    await Promise.all(pending);
    expect(stored).toHaveLength(50);
  });
});
