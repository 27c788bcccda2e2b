/**
 * Warehouse.stream on both engines: rows in batches of the asked size with bound parameters,
 * values normalised like `query`, a consumer that stops early closes the cursor and frees the
 * connection (more early stops than the pool has connections), an aborted signal is
 * QUERY_CANCELLED, and on PostgreSQL the statement timeout applies to the streamed statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/open.js';
import type { WarehouseResult } from '../../src/warehouse/warehouse.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

describe.each(ENGINES)('Warehouse.stream on %s', (engineName) => {
  let wh: TestWarehouse;

  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
  }, 60_000);

  afterAll(async () => {
    await wh?.dispose();
  });

  const SQL = `SELECT i AS n, (i * 10)::bigint AS big, (DATE '2026-01-01' + i) AS day FROM generate_series(1, $1::int) AS i ORDER BY i`;

  it('yields every row in batches of the asked size, values as query gives them', async () => {
    const batches: WarehouseResult[] = [];
    for await (const b of wh.stream!(SQL, [25], { batchSize: 10 })) batches.push(b);
    expect(batches.map((b) => b.rows.length)).toEqual([10, 10, 5]);
    const whole = await wh.query(SQL, [25]);
    expect(batches.flatMap((b) => b.rows)).toEqual(whole.rows);
    expect(batches[0]!.fields.map((f) => f.name)).toEqual(['n', 'big', 'day']);
    // An empty result yields no batch at all.
    const none: unknown[] = [];
    for await (const b of wh.stream!(SQL, [0])) none.push(b);
    expect(none).toEqual([]);
  });

  it('closes the cursor and frees the connection when the consumer stops early', async () => {
    // The test pool has 4 connections: 8 abandoned streams would hang if any kept its connection.
    for (let i = 0; i < 8; i++) {
      for await (const b of wh.stream!(SQL, [100], { batchSize: 10 })) {
        expect(b.rows).toHaveLength(10);
        break;
      }
    }
    if (engineName === 'pglite') expect((await wh.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_cursors WHERE name LIKE 'maatstaf_export%'`)).rows[0]!.n).toBe(0);
    expect((await wh.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  }, 30_000);

  it('fails with QUERY_CANCELLED for an aborted signal', async () => {
    const run = async () => {
      for await (const b of wh.stream!(SQL, [10], { signal: AbortSignal.abort() })) void b;
    };
    await expect(run()).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
  });

  it.runIf(engineName === 'postgres')('applies the statement timeout to the streamed statement', async () => {
    const schema = wh.schema!;
    const timed = await openWarehouse({ databaseUrl: process.env.TEST_DATABASE_URL, schema, statementTimeoutMs: 200, poolSize: 1 });
    try {
      const run = async () => {
        for await (const b of timed.stream!('SELECT pg_sleep(2) AS s')) void b;
      };
      await expect(run()).rejects.toMatchObject({ code: '57014' });
      // The connection was given up, not returned in a failed transaction: the pool (of one) still answers.
      expect((await timed.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await timed.close();
    }
  }, 30_000);
});
