/**
 * The plan-shape benchmark's questions (issue 23): typical questions over the demo's reports, each
 * with the best SQL a person would write by hand for the same numbers (one scan where one suffices,
 * FILTER clauses, a running window for a year-to-date).
 */
import type { MetricQueryInput } from '../core/query.js';

export interface PlanQuestion {
  readonly name: string;
  readonly query: MetricQueryInput;
  /** Hand-written SQL giving the same rows (column names as maatstaf's output). */
  readonly hand: string;
}

const TZ = `'Europe/Amsterdam'`;
const local = (col: string) => `(${col} AT TIME ZONE ${TZ})`;
const trunc = (grain: string, col = 'received_at') => `CAST(date_trunc('${grain}', ${local(col)}) AS date)`;
const YEAR_2025 = `received_at >= TIMESTAMP '2025-01-01' AT TIME ZONE ${TZ} AND received_at < TIMESTAMP '2026-01-01' AT TIME ZONE ${TZ}`;
const HOURS = `CASE WHEN resolved_at >= received_at THEN EXTRACT(EPOCH FROM (resolved_at - received_at)) / 3600.0 END`;

export const PLAN_QUESTIONS: readonly PlanQuestion[] = [
  {
    name: 'count by month × category, limit (the Cube comparison)',
    query: { metrics: ['reports_received'], groupBy: ['metric_time__month', 'report__category'], limit: 10000 },
    hand: `SELECT ${trunc('month')} AS metric_time__month, category AS report__category, count(*) AS reports_received FROM public_space_reports GROUP BY 1, 2 LIMIT 10000`,
  },
  {
    name: 'count by category',
    query: { metrics: ['reports_received'], groupBy: ['report__category'] },
    hand: `SELECT category AS report__category, count(*) AS reports_received FROM public_space_reports GROUP BY 1`,
  },
  {
    name: 'count by day',
    query: { metrics: ['reports_received'], groupBy: ['metric_time__day'] },
    hand: `SELECT ${trunc('day')} AS metric_time__day, count(*) AS reports_received FROM public_space_reports GROUP BY 1`,
  },
  {
    name: 'count by week × channel',
    query: { metrics: ['reports_received'], groupBy: ['metric_time__week', 'report__channel'] },
    hand: `SELECT ${trunc('week')} AS metric_time__week, channel AS report__channel, count(*) AS reports_received FROM public_space_reports GROUP BY 1, 2`,
  },
  {
    name: 'count by quarter × subcategory',
    query: { metrics: ['reports_received'], groupBy: ['metric_time__quarter', 'report__subcategory'] },
    hand: `SELECT ${trunc('quarter')} AS metric_time__quarter, subcategory AS report__subcategory, count(*) AS reports_received FROM public_space_reports GROUP BY 1, 2`,
  },
  {
    name: 'count by year × category',
    query: { metrics: ['reports_received'], groupBy: ['metric_time__year', 'report__category'] },
    hand: `SELECT ${trunc('year')} AS metric_time__year, category AS report__category, count(*) AS reports_received FROM public_space_reports GROUP BY 1, 2`,
  },
  {
    name: 'count by month in 2025 (time range)',
    query: { metrics: ['reports_received'], groupBy: ['metric_time__month'], timeRange: { start: '2025-01-01', end: '2025-12-31' } },
    hand: `SELECT ${trunc('month')} AS metric_time__month, count(*) AS reports_received FROM public_space_reports WHERE ${YEAR_2025} GROUP BY 1`,
  },
  {
    name: 'count by channel, filtered to app and web',
    query: { metrics: ['reports_received'], groupBy: ['report__channel'], where: ["{{ Dimension('report__channel') }} IN ('app', 'web')"] },
    hand: `SELECT channel AS report__channel, count(*) AS reports_received FROM public_space_reports WHERE channel IN ('app', 'web') GROUP BY 1`,
  },
  {
    name: 'top 5 priority × status, ordered by count',
    query: { metrics: ['reports_received'], groupBy: ['report__priority', 'report__status'], orderBy: ['-reports_received'], limit: 5 },
    hand: `SELECT priority AS report__priority, status AS report__status, count(*) AS reports_received FROM public_space_reports GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5`,
  },
  {
    name: 'total count (no group-by)',
    query: { metrics: ['reports_received'] },
    hand: `SELECT count(*) AS reports_received FROM public_space_reports`,
  },
  {
    name: 'count by district name (joined dimension)',
    query: { metrics: ['reports_received'], groupBy: ['district__district_name'] },
    hand: `SELECT d.district_name AS district__district_name, count(*) AS reports_received FROM public_space_reports r LEFT JOIN districts d ON d.district_id = r.district_id GROUP BY 1`,
  },
  {
    name: 'count by month × district, app channel (typical dashboard)',
    query: { metrics: ['reports_received'], groupBy: ['metric_time__month', 'district__district_name'], where: ["{{ Dimension('report__channel') }} = 'app'"] },
    hand: `SELECT ${trunc('month', 'r.received_at')} AS metric_time__month, d.district_name AS district__district_name, count(*) AS reports_received
           FROM public_space_reports r LEFT JOIN districts d ON d.district_id = r.district_id WHERE r.channel = 'app' GROUP BY 1, 2`,
  },
  {
    name: 'resolved by month of resolution (count of a column)',
    query: { metrics: ['reports_resolved'], groupBy: ['metric_time__month'] },
    hand: `SELECT ${trunc('month', 'resolved_at')} AS metric_time__month, count(resolved_at) AS reports_resolved FROM public_space_reports GROUP BY 1`,
  },
  {
    name: 'received and resolved by month (two time dimensions)',
    query: { metrics: ['reports_received', 'reports_resolved'], groupBy: ['metric_time__month'] },
    hand: `SELECT COALESCE(a.m, b.m) AS metric_time__month, a.n AS reports_received, b.n AS reports_resolved
           FROM (SELECT ${trunc('month')} AS m, count(*) AS n FROM public_space_reports GROUP BY 1) a
           FULL JOIN (SELECT ${trunc('month', 'resolved_at')} AS m, count(resolved_at) AS n FROM public_space_reports GROUP BY 1) b ON a.m = b.m`,
  },
  {
    name: 'urgent reports by category (metric filter)',
    query: { metrics: ['urgent_reports_received'], groupBy: ['report__category'] },
    hand: `SELECT category AS report__category, count(*) AS urgent_reports_received FROM public_space_reports WHERE priority = 'urgent' GROUP BY 1`,
  },
  {
    name: 'app share by month (ratio with a filtered numerator)',
    query: { metrics: ['app_share'], groupBy: ['metric_time__month'] },
    hand: `SELECT ${trunc('month')} AS metric_time__month,
                  CAST(NULLIF(count(*) FILTER (WHERE channel = 'app'), 0) AS double precision) / NULLIF(count(*), 0) AS app_share
           FROM public_space_reports GROUP BY 1`,
  },
  {
    name: 'valid resolutions by month (sum_boolean)',
    query: { metrics: ['reports_resolved_valid'], groupBy: ['metric_time__month'] },
    hand: `SELECT ${trunc('month', 'resolved_at')} AS metric_time__month, count(*) FILTER (WHERE resolved_at >= received_at) AS reports_resolved_valid FROM public_space_reports GROUP BY 1`,
  },
  {
    name: 'average resolution hours by category',
    query: { metrics: ['avg_resolution_hours'], groupBy: ['report__category'] },
    hand: `SELECT category AS report__category, avg(${HOURS}) AS avg_resolution_hours FROM public_space_reports GROUP BY 1`,
  },
  {
    name: 'median resolution hours by category (percentile)',
    query: { metrics: ['median_resolution_hours'], groupBy: ['report__category'] },
    hand: `SELECT category AS report__category, percentile_cont(0.5) WITHIN GROUP (ORDER BY ${HOURS}) AS median_resolution_hours FROM public_space_reports GROUP BY 1`,
  },
  {
    name: 'distinct reporters by month (count distinct)',
    query: { metrics: ['reporting_residents'], groupBy: ['metric_time__month'] },
    hand: `SELECT ${trunc('month')} AS metric_time__month, count(DISTINCT reporter_pseudonym) AS reporting_residents FROM public_space_reports GROUP BY 1`,
  },
  {
    name: 'year to date by month (cumulative)',
    query: { metrics: ['reports_received_ytd'], groupBy: ['metric_time__month'] },
    // Months run on to the end of the last year with data, as the year to date does.
    hand: `WITH p AS (SELECT ${trunc('month')} AS m, count(*) AS n FROM public_space_reports GROUP BY 1),
                s AS (SELECT CAST(generate_series(MIN(m), CAST(date_trunc('year', MAX(m)) + INTERVAL '11 months' AS date), INTERVAL '1 month') AS date) AS m FROM p)
           SELECT s.m AS metric_time__month, sum(p.n) OVER (PARTITION BY date_trunc('year', s.m) ORDER BY s.m) AS reports_received_ytd
           FROM s LEFT JOIN p ON p.m = s.m`,
  },
];
