import { sql, type Expression } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter, renderFilter, type FilterRef } from '../../src/planner/filters/index.js';
import { coldDb } from '../unit/filters/helpers.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

/** What the compiler would do: map each reference to a column (or expression) of the filtered table. */
function columnFor(ref: FilterRef): Expression<unknown> {
  if (ref.kind === 'dimension' || ref.kind === 'time_dimension') {
    if (ref.datePart) return sql`date_part(${sql.lit(ref.datePart)}, ${sql.ref('ordered_at')})`;
    if (ref.name === 'metric_time') return sql`cast(date_trunc(${sql.lit(ref.grain ?? 'day')}, ${sql.ref('ordered_at')}) as date)`;
  }
  const columns: Record<string, string> = {
    report__district: 'district',
    order__amount: 'amount',
    order__ordered_at: 'ordered_at',
    order__created_at: 'created_at',
    order__is_large: 'is_large',
    order__qty: 'qty',
    customer__name: 'customer_name',
    customer: 'customer_id',
  };
  return sql.ref(columns[ref.name] ?? `unknown_${ref.name}`);
}

const ROWS = `
  (1, 'Centrum', 10.00, '2024-03-01', '2024-03-01 08:00:00', true,  1, 'Ann', 100),
  (2, 'Centrum', 12.50, '2024-03-02', '2024-03-02 23:59:59', false, 3000000001, 'O''Brien', 100),
  (3, 'Noord',   99.99, '2024-03-15', '2024-03-15 12:00:00', true,  5, 'Bo', 101),
  (4, 'Noord',    5.00, '2024-03-16', '2024-03-16 00:00:00', null,  7, 'Cy', null),
  (5, 'West',   250.00, '2024-03-30', '2024-03-30 10:30:00', true,  2, 'Di', 102),
  (6, 'West',     0.50, '2024-03-31', '2024-03-31 18:00:00', false, 9, 'Ed', 103),
  (7, null,      42.00, '2024-04-01', '2024-04-01 00:00:01', false, 4, 'Fi', 104),
  (8, 'Zuid',    12.50, '2024-02-29', '2024-02-29 09:00:00', true,  6, 'Gü', 105)`;

const D = (name: string) => `{{ Dimension('${name}') }}`;

