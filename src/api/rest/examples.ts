/**
 * Example values for the OpenAPI document. They name real metrics, dimensions and saved queries of
 * the bundled demo municipality (metrics/), so "Try it out" in /docs works at once; a test runs
 * every one of them against the demo data.
 */
import type { MetricQueryInput } from '../../core/query.js';

export const EXAMPLE_METRIC = 'reports_received';
export const EXAMPLE_DIMENSION = 'report__category';
export const EXAMPLE_SAVED_QUERY = 'reports_by_month_and_category';
export const EXAMPLE_FILTER = "{{ Dimension('report__category') }} = 'afval'";

/** Named examples in the OpenAPI media-type form. */
export type NamedExamples<T> = Record<string, { readonly summary: string; readonly value: T }>;

export const QUERY_EXAMPLES: NamedExamples<MetricQueryInput> = {
  reportsByMonth: {
    summary: 'Reports received per month in 2024',
    value: {
      metrics: ['reports_received'],
      groupBy: ['metric_time__month'],
      timeRange: { start: '2024-01-01', end: '2024-12-31' },
      orderBy: ['metric_time__month'],
    },
  },
  resolutionByDistrict: {
    summary: 'Median resolution time and reports resolved per district, waste reports only',
    value: {
      metrics: ['median_resolution_hours', 'reports_resolved'],
      groupBy: ['district__district_name'],
      where: [EXAMPLE_FILTER],
      orderBy: ['-reports_resolved'],
      limit: 10,
    },
  },
  pickupPeaks: {
    summary: 'Document pickups by weekday and hour (local time)',
    value: {
      metrics: ['document_pickups'],
      groupBy: ['metric_time__extract_dow', 'metric_time__extract_hour'],
      orderBy: ['metric_time__extract_dow', 'metric_time__extract_hour'],
    },
  },
  dimensionValues: {
    summary: 'A query without metrics: the distinct report categories',
    value: { metrics: [], groupBy: ['report__category'], orderBy: ['report__category'] },
  },
};

export const SAVED_QUERY_PARAMS_EXAMPLES: NamedExamples<Record<string, unknown>> = {
  wasteIn2024: {
    summary: 'Only waste reports, only 2024, first 6 rows',
    value: { where: [EXAMPLE_FILTER], timeRange: { start: '2024-01-01', end: '2024-12-31' }, limit: 6 },
  },
  noParams: { summary: 'As saved', value: {} },
};
