/**
 * The demo catalog's headline numbers, compiled by the engine, against hand-written SQL over the
 * seeded demo municipality — on every engine.
 */
import { describe, expect, it } from 'vitest';
import { useDemoEngine } from '../helpers/demo-engine.js';
import { publishedCountSql } from '../helpers/cell-key-sql.js';
import { ENGINES } from '../helpers/warehouses.js';

describe.each(ENGINES)('demo catalog numbers on %s', (engineName) => {
  const suite = useDemoEngine(engineName);
  const { expectSame } = suite;

  it('document pickups by ISO weekday × hour of day in local time (the counter peaks)', async () => {
    const res = await expectSame(
      { metrics: ['document_pickups'], groupBy: ['metric_time__extract_dow', 'metric_time__extract_hour'] },
      `select extract(isodow from picked_up_at at time zone $1)::int as metric_time__extract_dow,
              extract(hour from picked_up_at at time zone $1)::int as metric_time__extract_hour,
              sum(case when picked_up_at is not null then 1 else 0 end) as document_pickups
       from document_applications group by 1, 2`,
      ['metric_time__extract_dow', 'metric_time__extract_hour', 'document_pickups'],
    );
    // Closed on Sundays: no pickups on ISO day 7. Applications not yet picked up form MetricFlow's
    // NULL-time group with a count of 0 (count(x) is sum(case when x is not null …)).
    expect(res.rows.some((r) => r.metric_time__extract_dow === 7)).toBe(false);
    expect(res.rows.filter((r) => r.metric_time__extract_dow === null)).toEqual([
      { metric_time__extract_dow: null, metric_time__extract_hour: null, document_pickups: 0 },
    ]);
  });

  it('median resolution time per district (joined dimension, percentile)', async () => {
    await expectSame(
      { metrics: ['median_resolution_hours', 'reports_resolved'], groupBy: ['district__district_name'] },
      `select d.district_name as district__district_name,
              percentile_cont(0.5) within group (order by case when r.resolved_at >= r.received_at
                 then extract(epoch from (r.resolved_at - r.received_at)) / 3600.0 end) as median_resolution_hours,
              sum(case when r.resolved_at is not null then 1 else 0 end) as reports_resolved
       from public_space_reports r left join districts d on d.district_id = r.district_id
       where $1::text is not null
       group by 1`,
      ['district__district_name', 'median_resolution_hours', 'reports_resolved'],
    );
  });

  it('reports received by month in 2024 through the app channel (filter + time range)', async () => {
    await expectSame(
      {
        metrics: ['reports_received'],
        groupBy: ['metric_time__month'],
        where: "{{ Dimension('report__channel') }} = 'app'",
        timeRange: { start: '2024-01-15', end: '2024-06-10' },
      },
      `select date_trunc('month', received_at at time zone $1)::date as metric_time__month, count(*) as reports_received
       from public_space_reports
       where channel = 'app' and (received_at at time zone $1) >= '2024-01-01' and (received_at at time zone $1) < '2024-07-01'
       group by 1`,
      ['metric_time__month', 'reports_received'],
    );
  });

  it('satisfaction: average score and share of 7+ per quarter (ratio)', async () => {
    await expectSame(
      { metrics: ['satisfaction_avg', 'share_scores_7_plus'], groupBy: ['metric_time__quarter'] },
      `select date_trunc('quarter', responded_at at time zone $1)::date as metric_time__quarter,
              avg(score) as satisfaction_avg,
              sum(case when score >= 7 then 1 else 0 end)::float8 / nullif(count(*), 0)::float8 as share_scores_7_plus
       from survey_responses group by 1`,
      ['metric_time__quarter', 'satisfaction_avg', 'share_scores_7_plus'],
    );
  });

  it('appointment no-show rate by location and year', async () => {
    await expectSame(
      { metrics: ['no_show_rate'], groupBy: ['appointment__location', 'metric_time__year'] },
      `select location as appointment__location, date_trunc('year', scheduled_at at time zone $1)::date as metric_time__year,
              sum(case when status = 'no_show' then 1 else 0 end)::float8 / nullif(count(*), 0)::float8 as no_show_rate
       from appointments group by 1, 2`,
      ['appointment__location', 'metric_time__year', 'no_show_rate'],
    );
  });

  it('metrics from different models combined on the month key: no double counting', async () => {
    await expectSame(
      { metrics: ['reports_received', 'document_applications', 'absence_reports'], groupBy: ['metric_time__month'] },
      `with a as (select date_trunc('month', received_at at time zone $1)::date m, count(*) n from public_space_reports group by 1),
            b as (select date_trunc('month', applied_at at time zone $1)::date m, count(*) n from document_applications group by 1),
            c as (select date_trunc('month', report_date)::date m, ${publishedCountSql('count(*)', 'pupil_pseudonym')} n from school_absence_reports group by 1)
       select coalesce(a.m, b.m, c.m) as metric_time__month, a.n as reports_received, b.n as document_applications, c.n as absence_reports
       from a full join b on a.m = b.m full join c on coalesce(a.m, b.m) = c.m`,
      ['metric_time__month', 'reports_received', 'document_applications', 'absence_reports'],
    );
  });

  // 2020–2024 rather than one year: per district a single year has fewer than k=10 clients, and
  // small-cell suppression would withhold every cell.
  it('outflow to work share by district for cases ended in 2020-2024 (date columns, never shifted)', async () => {
    await expectSame(
      {
        metrics: ['outflow_to_work_share'],
        groupBy: ['district__district_name'],
        timeRange: { start: '2020-01-01', end: '2024-12-31' },
      },
      `select d.district_name as district__district_name,
              -- a ratio of two cell-key counts is published from the perturbed counts (README "Privacy")
              ${publishedCountSql(`sum(case when c.end_reason = 'work' then 1 else 0 end)`, `case when c.end_reason = 'work' then c.client_pseudonym end`)}::float8
                / nullif(${publishedCountSql('count(*)', 'c.client_pseudonym')}, 0)::float8 as outflow_to_work_share
       from benefit_cases c left join districts d on d.district_id = c.district_id
       where c.end_date between '2020-01-01' and '2024-12-31' and $1::text is not null
       group by 1`,
      ['district__district_name', 'outflow_to_work_share'],
    );
  });
});
