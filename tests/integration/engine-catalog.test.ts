/**
 * Headline KPIs of the demo catalog that use MetricFlow's advanced types, compiled by the engine,
 * against hand-written SQL over the seeded demo municipality — on every engine.
 */
import { describe, expect, it } from 'vitest';
import { useDemoEngine } from '../helpers/demo-engine.js';
import { publishedCountSql } from '../helpers/cell-key-sql.js';
import { ENGINES } from '../helpers/warehouses.js';

describe.each(ENGINES)('demo catalog KPIs (advanced types) on %s', (engineName) => {
  const suite = useDemoEngine(engineName);
  const { expectSame } = suite;

  it('share resolved within the norm of 5 working days, per month of resolution', async () => {
    await expectSame(
      { metrics: ['share_resolved_within_norm'], groupBy: ['metric_time__month'], timeRange: { start: '2024-01-01', end: '2024-12-31' } },
      `with r as (
         select date_trunc('month', resolved_at at time zone $1)::date as m,
                resolved_at >= received_at as valid,
                resolved_at >= received_at and (select count(*) from calendar c where c.is_workday
                   and c.date_day > (received_at at time zone $1)::date
                   and c.date_day <= (resolved_at at time zone $1)::date) <= 5 as within
         from public_space_reports
         where (resolved_at at time zone $1) >= '2024-01-01' and (resolved_at at time zone $1) < '2025-01-01')
       select m as metric_time__month,
              sum(case when within then 1 else 0 end)::float8 / nullif(sum(case when valid then 1 else 0 end), 0)::float8
                as share_resolved_within_norm
       from r group by m`,
      ['metric_time__month', 'share_resolved_within_norm'],
    );
  });

  it('open backlog at month end: the last snapshot day of each month, not a sum over days', async () => {
    const res = await expectSame(
      { metrics: ['open_backlog'], groupBy: ['metric_time__month'], timeRange: { start: '2024-01-01', end: '2024-06-30' } },
      `with last_day as (
         select date_trunc('month', snapshot_date)::date as m, max(snapshot_date) as d
         from daily_open_reports where snapshot_date between '2024-01-01' and '2024-06-30' group by 1)
       select l.m as metric_time__month, sum(o.open_count) as open_backlog
       from last_day l join daily_open_reports o on o.snapshot_date = l.d
       where $1::text is not null group by 1`,
      ['metric_time__month', 'open_backlog'],
    );
    expect(res.rows).toHaveLength(6);
  });

  it('year to date resets on 1 January and matches a running total', async () => {
    const res = await expectSame(
      { metrics: ['reports_received_ytd'], groupBy: ['metric_time__month'], timeRange: { start: '2024-11-01', end: '2025-02-28' } },
      `with months as (select generate_series('2024-11-01'::date, '2025-02-01'::date, interval '1 month')::date as m)
       select m as metric_time__month,
              (select count(*) from public_space_reports
               where (received_at at time zone $1)::date >= date_trunc('year', m)::date
                 and (received_at at time zone $1)::date <= (m + interval '1 month' - interval '1 day')::date) as reports_received_ytd
       from months`,
      ['metric_time__month', 'reports_received_ytd'],
    );
    const jan = res.rows.find((r) => r.metric_time__month === '2025-01-01')!;
    const dec = res.rows.find((r) => r.metric_time__month === '2024-12-01')!;
    expect(Number(jan.reports_received_ytd)).toBeLessThan(Number(dec.reports_received_ytd));
  });

  it('change vs the same quarter last year', async () => {
    await expectSame(
      { metrics: ['reports_received_yoy_change', 'reports_received_last_year'], groupBy: ['metric_time__quarter'], timeRange: { start: '2024-01-01', end: '2024-12-31' } },
      `with q as (select date_trunc('quarter', received_at at time zone $1)::date as q, count(*) as n from public_space_reports group by 1)
       select cur.q as metric_time__quarter, prev.n as reports_received_last_year,
              (cur.n - prev.n)::float8 / nullif(prev.n, 0) as reports_received_yoy_change
       from q cur join q prev on prev.q = (cur.q - interval '1 year')::date
       where cur.q between '2024-01-01' and '2024-12-31'`,
      ['metric_time__quarter', 'reports_received_yoy_change', 'reports_received_last_year'],
    );
  });

  it('recidivism of school absence within 12 months by gender does not differ meaningfully', async () => {
    const res = await expectSame(
      { metrics: ['absence_recidivism_rate'], groupBy: ['absence_report__gender'] },
      // Both counts are published with cell-key perturbation; the rate is computed from the published counts.
      `select gender as absence_report__gender,
              ${publishedCountSql('sum(case when repeated then 1 else 0 end)', 'case when repeated then pupil_pseudonym end')}::float8
              / nullif(${publishedCountSql('count(*)', 'pupil_pseudonym')}, 0)::float8 as absence_recidivism_rate
       from (select s.*, exists (select 1 from school_absence_reports later
                         where later.pupil_pseudonym = s.pupil_pseudonym and later.report_date > s.report_date
                           and later.report_date <= s.report_date + interval '12 months') as repeated
             from school_absence_reports s) s where $1::text is not null group by 1`,
      ['absence_report__gender', 'absence_recidivism_rate'],
    );
    const [a, b] = res.rows.map((r) => Number(r.absence_recidivism_rate));
    expect(Math.abs(a! - b!)).toBeLessThan(0.05);
  });

  it('share of documents picked up within 14 days of being ready (conversion)', async () => {
    await expectSame(
      { metrics: ['pickup_within_14_days_rate'], groupBy: ['metric_time__year'] },
      `select date_trunc('year', ready_at at time zone $1)::date as metric_time__year,
              -- MetricFlow compares metric_time at the base grain (hour, local time): b.t <= c.t and b.t > c.t - window
              sum(case when date_trunc('hour', picked_up_at at time zone $1) >= date_trunc('hour', ready_at at time zone $1)
                        and date_trunc('hour', ready_at at time zone $1) > date_trunc('hour', picked_up_at at time zone $1) - interval '14 days'
                       then 1 else 0 end)::float8
              / nullif(sum(case when ready_at is not null then 1 else 0 end), 0)::float8 as pickup_within_14_days_rate
       from document_applications group by 1`,
      ['metric_time__year', 'pickup_within_14_days_rate'],
    );
  });
});
