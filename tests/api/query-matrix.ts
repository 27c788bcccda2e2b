/**
 * A shared matrix of queries over the demo definitions (metrics/): every metric type, joined
 * dimensions, each time grain and date part, filters, time ranges, order and limit, queries
 * without metrics, and saved queries with and without run-time params. Interfaces that must agree
 * (REST, GraphQL, CLI, …) run the same cases and compare their results.
 */
import type { MetricQueryInput } from '../../src/core/query.js';
import type { SavedQueryParams } from '../../src/engine/saved-queries.js';

/** An ad-hoc query: the POST /v1/query body. */
export interface QueryCase {
  readonly kind: 'query';
  readonly name: string;
  readonly query: MetricQueryInput;
}

/** A saved query run with optional run-time params: the POST /v1/saved-queries/{name}/results body. */
export interface SavedQueryCase {
  readonly kind: 'saved';
  readonly name: string;
  readonly savedQuery: string;
  readonly params?: SavedQueryParams;
}

export type MatrixCase = QueryCase | SavedQueryCase;

const q = (name: string, query: MetricQueryInput): QueryCase => ({ kind: 'query', name, query });
const saved = (name: string, savedQuery: string, params?: SavedQueryParams): SavedQueryCase => ({
  kind: 'saved',
  name,
  savedQuery,
  ...(params ? { params } : {}),
});

const YEAR_2024 = { start: '2024-01-01', end: '2024-12-31' };
const WASTE = "{{ Dimension('report__category') }} = 'afval'";

