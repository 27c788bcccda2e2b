/**
 * Streamed CSV export (issue 9, hardening): CSV answers are read from the warehouse through a
 * cursor in batches and written as they come. On both engines: a result over
 * MAATSTAF_MAX_QUERY_ROWS is refused as JSON but exported fully as CSV (rows equal to hand-written
 * SQL); the streamed bytes equal the buffered CSV; the role's row-level filter applies; the audit
 * entry carries the row count; protected and personal metrics keep the buffered path; a client that
 * disconnects mid-stream closes the cursor and frees the connection and the limiter slot.
 *
 * Data: `export_facts`, generated with generate_series in the test's own schema
 * (tests/fixtures/definitions/export).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, generateApiKey, hashApiKey } from '../../src/access/authn/index.js';
import { parseAccessPolicy } from '../../src/access/load-policy.js';
import { toCsv } from '../../src/api/rest/formats/csv.js';
import { createAuditLog, type QueuedAuditLog } from '../../src/audit/audit-log.js';
import { createSqlAuditStore, migrateAuditStore } from '../../src/audit/store.js';
import type { Engine } from '../../src/engine/types.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import type { QueryLimits } from '../../src/limits/limited-engine.js';
import type { ServerState } from '../../src/http/state.js';
import { parseCsv } from '../api/helpers/csv-parse.js';
import { engineFor } from '../api/helpers/demo-app.js';
import { testServer } from '../helpers/server.js';
import { ENGINES, type TestWarehouse, openTestWarehouse } from '../helpers/warehouses.js';
import { createExportFactsTable } from '../helpers/export-facts.js';

const DEFINITIONS = 'tests/fixtures/definitions/export';
const FACTS = 50_000;
/** The first 2 500 facts: more rows than LIMITS.maxRows, several cursor batches. */
const FIRST = "{{ Dimension('fact__code') }} <= 'f002500'";
const LIMITS: QueryLimits = { maxMetrics: 20, maxGroupBy: 10, maxRows: 1000 };
const BY_CODE = { metrics: ['amount_total'], groupBy: ['fact__code', 'fact__kind'], where: [FIRST], orderBy: ['fact__code'] };
const SQL_BY_CODE = `SELECT code, kind, sum(amount) AS amount FROM export_facts WHERE code <= 'f002500' GROUP BY code, kind ORDER BY code`;

