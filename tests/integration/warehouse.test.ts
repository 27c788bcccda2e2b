import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

describe.each(ENGINES)('warehouse on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });

  it('creates tables in its own schema and normalises value types the same on both engines', async () => {
    await wh.query('create table t (id int8, amount numeric(10,2), d date, ts timestamp, tz timestamptz, label text)');
    await wh.query(`insert into t values (9007199254740991, 12.50, '2024-03-31', '2024-03-31 01:30:00', '2024-03-31 01:30:00+00', 'x')`);
    const res = await wh.query('select * from t');
    expect(res.rows).toEqual([
      { id: 9007199254740991, amount: 12.5, d: '2024-03-31', ts: '2024-03-31 01:30:00', tz: expect.stringMatching(/^2024-03-31 0[13]:30:00/), label: 'x' },
    ]);
    const where = await wh.query<{ s: string }>('select current_schema() as s');
    expect(where.rows[0]!.s).toBe(wh.schema);
  });

  it('binds parameters', async () => {
    const res = await wh.query<{ v: number }>('select $1::int8 + 1 as v', [41]);
    expect(res.rows[0]!.v).toBe(42);
  });
});