export const QUERY_MATRIX: readonly MatrixCase[] = [
  // Simple metrics, every grain of metric_time
  q('simple total', { metrics: ['reports_received'] }),
  q('simple by default grain', { metrics: ['reports_received'], groupBy: ['metric_time'], orderBy: ['metric_time'], timeRange: { start: '2024-03-01', end: '2024-03-10' } }),
  q('simple by hour, one day', { metrics: ['reports_received'], groupBy: ['metric_time__hour'], orderBy: ['metric_time__hour'], timeRange: { start: '2024-03-05', end: '2024-03-05' } }),
  q('simple by day, one month', { metrics: ['reports_received'], groupBy: ['metric_time__day'], orderBy: ['metric_time__day'], timeRange: { start: '2024-03-01', end: '2024-03-31' } }),
  q('simple by week', { metrics: ['appointments'], groupBy: ['metric_time__week'], orderBy: ['metric_time__week'], timeRange: { start: '2024-01-01', end: '2024-03-31' } }),
  q('simple by month', { metrics: ['reports_received'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'] }),
  q('simple by quarter', { metrics: ['reports_resolved'], groupBy: ['metric_time__quarter'], orderBy: ['metric_time__quarter'] }),
  q('simple by year', { metrics: ['document_applications'], groupBy: ['metric_time__year'], orderBy: ['metric_time__year'] }),
  // A personal day-grain model: at test scale only whole years reach k (smaller groups are dropped, README "Privacy").
  q('day-grain model by year', { metrics: ['benefit_cases_started'], groupBy: ['metric_time__year'], orderBy: ['metric_time__year'] }),
  // Aggregations
  q('count distinct by year', { metrics: ['reporting_residents'], groupBy: ['metric_time__year'], orderBy: ['metric_time__year'] }),
  q('median by priority', { metrics: ['median_resolution_hours'], groupBy: ['report__priority'], orderBy: ['report__priority'] }),
  q('average by document type', { metrics: ['avg_counter_wait_minutes'], groupBy: ['application__document_type'], orderBy: ['application__document_type'] }),
  q('sum_boolean by location', { metrics: ['no_shows', 'appointments'], groupBy: ['appointment__location'], orderBy: ['appointment__location'] }),
  q('two counts of one model', { metrics: ['absence_reports', 'pupils_reported'], groupBy: ['absence_report__absence_type'], orderBy: ['absence_report__absence_type'] }),
  // Ratio, derived and filtered metrics
  q('ratio with filtered numerator by month', { metrics: ['app_share'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'], timeRange: YEAR_2024 }),
  q('ratio by categorical', { metrics: ['no_show_rate'], groupBy: ['appointment__kind'], orderBy: ['appointment__kind'] }),
  q('ratio on end date by quarter', { metrics: ['outflow_to_work_share'], groupBy: ['metric_time__quarter'], orderBy: ['metric_time__quarter'] }),
  q('ratio and its inputs', { metrics: ['share_scores_7_plus', 'scores_7_or_more', 'survey_responses'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'], timeRange: YEAR_2024 }),
  q('derived by month', { metrics: ['median_resolution_days'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'], timeRange: YEAR_2024 }),
  q('filtered metric by category', { metrics: ['urgent_reports_received', 'reports_received'], groupBy: ['report__category'], orderBy: ['report__category'] }),
  q('metrics of two models by month', { metrics: ['reports_received', 'satisfaction_avg'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'], timeRange: YEAR_2024 }),
  // Joined dimensions and entities
  q('joined dimension', { metrics: ['reports_received', 'reports_resolved'], groupBy: ['district__district_name'], orderBy: ['district__district_name'] }),
  q('joined dimension through two hops', { metrics: ['reports_received'], groupBy: ['neighbourhood__district__district_name', 'neighbourhood__neighbourhood_name'], orderBy: ['neighbourhood__district__district_name', 'neighbourhood__neighbourhood_name'] }),
  q('entity as group-by item', { metrics: ['benefit_cases_started'], groupBy: ['district'], orderBy: ['district'] }),
  q('non-metric-time time dimension', { metrics: ['reports_received'], groupBy: ['report__received_at__month'], orderBy: ['report__received_at__month'], timeRange: YEAR_2024 }),
  // Date parts
  q('date part dow', { metrics: ['document_pickups'], groupBy: ['metric_time__extract_dow'], orderBy: ['metric_time__extract_dow'] }),
  q('date part hour', { metrics: ['document_pickups'], groupBy: ['metric_time__extract_hour'], orderBy: ['metric_time__extract_hour'] }),
  q('date parts dow and hour', { metrics: ['reports_received'], groupBy: ['metric_time__extract_dow', 'metric_time__extract_hour'], orderBy: ['metric_time__extract_dow', 'metric_time__extract_hour'] }),
  // Filters, time ranges, order and limit
  q('where on own dimension', { metrics: ['reports_received'], groupBy: ['report__subcategory'], where: WASTE, orderBy: ['report__subcategory'] }),
  q('where on joined dimension', { metrics: ['reports_received'], groupBy: ['report__category'], where: ["{{ Dimension('district__district_name') }} = 'Binnenstad'"], orderBy: ['report__category'] }),
  q('several where filters', { metrics: ['reports_received'], groupBy: ['metric_time__month'], where: [WASTE, "{{ Dimension('report__channel') }} IN ('app', 'web')"], orderBy: ['metric_time__month'], timeRange: YEAR_2024 }),
  q('where on metric_time', { metrics: ['document_applications'], groupBy: ['metric_time__month'], where: ["{{ TimeDimension('metric_time', 'month') }} >= '2024-10-01'"], orderBy: ['metric_time__month'] }),
  q('order by metric descending with limit', { metrics: ['reports_received'], groupBy: ['report__subcategory'], orderBy: ['-reports_received', 'report__subcategory'], limit: 5 }),
  q('limit without order on a total', { metrics: ['survey_responses', 'satisfaction_avg'], limit: 1 }),
  // Queries without metrics (dimension values)
  q('dimension only, joined', { metrics: [], groupBy: ['district__district_name'], orderBy: ['district__district_name'] }),
  q('dimension only, own', { groupBy: ['report__category'], orderBy: ['report__category'] }),
  q('dimension only, two items', { groupBy: ['report__category', 'report__channel'], orderBy: ['report__category', 'report__channel'] }),
  q('dimension only, metric time by month', { groupBy: ['metric_time__month'], orderBy: ['-metric_time__month'], limit: 6 }),
  // Saved queries
  saved('saved: by month and category', 'reports_by_month_and_category'),
  saved('saved: resolution by district', 'resolution_time_by_district'),
  saved('saved: pickup peaks', 'pickup_peaks'),
  saved('saved: satisfaction by month', 'satisfaction_by_month'),
  saved('saved with where, time range and limit', 'reports_by_month_and_category', { where: [WASTE], timeRange: YEAR_2024, limit: 6 }),
  saved('saved with order replaced', 'resolution_time_by_district', { orderBy: ['-reports_resolved'], limit: 3 }),
];