/** The engine, streaming in batches of `batchSize` rows (the REST default is 1000). */
const withBatchSize = (engine: Engine, batchSize: number): Engine => ({ ...engine, stream: (q, o) => engine.stream(q, { ...o, batchSize }) });
/** The engine without streaming: every CSV takes the buffered path. */
const buffered = (engine: Engine): Engine => ({ ...engine, stream: async () => undefined });

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(ENGINES)('streamed CSV export on %s', (engineName) => {
  let wh: TestWarehouse;
  let engine: Engine;
  const apps: FastifyInstance[] = [];

  async function app(state: Partial<ServerState>, opts: Partial<AppOptions> = {}): Promise<FastifyInstance> {
    const a = await buildApp({ state: { warehouse: wh, engine, definitionsError: undefined, ...state }, logger: false, ...opts });
    await a.ready();
    apps.push(a);
    return a;
  }

  const sqlRows = async (sql: string) =>
    (await wh.query<{ code: string; kind: string; amount: number }>(sql)).rows.map((r) => [r.code, r.kind, String(r.amount)]);

  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await createExportFactsTable(wh);
    // `label` needs CSV quoting; `note` makes rows wide, so an export outgrows the socket buffers.
    await wh.query(
      `INSERT INTO export_facts
       SELECT i, DATE '2026-01-01' + (i % 365), (ARRAY['a','b','c'])[1 + i % 3], 'f' || lpad(i::text, 6, '0'),
              CASE WHEN i % 5 = 0 THEN 'with, comma "and" quotes' ELSE 'plain' END, repeat('x', 200) || i, i % 97
       FROM generate_series(1, ${FACTS}) AS i`,
    );
    engine = await engineFor(DEFINITIONS, wh);
  }, 120_000);

  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  afterAll(async () => {
    await wh?.dispose();
  });

  it('refuses a result over MAATSTAF_MAX_QUERY_ROWS as JSON but exports it fully as CSV, equal to hand-written SQL', async () => {
    const a = await app({ engine: withBatchSize(engine, 700), queryLimits: LIMITS });
    const json = await supertest(a.server).post('/v1/query').send(BY_CODE).expect(400);
    expect(json.body).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED' });

    const csv = await supertest(a.server).post('/v1/query?format=csv').send(BY_CODE).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    const [header, ...rows] = parseCsv(csv.text);
    expect(header).toEqual(['fact__code', 'fact__kind', 'amount_total']);
    expect(rows).toHaveLength(2500);
    expect(rows).toEqual(await sqlRows(SQL_BY_CODE));

    // GET with Accept: text/csv streams the same file.
    const get = await supertest(a.server)
      .get('/v1/query')
      .query({ metrics: 'amount_total', groupBy: 'fact__code,fact__kind', where: FIRST, orderBy: 'fact__code' })
      .set('accept', 'text/csv')
      .expect(200);
    expect(get.text).toBe(csv.text);

    // The saved-query results routes stream too (GET and POST), with the saved query's file name.
    const saved = await supertest(a.server).get('/v1/saved-queries/amounts_by_code/results').query({ format: 'csv', where: FIRST }).expect(200);
    expect(saved.headers['content-disposition']).toBe('inline; filename="amounts_by_code.csv"');
    expect(saved.text).toBe(csv.text);
    const savedPost = await supertest(a.server).post('/v1/saved-queries/amounts_by_code/results').set('accept', 'text/csv').send({ where: [FIRST] }).expect(200);
    expect(savedPost.text).toBe(csv.text);
    await supertest(a.server).post('/v1/saved-queries/amounts_by_code/results').send({ where: [FIRST] }).expect(400);
  }, 60_000);

  it('streams byte for byte the CSV of the buffered path (BOM, quoting, several batches)', async () => {
    const streamed = await app({ engine: withBatchSize(engine, 2) });
    const whole = await app({ engine: buffered(engine) });
    const small = { metrics: ['amount_total'], groupBy: ['fact__label', 'fact__kind'], orderBy: ['fact__label', 'fact__kind'] };
    for (const [body, query] of [
      [small, '?format=csv'],
      [small, '?format=csv&bom=true'],
      [BY_CODE, '?format=csv'],
    ] as const) {
      const a = await supertest(streamed.server).post(`/v1/query${query}`).send(body).buffer(true).parse(rawBody).expect(200);
      const b = await supertest(whole.server).post(`/v1/query${query}`).send(body).buffer(true).parse(rawBody).expect(200);
      expect((a.body as Buffer).equals(b.body as Buffer)).toBe(true);
      expect(a.headers['content-type']).toBe(b.headers['content-type']);
      expect(a.headers['content-disposition']).toBe(b.headers['content-disposition']);
      // And the same as toCsv over the engine's own answer.
      const result = await engine.run(body);
      expect((a.body as Buffer).toString('utf8')).toBe(toCsv(result.columns, result.rows, { bom: query.includes('bom') }));
    }
    const text = (await supertest(streamed.server).post('/v1/query?format=csv&bom=true').send(small).buffer(true).parse(rawBody)).body as Buffer;
    expect([...text.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.toString('utf8')).toContain('"with, comma ""and"" quotes",a,');
  }, 60_000);

  it("applies the role's row-level filter to the streamed CSV", async () => {
    const policyText = `version: 1
anonymous_role: public
roles:
  public:
    metrics:
      allow: [facts_protected]
  everything:
    metrics:
      allow: ['*']
  team_a:
    metrics:
      allow: ['*']
    row_filters:
      - "{{ Dimension('fact__kind') }} = 'a'"
`;
    const { policy, issues } = parseAccessPolicy('access.yml', policyText, engine.graph);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const key = generateApiKey();
    const allKey = generateApiKey();
    const apiKeys = [
      { name: 'team-a', hash: hashApiKey(key), roles: ['team_a'] },
      { name: 'all', hash: hashApiKey(allKey), roles: ['everything'] },
    ];
    const a = await app({ engine: withBatchSize(engine, 300), access: policy, queryLimits: { ...LIMITS, maxRows: 100 } }, { authn: createAuthenticator({ apiKeys }) });
    const mine = await supertest(a.server).post('/v1/query?format=csv').set('x-api-key', key).send(BY_CODE).expect(200);
    const [, ...rows] = parseCsv(mine.text);
    expect(rows).toEqual(await sqlRows(`SELECT code, kind, sum(amount) AS amount FROM export_facts WHERE code <= 'f002500' AND kind = 'a' GROUP BY code, kind ORDER BY code`));
    expect(rows.length).toBeGreaterThan(800);
    // The GET form goes through the same engine; a role without the filter sees every kind.
    const get = await supertest(a.server)
      .get('/v1/query')
      .query({ metrics: 'amount_total', groupBy: 'fact__code,fact__kind', where: FIRST, orderBy: 'fact__code', format: 'csv' })
      .set('x-api-key', key)
      .expect(200);
    expect(get.text).toBe(mine.text);
    const everyone = await supertest(a.server).post('/v1/query?format=csv').set('x-api-key', allKey).send(BY_CODE).expect(200);
    expect(parseCsv(everyone.text)).toHaveLength(2501);
  }, 60_000);

  it('records the audit entry with the row count of the streamed export; personal and protected metrics stay buffered', async () => {
    const schema = `audit_${randomBytes(4).toString('hex')}`;
    await migrateAuditStore(wh, schema);
    const audit: QueuedAuditLog = createAuditLog({ store: createSqlAuditStore(wh, schema) });
    try {
      const a = await app({ engine: withBatchSize(engine, 700), audit, queryLimits: LIMITS });
      const internal = { ...BY_CODE, metrics: ['amount_internal'] };
      const res = await supertest(a.server).post('/v1/query?format=csv').send(internal).expect(200);
      expect(parseCsv(res.text)).toHaveLength(2501);
      const entry = async () =>
        (await wh.query<{ outcome: string; row_count: number | null; interface: string }>(`SELECT outcome, row_count, interface FROM "${schema}".query_log WHERE request_id = $1`, [res.headers['x-request-id']])).rows;
      await waitFor('the audit entry', async () => (await entry()).length > 0);
      expect(await entry()).toEqual([{ outcome: 'ok', row_count: 2500, interface: 'csv' }]);

      // Not streamed: personal data (its entry is stored before any row leaves) and small-cell
      // suppression (needs every row) answer whole, so the JSON row limit applies to their CSV.
      // By code every group is one fact, too small to show (k 2 and 3): their rows are dropped (a row
      // whose only value is withheld for its own size would still name the group), so 2,500 codes
      // answer with the header alone instead of exceeding the row limit.
      for (const metric of ['facts_personal', 'facts_protected']) {
        const byCode = await supertest(a.server).post('/v1/query?format=csv').send({ ...BY_CODE, metrics: [metric] }).expect(200);
        expect(parseCsv(byCode.text)).toEqual([[...BY_CODE.groupBy, metric]]);
      }
      const smallPersonal = await supertest(a.server)
        .post('/v1/query?format=csv')
        .send({ metrics: ['facts_personal'], groupBy: ['fact__kind'], orderBy: ['fact__kind'] })
        .expect(200);
      expect(parseCsv(smallPersonal.text)).toEqual([['fact__kind', 'facts_personal'], ...(await wh.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM export_facts GROUP BY kind ORDER BY kind')).rows.map((r) => [r.kind, String(r.n)])]);
      const personal = await wh.query<{ outcome: string; row_count: number }>(`SELECT outcome, row_count FROM "${schema}".query_log WHERE request_id = $1`, [smallPersonal.headers['x-request-id']]);
      expect(personal.rows).toEqual([{ outcome: 'ok', row_count: 3 }]);
    } finally {
      await audit.close();
      await wh.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  }, 60_000);

  it('caps a streamed export at MAATSTAF_MAX_EXPORT_ROWS (found in the first batch: a 400)', async () => {
    const a = await app({ engine: withBatchSize(engine, 700), queryLimits: { ...LIMITS, maxExportRows: 500 } });
    const res = await supertest(a.server).post('/v1/query?format=csv').send(BY_CODE).expect(400);
    expect(res.body).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED' });
    const ok = await app({ engine: withBatchSize(engine, 700), queryLimits: { ...LIMITS, maxExportRows: 2500 } });
    expect(parseCsv((await supertest(ok.server).post('/v1/query?format=csv').send(BY_CODE).expect(200)).text)).toHaveLength(2501);
  }, 60_000);

  it('aborts the response (never a short file that looks complete) when the export fails after the first row', async () => {
    // Over the cap at the third batch: the 200 and the first rows are already sent.
    const a = await app({ engine: withBatchSize(engine, 700), queryLimits: { ...LIMITS, maxExportRows: 1500 } });
    const base = await a.listen({ port: 0, host: '127.0.0.1' });
    const post = (encoding: string) =>
      fetch(`${base}/v1/query?format=csv`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': encoding }, body: JSON.stringify(BY_CODE) });
    const res = await post('identity');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    // Compressed, the first rows may still sit in the compressor when the error comes: then nothing
    // was sent and the answer is the problem itself; otherwise the download is aborted. Never a 200
    // whose (short) body reads to the end.
    const gz = await post('gzip');
    if (gz.status === 200) await expect(gz.text()).rejects.toThrow();
    else expect(await gz.json()).toMatchObject({ status: 400, code: 'QUERY_LIMIT_EXCEEDED' });
  }, 60_000);

  it('serves an answer the result cache holds from the cache (buffered, with ETag) and streams the rest uncached', async () => {
    // Anonymous exports are bounded and buffered by default (MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS); this test is about streaming.
    const a = (await testServer(wh, { config: { metricsDir: DEFINITIONS, anonymousExportMaxRows: 0 } })).app;
    apps.push(a);
    await a.ready();
    const small = { metrics: ['amount_total'], groupBy: ['fact__kind'], orderBy: ['fact__kind'] };
    const streamed = await supertest(a.server).post('/v1/query?format=csv').send(small).expect(200);
    expect(streamed.headers.etag).toBeUndefined();
    // The streamed answer was not stored: the JSON query is a miss; after it, CSV comes from the cache.
    expect((await supertest(a.server).post('/v1/query').send(small).expect(200)).body.meta.cache).toBe('miss');
    const cached = await supertest(a.server).post('/v1/query?format=csv').send(small).expect(200);
    expect(cached.headers.etag).toMatch(/-csv"$/);
    expect(cached.text).toBe(streamed.text);
  }, 60_000);

  it('closes the cursor and frees the connection and the limiter slot when the client disconnects mid-stream', async () => {
    // Open export cursors: on PostgreSQL a backend in the export's transaction; on PGlite (one session) pg_cursors.
    const openCursors = async (): Promise<number> => {
      const sql =
        engineName === 'postgres'
          ? `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND query LIKE 'FETCH FORWARD % FROM maatstaf_export%' AND state <> 'idle'`
          : `SELECT count(*)::int AS n FROM pg_cursors WHERE name LIKE 'maatstaf_export%'`;
      return (await wh.query<{ n: number }>(sql)).rows[0]!.n;
    };
    const { app: a, speed } = await testServer(wh, { config: { metricsDir: DEFINITIONS, maxConcurrentQueries: 2, anonymousExportMaxRows: 0 } });
    apps.push(a);
    const base = await a.listen({ port: 0, host: '127.0.0.1' });

    const controller = new AbortController();
    const res = await fetch(`${base}/v1/query?format=csv`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metrics: ['amount_total'], groupBy: ['fact__code', 'fact__note'] }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // The client stops reading: ~11 MB cannot all fit in the socket buffers, so the export waits mid-stream.
    await waitFor('the export to hold its cursor', async () => (await openCursors()) === 1);
    expect(speed.limiter.running).toBe(1);

    controller.abort();
    await reader.cancel().catch(() => {});
    await waitFor('the cursor to be closed', async () => (await openCursors()) === 0);
    await waitFor('the limiter slot to be released', () => speed.limiter.running === 0, 2000);
    // The server and the warehouse still answer.
    const again = await fetch(`${base}/v1/query?format=csv`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metrics: ['amount_total'], groupBy: ['fact__kind'], orderBy: ['fact__kind'] }),
    });
    expect(parseCsv(await again.text())).toHaveLength(4);
  }, 60_000);
});

/** supertest parser that keeps the body as raw bytes (a BOM included). */
function rawBody(res: supertest.Response, done: (err: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