/** [filter, hand-written WHERE clause with the same meaning]. */
const CASES: [string, string][] = [
  [`${D('report__district')} = 'Centrum'`, `district = 'Centrum'`],
  [`${D('report__district')} IN ('Centrum', 'Noord')`, `district in ('Centrum', 'Noord')`],
  [`${D('report__district')} NOT IN ('Centrum', 'Noord')`, `district not in ('Centrum', 'Noord')`],
  [`${D('order__amount')} IN (10, 12.50, 250)`, `amount in (10, 12.50, 250)`],
  [`${D('order__amount')} NOT IN (10, 12.5)`, `amount not in (10, 12.5)`],
  [`{{ TimeDimension('order__ordered_at', 'day') }} >= '2024-03-15'`, `ordered_at >= '2024-03-15'`],
  [`{{ TimeDimension('order__ordered_at', 'day') }} BETWEEN '2024-03-01' AND '2024-03-16'`, `ordered_at between '2024-03-01' and '2024-03-16'`],
  [`${D('order__created_at')} < '2024-03-15 12:00'`, `created_at < '2024-03-15 12:00'`],
  [`${D('order__created_at')} >= DATE '2024-03-31' - interval '7 days'`, `created_at >= date '2024-03-31' - interval '7 days'`],
  [`{{ TimeDimension('metric_time', 'month') }} = '2024-03-01'`, `date_trunc('month', ordered_at) = '2024-03-01'`],
  [`{{ Dimension('metric_time').grain('month') }} >= '2024-03-01'`, `date_trunc('month', ordered_at) >= '2024-03-01'`],
  [`{{ TimeDimension('order__ordered_at', date_part_name='dow') }} IN (0, 6)`, `extract(dow from ordered_at) in (0, 6)`],
  [`date_part('year', ${D('order__ordered_at')}) = 2024 AND extract(month from ${D('order__ordered_at')}) = 3`, `extract(month from ordered_at) = 3`],
  [`date_trunc('month', ${D('order__created_at')}) = '2024-03-01'`, `date_trunc('month', created_at) = '2024-03-01'`],
  [`1 + 1 = 2 AND ${D('order__amount')} * 2 > 20.5 - 1`, `amount * 2 > 19.5`],
  [`${D('order__amount')} / 2 >= 5 AND ${D('order__qty')} % 2 = 1`, `amount / 2 >= 5 and qty % 2 = 1`],
  [`${D('order__qty')} > 3000000000`, `qty > 3000000000`],
  [`${D('order__amount')} < 99999999999999999999.5`, 'true'],
  [`${D('order__amount')} BETWEEN -1 AND 12.5`, `amount between -1 and 12.5`],
  [`lower(${D('report__district')}) LIKE 'c%' OR ${D('report__district')} ILIKE '%OOR%'`, `district ilike 'c%' or district ilike '%oor%'`],
  [`${D('order__is_large')}`, `is_large`],
  [`${D('order__is_large')} = false`, `not is_large`],
  [`${D('order__is_large')} IS NOT TRUE`, `is_large is not true`],
  [`${D('report__district')} IS NULL`, `district is null`],
  [`coalesce(${D('report__district')}, 'unknown') = 'unknown'`, `district is null`],
  [`${D('report__district')} || '-' || ${D('report__district')} = 'West-West'`, `district = 'West'`],
  [`${D('customer__name')} = 'O''Brien' OR ${D('customer__name')} = 'Gü'`, `customer_name in ('O''Brien', 'Gü')`],
  [`CASE WHEN ${D('order__amount')} >= 50 THEN 'big' ELSE 'small' END = 'big'`, `amount >= 50`],
  [`${D('report__district')} IS DISTINCT FROM 'West'`, `district is distinct from 'West'`],
  [`{{ Entity('customer') }} IS NOT NULL AND NOT ({{ Entity('customer') }} = 100)`, `customer_id is not null and customer_id <> 100`],
  [`${D('order__created_at')} < now() AND ${D('order__ordered_at')} <= current_date`, 'true'],
];

describe.each(ENGINES)('rendered filters on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
    await wh.query(`create table t (
      id int, district text, amount numeric(10,2), ordered_at date, created_at timestamp, is_large boolean,
      qty int8, customer_name text, customer_id int)`);
    await wh.query(`insert into t values ${ROWS}`);
  });
  afterAll(async () => {
    await wh?.dispose();
  });

  async function countWhere(whereSql: string, params: readonly unknown[] = []): Promise<number> {
    const res = await wh.query<{ n: number }>(`select count(*)::int8 as n from t where ${whereSql}`, params);
    return res.rows[0]!.n;
  }

  it.each(CASES)('%s', async (filter, handWritten) => {
    const compiled = sql`select count(*)::int8 as n from t where ${renderFilter(parseFilter(filter), columnFor)}`.compile(coldDb);
    const res = await wh.query<{ n: number }>(compiled.sql, compiled.parameters);
    expect(res.rows[0]!.n).toBe(await countWhere(handWritten));
  });

  it('the cases are selective: most match some but not all rows', async () => {
    const counts = await Promise.all(CASES.map(([, handWritten]) => countWhere(handWritten)));
    expect(counts.filter((n) => n > 0 && n < 8).length).toBeGreaterThan(CASES.length - 4);
  });

  it('a hostile string value stays a value', async () => {
    const filter = `${D('report__district')} = 'x''; drop table t; --'`;
    const compiled = sql`select count(*)::int8 as n from t where ${renderFilter(parseFilter(filter), columnFor)}`.compile(coldDb);
    const res = await wh.query<{ n: number }>(compiled.sql, compiled.parameters);
    expect(res.rows[0]!.n).toBe(0);
    expect(await countWhere('true')).toBe(8);
  });
});
