/**
 * A client that disconnects cancels its PostgreSQL query (issue 8): REST and GraphQL over a real
 * socket (queries and dimension-value lookups) and the CLI interrupted with Ctrl-C, the query visible
 * in pg_stat_activity while it runs and gone within seconds after the client left; a coalesced
 * second client keeps the shared query alive; the concurrency limiter drops a queued query whose
 * client left and frees the slot of a cancelled one.
 *
 * PostgreSQL only here: the embedded PGlite is cancelled by ending its worker thread
 * (tests/integration/pglite-worker.test.ts); in-thread PGlite cannot interrupt a statement. The slow SQL is honest SQL in the test's own schema: a view whose
 * read sleeps in pg_sleep (tests/fixtures/definitions/slow).
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SpeedLayer, SpeedLayerSettings } from '../../src/cache/speed-layer.js';
import { cliEnv, startCli } from '../helpers/cli.js';
import { testServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const SLOW_DEFINITIONS = 'tests/fixtures/definitions/slow';

const BY_KIND = { metrics: ['amount_total'], groupBy: ['fact__kind'] };
const BY_DAY = { metrics: ['amount_total'], groupBy: ['metric_time__day'] };
const COUNT_BY_KIND = { metrics: ['facts_count'], groupBy: ['fact__kind'] };

interface Server {
  readonly app: FastifyInstance;
  readonly speed: SpeedLayer;
  readonly base: string;
  /** The server log, one parsed JSON line per entry. */
  readonly log: { level: number; msg?: string }[];
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('client disconnect cancels the PostgreSQL query', () => {
  let wh: TestWarehouse;
  const servers: Server[] = [];

  /** Statements on the slow view running now (not this monitoring query, nor a start-up column-type probe, which reads no rows). */
  const running = async (): Promise<number> => {
    const res = await wh.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()
         AND query LIKE '%FROM "slow_facts"%' AND query NOT LIKE '%pg_stat_activity%'
         AND query NOT LIKE '%WHERE false'`,
    );
    return res.rows[0]!.n;
  };

  async function server(settings: Partial<SpeedLayerSettings> = {}): Promise<Server> {
    const log: Server['log'] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log.push(JSON.parse(line) as Server['log'][number]);
        done();
      },
    });
    const { app, speed } = await testServer(wh, { config: { metricsDir: SLOW_DEFINITIONS, ...settings }, logger: pino({ level: 'info' }, sink) });
    // Only what requests log is checked: not the start-up warnings (no audit log, no access policy).
    log.splice(0);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const s = { app, speed, base: address, log };
    servers.push(s);
    return s;
  }

  /** Starts a request the test can abort like a browser tab being closed. */
  function request(s: Server, path: string, body: unknown) {
    const controller = new AbortController();
    const done = fetch(`${s.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    }).then(
      (res) => ({ status: res.status }),
      (e: unknown) => ({ error: e }),
    );
    return {
      done,
      async abort() {
        controller.abort();
        return done;
      },
    };
  }

  beforeAll(async () => {
    wh = await openTestWarehouse('postgres');
    await wh.query(`CREATE TABLE slow_facts_data (fact_id integer PRIMARY KEY, happened_at timestamptz NOT NULL, kind text NOT NULL, amount integer NOT NULL)`);
    await wh.query(`INSERT INTO slow_facts_data VALUES (1, '2026-01-05 10:00+01', 'a', 10), (2, '2026-01-06 11:00+01', 'b', 20), (3, '2026-01-06 12:00+01', 'a', 5)`);
    // Every read of the view sleeps a minute: only a cancel ends it within the test's seconds.
    await wh.query(`CREATE VIEW slow_facts AS SELECT d.* FROM slow_facts_data AS d CROSS JOIN LATERAL (SELECT pg_sleep(60)) AS s`);
  }, 60_000);

  afterEach(async () => {
    // Never leave a sleeping statement behind (it would hold the schema's locks at DROP SCHEMA).
    await wh.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%FROM "slow_facts"%' AND query NOT LIKE '%pg_stat_activity%'`);
    for (const s of servers.splice(0)) await s.app.close();
  });

  afterAll(async () => {
    await wh?.dispose();
  });

  it('cancels the running query when the REST client disconnects', async () => {
    const s = await server();
    const client = request(s, '/v1/query', BY_KIND);
    await waitFor('the query to run on PostgreSQL', async () => (await running()) === 1);
    expect(s.speed.limiter.running).toBe(1);

    const outcome = await client.abort();
    expect(outcome).toHaveProperty('error');
    const tookMs = await waitFor('the query to be cancelled', async () => (await running()) === 0, 5000);
    expect(tookMs).toBeLessThan(5000);
    await waitFor('the limiter slot to be released', () => s.speed.limiter.running === 0, 2000);
    // A client that left is not a server error: nothing at warn level or above in the server log.
    await new Promise((r) => setTimeout(r, 300));
    expect(s.log.some((l) => l.msg === 'incoming request')).toBe(true);
    expect(s.log.filter((l) => l.level >= 40)).toEqual([]);

    // The server is fine afterwards: the same SQL compiles and the pool still answers.
    const compiled = await fetch(`${s.base}/v1/compile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(BY_KIND) });
    expect(compiled.status).toBe(200);
    expect((await wh.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  }, 30_000);

  it('cancels the running query when the GraphQL client disconnects', async () => {
    const s = await server();
    const client = request(s, '/graphql', { query: '{ query(input: {metrics: ["facts_count"], groupBy: ["metric_time__day"]}) { rows } }' });
    await waitFor('the GraphQL query to run on PostgreSQL', async () => (await running()) === 1);
    await client.abort();
    await waitFor('the GraphQL query to be cancelled', async () => (await running()) === 0, 5000);
    await waitFor('the limiter slot to be released', () => s.speed.limiter.running === 0, 2000);
  }, 30_000);

  it('keeps a coalesced query running while one client still waits, and cancels it when the last leaves', async () => {
    const s = await server();
    const first = request(s, '/v1/query', BY_DAY);
    await waitFor('the first query to run', async () => (await running()) === 1);
    const second = request(s, '/v1/query', BY_DAY);
    // The second client joins the first one's query: still exactly one statement on PostgreSQL.
    await new Promise((r) => setTimeout(r, 300));
    expect(await running()).toBe(1);

    await first.abort();
    // Well past the time a cancel takes (see the tests above): the shared query is still running.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await running()).toBe(1);
    expect(s.speed.limiter.running).toBe(1);

    await second.abort();
    await waitFor('the shared query to be cancelled', async () => (await running()) === 0, 5000);
    await waitFor('the limiter slot to be released', () => s.speed.limiter.running === 0, 2000);
  }, 30_000);

  it('drops a queued query whose client left and frees the slot of a cancelled one', async () => {
    const s = await server({ maxConcurrentQueries: 1, maxQueuedQueries: 10 });
    const holder = request(s, '/v1/query', BY_KIND);
    await waitFor('the first query to hold the only slot', async () => (await running()) === 1);
    const queued = request(s, '/v1/query', COUNT_BY_KIND);
    await waitFor('the second query to queue', () => s.speed.limiter.queued === 1, 2000);

    await queued.abort();
    await waitFor('the queued query to leave the queue', () => s.speed.limiter.queued === 0, 2000);
    expect(s.speed.limiter.running).toBe(1);
    expect(await running()).toBe(1);

    await holder.abort();
    await waitFor('the running query to be cancelled', async () => (await running()) === 0, 5000);
    await waitFor('the slot to be free', () => s.speed.limiter.running === 0, 2000);

    // The freed slot takes the next query at once.
    const next = request(s, '/v1/query', COUNT_BY_KIND);
    await waitFor('the next query to run in the freed slot', async () => (await running()) === 1 && s.speed.limiter.running === 1);
    await next.abort();
    await waitFor('the next query to be cancelled', async () => (await running()) === 0, 5000);
  }, 30_000);

  it('cancels a dimension-values lookup when its client disconnects', async () => {
    const s = await server();
    const controller = new AbortController();
    const done = fetch(`${s.base}/v1/dimensions/fact__kind/values`, { signal: controller.signal }).then(
      (res) => ({ status: res.status }),
      (e: unknown) => ({ error: e }),
    );
    await waitFor('the lookup to run on PostgreSQL', async () => (await running()) === 1);
    controller.abort();
    expect(await done).toHaveProperty('error');
    await waitFor('the lookup to be cancelled', async () => (await running()) === 0, 5000);
    await waitFor('the limiter slot to be released', () => s.speed.limiter.running === 0, 2000);
  }, 30_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('cancels the CLI query on %s: exit code %i, the statement gone from PostgreSQL', async (signal, code) => {
    const schema = (await wh.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    const child = startCli(
      ['query', '--database-url', process.env.TEST_DATABASE_URL!, '--schema', schema, '--metrics-dir', SLOW_DEFINITIONS, '--metrics', 'amount_total', '--group-by', 'fact__kind'],
      cliEnv(),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor('the CLI query to run on PostgreSQL', async () => (await running()) === 1, 20_000);
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(child.output().stderr).toContain('query cancelled');
      await waitFor('the CLI statement to be gone', async () => (await running()) === 0, 5000);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('PGlite and cancellation', () => {
  // PGlite runs statements in-process, one at a time, and cannot interrupt one: work whose client
  // already left is refused before it starts (and the limiter drops it from its queue).
  it('refuses to start a statement for an aborted signal, and runs it without one', async () => {
    const wh = await openTestWarehouse('pglite');
    try {
      await expect(wh.query('SELECT 1 AS one', [], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'QUERY_CANCELLED', status: 499 });
      expect((await wh.query('SELECT 1 AS one', [], { signal: new AbortController().signal })).rows).toEqual([{ one: 1 }]);
    } finally {
      await wh.dispose();
    }
  });
});
