/**
 * The embedded PGlite warehouse in its own worker thread (issue 22), end to end over real sockets:
 * the server keeps answering /healthz while a statement runs; the statement timeout ends a
 * statement (504) and the next query answers correctly; a client that disconnects stops its
 * running statement and leaves the queue when queued; a thread killed mid-query answers 503 with
 * Retry-After and is back by itself; writes committed before a restart survive it; statements
 * queue in arrival order and a transaction is never interleaved; a thread that cannot restart fails
 * fast with 503 while its start is retried. Every number is checked against
 * hand-written SQL. PGlite only: the thread is how the embedded engine runs (PostgreSQL has its
 * own server processes, tests/integration/cancel.test.ts).
 *
 * The slow SQL is honest SQL: a view whose every row sleeps `slow_switch.seconds` in pg_sleep.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpeedLayer } from '../../src/cache/speed-layer.js';
import { startPgliteThread, type PgliteThread, type RestartReason } from '../../src/warehouse/pglite-thread.js';
import type { ThreadedPgliteWarehouse } from '../../src/warehouse/pglite-threaded.js';
import { parseCsv } from '../api/helpers/csv-parse.js';
import { expectSameAsSql, openDemoEngine, type DemoEngine } from '../helpers/demo-engine.js';
import { postQuery } from '../helpers/post-query.js';
import { testServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const SLOW_DEFINITIONS = 'tests/fixtures/definitions/slow';
const TIMEOUT_MS = 4000;
const BY_KIND = { metrics: ['amount_total'], groupBy: ['fact__kind'], orderBy: ['fact__kind'] };
const COUNT_BY_KIND = { metrics: ['facts_count'], groupBy: ['fact__kind'], orderBy: ['fact__kind'] };
const HAND_BY_KIND = `SELECT kind AS fact__kind, sum(amount)::int AS amount_total, count(fact_id)::int AS facts_count FROM slow_facts_data GROUP BY kind ORDER BY kind`;

type Worker = TestWarehouse & ThreadedPgliteWarehouse;

describe('embedded warehouse in a worker thread', () => {
  let wh: Worker;
  let app: FastifyInstance;
  let speed: SpeedLayer;
  let base = '';
  let hand: { fact__kind: string; amount_total: number; facts_count: number }[] = [];

  const slow = (seconds: number) => wh.query('UPDATE slow_switch SET seconds = $1', [seconds]);

  /** A REST query the test can abort like a closed browser tab; `settled` tells whether it ended. */
  function request(body: unknown) {
    const controller = new AbortController();
    const state = { settled: false };
    const done = postQuery(base, body, { signal: controller.signal }).finally(() => (state.settled = true));
    return { done, state, abort: () => controller.abort() };
  }

  const rowsOf = async (body: unknown) => {
    const res = await request(body).done;
    expect(res.status).toBe(200);
    return res.body.rows!;
  };

  beforeAll(async () => {
    wh = (await openTestWarehouse('pglite', { worker: true, statementTimeoutMs: TIMEOUT_MS })) as Worker;
    await wh.query(`CREATE TABLE slow_facts_data (fact_id integer PRIMARY KEY, happened_at timestamptz NOT NULL, kind text NOT NULL, amount integer NOT NULL)`);
    await wh.query(`INSERT INTO slow_facts_data SELECT i, timestamptz '2026-01-05 10:00+01' + i * interval '7 hours', CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END, (i * 37) % 101 FROM generate_series(1, 200) AS i`);
    await wh.query(`CREATE TABLE slow_switch (seconds float8 NOT NULL)`);
    await wh.query(`INSERT INTO slow_switch VALUES (0)`);
    await wh.query(`CREATE VIEW slow_facts AS SELECT d.* FROM slow_facts_data AS d CROSS JOIN LATERAL (SELECT pg_sleep(seconds) FROM slow_switch) AS s`);
    hand = (await wh.query<(typeof hand)[number]>(HAND_BY_KIND)).rows;
    expect(hand.length).toBe(2);
    // No result cache: every request below reaches the warehouse.
    const server = await testServer(wh, { config: { metricsDir: SLOW_DEFINITIONS, cacheTtlMs: 0, staleIfErrorMs: 0 } });
    ({ app, speed } = server);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await wh?.dispose();
  });

  it('answers the same numbers as hand-written SQL through the thread', async () => {
    expect(await rowsOf(BY_KIND)).toEqual(hand.map((r) => ({ fact__kind: r.fact__kind, amount_total: r.amount_total })));
    expect(await rowsOf(COUNT_BY_KIND)).toEqual(hand.map((r) => ({ fact__kind: r.fact__kind, facts_count: r.facts_count })));
  });

  it('exports CSV through the thread as hand-written SQL says, and ends a CSV export or a GraphQL query past the timeout', async () => {
    const byDay = { metrics: ['amount_total'], groupBy: ['metric_time__day'], orderBy: ['metric_time__day'] };
    const csv = await fetch(`${base}/v1/query?format=csv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(byDay) });
    expect(csv.status).toBe(200);
    const [header, ...records] = parseCsv(await csv.text()).filter((r) => r.length > 1);
    expect(header).toEqual(['metric_time__day', 'amount_total']);
    const handDays = await wh.query<{ day: string; amount: number }>(
      `SELECT (date_trunc('day', happened_at AT TIME ZONE 'Europe/Amsterdam'))::date::text AS day, sum(amount)::int AS amount FROM slow_facts_data GROUP BY 1 ORDER BY 1`,
    );
    expect(records.length).toBe(handDays.rows.length);
    expect(records.map(([day, amount]) => [day!.slice(0, 10), Number(amount)])).toEqual(handDays.rows.map((r) => [r.day, r.amount]));

    await slow(60);
    const timedOut = await postQuery(base, byDay, { path: '/v1/query?format=csv' }).catch(() => undefined);
    expect(timedOut?.status).toBe(504);
    const graphql = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ query(input: {metrics: ["facts_count"], groupBy: ["fact__kind"]}) { rows } }' }),
    });
    const answer = (await graphql.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(answer.errors?.[0]?.extensions?.code).toBe('STATEMENT_TIMEOUT');
    await slow(0);
  }, 60_000);

  it('answers /healthz and /readyz while a statement runs, before that statement ends', async () => {
    await slow(60);
    const heavy = request(BY_KIND);
    await waitFor('the statement to run in the thread', () => wh.thread.stats.busy && speed.limiter.running === 1);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(heavy.state.settled).toBe(false);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(heavy.state.settled).toBe(false);
    heavy.abort();
    await expect(heavy.done).rejects.toThrow();
    await slow(0);
  }, 30_000);

  it('ends a statement past the timeout with 504 and answers the next query correctly', async () => {
    const restarts = wh.thread.stats.restarts;
    await slow(60);
    const res = await request(COUNT_BY_KIND).done;
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('STATEMENT_TIMEOUT');
    expect(JSON.stringify(res.body)).not.toMatch(/select|pg_sleep|slow_facts/i);
    expect(wh.thread.stats.restarts).toBe(restarts + 1);
    await slow(0);
    expect(await rowsOf(BY_KIND)).toEqual(hand.map((r) => ({ fact__kind: r.fact__kind, amount_total: r.amount_total })));
  }, 60_000);

  it('cancels the statement of a client that disconnects: queued ones leave the queue, a running one ends the thread', async () => {
    await slow(60);
    const restarts = wh.thread.stats.restarts;
    const running = request(BY_KIND);
    await waitFor('the first statement to run', () => wh.thread.stats.busy);
    const queued = request(COUNT_BY_KIND);
    await waitFor('the second statement to queue in the thread', () => wh.thread.stats.queued === 1);

    queued.abort();
    await expect(queued.done).rejects.toThrow();
    await waitFor('the queued statement to leave the queue', () => wh.thread.stats.queued === 0);
    // Leaving the queue costs no restart; the first statement still runs.
    expect(wh.thread.stats.restarts).toBe(restarts);
    expect(wh.thread.stats.busy).toBe(true);

    running.abort();
    await expect(running.done).rejects.toThrow();
    await waitFor('the thread to be restarted', () => wh.thread.stats.restarts === restarts + 1);
    await waitFor('the limiter slots to be free', () => speed.limiter.running === 0);
    await slow(0);
    expect(await rowsOf(COUNT_BY_KIND)).toEqual(hand.map((r) => ({ fact__kind: r.fact__kind, facts_count: r.facts_count })));
  }, 60_000);

  it('answers 503 with Retry-After when the thread is killed mid-query, and recovers by itself', async () => {
    await slow(60);
    const victim = request(BY_KIND);
    await waitFor('the statement to run', () => wh.thread.stats.busy);
    await wh.thread.kill();
    const res = await victim.done;
    expect(res.status).toBe(503);
    expect(res.retryAfter).toMatch(/^\d+$/);
    expect(res.body.code).toBe('WAREHOUSE_UNAVAILABLE');
    // The restarted thread reads the same folder: the switch written before the kill is still 60.
    expect((await wh.query<{ seconds: number }>('SELECT seconds FROM slow_switch')).rows).toEqual([{ seconds: 60 }]);
    await slow(0);
    expect(await rowsOf(BY_KIND)).toEqual(hand.map((r) => ({ fact__kind: r.fact__kind, amount_total: r.amount_total })));
  }, 60_000);

  it('counts the thread\'s restarts on /internal/metrics', async () => {
    const text = await (await fetch(`${base}/internal/metrics`)).text();
    const counted = /^maatstaf_embedded_warehouse_restarts_total (\d+)$/m.exec(text);
    expect(wh.thread.stats.restarts).toBeGreaterThanOrEqual(3);
    expect(Number(counted?.[1])).toBe(wh.thread.stats.restarts);
  });

  it('keeps every write committed before a restart', async () => {
    await wh.query(`CREATE TABLE kept (n integer)`);
    await wh.query(`INSERT INTO kept SELECT generate_series(1, 50)`);
    await wh.thread.kill();
    await waitFor('the thread to be back', async () => (await wh.query('SELECT 1').then(() => true, () => false)));
    expect((await wh.query<{ n: number; total: number }>('SELECT count(*)::int AS n, sum(n)::int AS total FROM kept')).rows).toEqual([{ n: 50, total: 1275 }]);
  }, 60_000);

  it('runs queued statements in arrival order', async () => {
    const finished: string[] = [];
    const track = (name: string, sql: string) => wh.query(sql).then(() => void finished.push(name));
    await Promise.all([track('first', 'SELECT pg_sleep(0.3)'), track('second', 'SELECT 2'), track('third', 'SELECT pg_sleep(0.1)'), track('fourth', 'SELECT 4')]);
    expect(finished).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('never lets another statement into an open transaction', async () => {
    await wh.query(`CREATE TABLE tx_probe (n integer)`);
    let counted: Promise<number> | undefined;
    await wh.db.transaction().execute(async (trx) => {
      await trx.insertInto('tx_probe').values({ n: 1 }).execute();
      // Issued while the transaction is open: it must wait for COMMIT, not run inside the transaction.
      counted = wh.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_probe').then((r) => r.rows[0]!.n);
      await new Promise((r) => setTimeout(r, 200));
      await trx.insertInto('tx_probe').values({ n: 2 }).execute();
    });
    expect(await counted).toBe(2);
    // A failed transaction is rolled back and the thread keeps serving.
    await expect(
      wh.db.transaction().execute(async (trx) => {
        await trx.insertInto('tx_probe').values({ n: 3 }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await wh.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_probe')).rows).toEqual([{ n: 2 }]);
  });

  it('streams in batches through the thread, and a stream whose thread restarted fails as unavailable', async () => {
    const batches: number[] = [];
    let sum = 0;
    for await (const batch of wh.stream!<{ n: number }>('SELECT n FROM generate_series(1, 2500) AS n', [], { batchSize: 1000 })) {
      batches.push(batch.rows.length);
      for (const r of batch.rows) sum += r.n;
    }
    expect(batches).toEqual([1000, 1000, 500]);
    expect(sum).toBe((2500 * 2501) / 2);

    const broken = wh.stream!<{ n: number }>('SELECT n FROM generate_series(1, 2500) AS n', [], { batchSize: 1000 })[Symbol.asyncIterator]();
    expect((await broken.next()).value?.rows.length).toBe(1000);
    await wh.thread.kill();
    await expect(broken.next()).rejects.toMatchObject({ code: 'WAREHOUSE_UNAVAILABLE' });
  }, 60_000);
});

describe('the demo through the worker thread', () => {
  let demo: DemoEngine | undefined;

  // Migrations and the seed run through the thread too (Kysely transactions as thread sessions).
  beforeAll(async () => {
    demo = await openDemoEngine('pglite', 0.05, { worker: true, statementTimeoutMs: 60_000 });
  }, 240_000);

  afterAll(async () => {
    await demo?.wh.dispose();
  });

  it('answers the demo KPIs as hand-written SQL does', async () => {
    await expectSameAsSql(
      demo!,
      { metrics: ['reports_received', 'reports_resolved'], groupBy: ['report__channel'] },
      `select channel as report__channel, count(*) as reports_received,
              sum(case when resolved_at is not null then 1 else 0 end) as reports_resolved
       from public_space_reports where $1::text is not null group by 1`,
      ['report__channel', 'reports_received', 'reports_resolved'],
    );
    await expectSameAsSql(
      demo!,
      { metrics: ['reports_received'], groupBy: ['metric_time__quarter'], where: "{{ Dimension('report__channel') }} = 'app'" },
      `select date_trunc('quarter', received_at at time zone $1)::date as metric_time__quarter, count(*) as reports_received
       from public_space_reports where channel = 'app' group by 1`,
      ['metric_time__quarter', 'reports_received'],
    );
  });
});

describe('a worker thread that cannot restart', () => {
  let dir = '';
  let thread: PgliteThread | undefined;
  const reasons: RestartReason[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maatstaf-thread-'));
    thread = await startPgliteThread({ dataDir: join(dir, 'pgdata'), setup: [], numberOids: [20, 1700], textOids: [], onRestart: (r) => void reasons.push(r) });
  }, 120_000);

  afterAll(async () => {
    await thread?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers WAREHOUSE_UNAVAILABLE at once while down, retries the start, and serves again when it can', async () => {
    expect((await thread!.run('SELECT 40 + 2 AS n', [])).rows).toEqual([{ n: 42 }]);
    // The data folder becomes a file: the restart after the kill cannot open it.
    rmSync(join(dir, 'pgdata'), { recursive: true, force: true });
    writeFileSync(join(dir, 'pgdata'), 'not a data folder');
    await thread!.kill();
    await waitFor('the restart to fail', async () => (await thread!.run('SELECT 1', []).then(() => 'ok', (e: { code?: string }) => e.code)) === 'WAREHOUSE_UNAVAILABLE', 30_000);
    const started = Date.now();
    await expect(thread!.run('SELECT 1', [])).rejects.toMatchObject({ code: 'WAREHOUSE_UNAVAILABLE' });
    // Failing fast, not waiting for the next attempt.
    expect(Date.now() - started).toBeLessThan(500);
    // A folder again (empty: PGlite creates a fresh database there); a later retry succeeds.
    rmSync(join(dir, 'pgdata'), { force: true });
    await waitFor('a retried start to succeed', async () => (await thread!.run('SELECT 2 AS n', []).then((r) => r.rows[0], () => undefined)) !== undefined, 90_000);
    expect(reasons[0]).toBe('crash');
    expect(reasons).toContain('retry');
  }, 150_000);
});
