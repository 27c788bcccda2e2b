/**
 * "Reports per 1,000 inhabitants by district" over the demo: inhabitants is a semi-additive stock
 * (the last reference date of each period), reports a flow; the derived KPI divides them per
 * district and period. Checked against hand-written SQL on every engine.
 */
import { describe, expect, it } from 'vitest';
import { TOTAL_POPULATION } from '../../src/demo/geography.js';
import { savedQueryRunRequest } from '../../src/engine/saved-queries.js';
import { useDemoEngine } from '../helpers/demo-engine.js';
import { ENGINES } from '../helpers/warehouses.js';

/** Inhabitants per district on the last reference date within each `grain` period. */
const populationAt = (grain: 'month' | 'year') => `
  select date_trunc('${grain}', dp.reference_date)::date as p, d.district_name, sum(dp.inhabitants) as inh
  from district_population dp join districts d on d.district_id = dp.district_id
  where dp.reference_date = (select max(x.reference_date) from district_population x
                             where date_trunc('${grain}', x.reference_date) = date_trunc('${grain}', dp.reference_date))
    and dp.reference_date >= '2024-01-01' and dp.reference_date < '2025-01-01'
  group by 1, 2`;

/** Reports received per district and `grain` period of 2024 (Amsterdam time); unknown district kept as NULL. */
const reportsBy = (grain: 'month' | 'year') => `
  select date_trunc('${grain}', r.received_at at time zone $1)::date as p, d.district_name, count(*) as n
  from public_space_reports r left join districts d on d.district_id = r.district_id
  where (r.received_at at time zone $1) >= '2024-01-01' and (r.received_at at time zone $1) < '2025-01-01'
  group by 1, 2`;

const perThousand = (grain: 'month' | 'year', col: string) => `
  with pop as (${populationAt(grain)}), rep as (${reportsBy(grain)})
  select coalesce(rep.p, pop.p) as ${col}, coalesce(rep.district_name, pop.district_name) as district__district_name,
         rep.n * 1000.0 / nullif(pop.inh, 0) as reports_per_1000_inhabitants
  from rep full join pop on pop.p = rep.p and pop.district_name = rep.district_name`;

describe.each(ENGINES)('reports per 1,000 inhabitants on %s', (engineName) => {
  const suite = useDemoEngine(engineName);
  const { expectSame } = suite;
  const range = { start: '2024-01-01', end: '2024-12-31' };

  it('by district and month', async () => {
    const cols = ['metric_time__month', 'district__district_name', 'reports_per_1000_inhabitants'];
    const ours = await expectSame(
      { metrics: ['reports_per_1000_inhabitants'], groupBy: ['metric_time__month', 'district__district_name'], timeRange: range },
      perThousand('month', 'metric_time__month'),
      cols,
    );
    expect(ours.rows.filter((r) => r['district__district_name'] !== null)).toHaveLength(12 * 12);
  });

  it('by district and year: the inhabitants of the last reference date of the year', async () => {
    await expectSame(
      { metrics: ['reports_per_1000_inhabitants'], groupBy: ['metric_time__year', 'district__district_name'], timeRange: range },
      perThousand('year', 'metric_time__year'),
      ['metric_time__year', 'district__district_name', 'reports_per_1000_inhabitants'],
    );
  });

  it('the dashboard saved query gives the same numbers per district and year', async () => {
    const request = savedQueryRunRequest(suite.demo.engine.definitions, 'reports_per_1000_inhabitants_by_district', { timeRange: range });
    await expectSame(request, perThousand('year', 'metric_time__year'), ['metric_time__year', 'district__district_name', 'reports_per_1000_inhabitants']);
  });

  it('inhabitants without a time grouping: the latest reference date, summed over districts', async () => {
    const ours = await expectSame(
      { metrics: ['inhabitants'] },
      `select sum(inhabitants) as inhabitants from district_population
       where reference_date = (select max(reference_date) from district_population) and $1::text is not null`,
      ['inhabitants'],
    );
    // The latest reference date is today's population of the municipality.
    expect(Number(ours.rows[0]!['inhabitants'])).toBe(TOTAL_POPULATION);
  });

  it('inhabitants by year (not summed over the twelve monthly reference dates)', async () => {
    await expectSame(
      { metrics: ['inhabitants'], groupBy: ['metric_time__year'] },
      `select date_trunc('year', reference_date)::date as metric_time__year, sum(inhabitants) as inhabitants
       from district_population
       where reference_date in (select max(reference_date) from district_population group by date_trunc('year', reference_date))
         and $1::text is not null -- (the helper binds the time zone; dates need none)
       group by 1`,
      ['metric_time__year', 'inhabitants'],
    );
  });
});
