/**
 * Recorded OData URLs of the kind Power Query sends when it folds steps into the feed (navigator
 * preview `$top=1000`, "Choose columns" `$select`, row filters `$filter` with `and`/`or`, date and
 * date-time literals, "Sort" `$orderby`, "Keep/Remove rows" `$skip`/`$top`), each with the same
 * question written by hand for GET /v1/saved-queries/{name}/results: MetricFlow filters, the full
 * order (asked, then the key columns) and limit/offset. Shared by the feed and role tests.
 */
export interface RecordedUrl {
  readonly set: string;
  /** The OData query string as Power Query sends it (decoded). */
  readonly odata: string;
  /** The same question through REST. */
  readonly rest: { readonly where?: readonly string[]; readonly orderBy?: readonly string[]; readonly limit?: number; readonly offset?: number };
  /** Columns sent, when `$select` narrows them. */
  readonly select?: readonly string[];
}

const CATEGORY = "{{ Dimension('report__category') }}";
const MONTH = "{{ TimeDimension('metric_time', 'month') }}";
const DISTRICT = "{{ Dimension('district__district_name') }}";
const R = 'reports_by_month_and_category';
const R_KEYS = ['metric_time__month', 'report__category'];

export const RECORDED_URLS: readonly RecordedUrl[] = [
  { set: R, odata: '$top=1000', rest: { limit: 1000 } },
  { set: R, odata: '$select=metric_time__month,reports_received&$top=1000', rest: { limit: 1000 }, select: ['metric_time__month', 'reports_received'] },
  { set: R, odata: "$filter=report__category eq 'afval'", rest: { where: [`${CATEGORY} = 'afval'`] } },
  { set: R, odata: "$filter=report__category eq 'afval' and metric_time__month ge 2024-01-01", rest: { where: [`${CATEGORY} = 'afval'`, `${MONTH} >= '2024-01-01'`] } },
  {
    set: R,
    odata: '$filter=metric_time__month ge 2024-01-01 and metric_time__month lt 2024-07-01&$orderby=reports_received desc',
    rest: { where: [`${MONTH} >= '2024-01-01' AND ${MONTH} < '2024-07-01'`], orderBy: ['-reports_received', ...R_KEYS] },
  },
  { set: R, odata: "$filter=report__category ne 'afval'", rest: { where: [`${CATEGORY} <> 'afval'`] } },
  {
    set: R,
    odata: "$filter=(report__category eq 'afval' or report__category eq 'wegen') and year(metric_time__month) eq 2024",
    rest: { where: [`(${CATEGORY} = 'afval' OR ${CATEGORY} = 'wegen')`, `extract(year from ${MONTH}) = 2024`] },
  },
  { set: R, odata: "$filter=report__category in ('afval','groen')", rest: { where: [`${CATEGORY} IN ('afval', 'groen')`] } },
  { set: R, odata: "$filter=startswith(report__category,'ver')", rest: { where: [`${CATEGORY} LIKE 'ver%'`] } },
  { set: R, odata: "$filter=contains(report__category,'al')", rest: { where: [`${CATEGORY} LIKE '%al%'`] } },
  { set: R, odata: "$filter=endswith(report__category,'en')", rest: { where: [`${CATEGORY} LIKE '%en'`] } },
  { set: R, odata: "$filter=not (report__category eq 'afval')", rest: { where: [`NOT (${CATEGORY} = 'afval')`] } },
  {
    set: R,
    odata: '$orderby=report__category,metric_time__month desc&$skip=5&$top=10',
    rest: { orderBy: ['report__category', '-metric_time__month'], offset: 5, limit: 10 },
  },
  {
    set: R,
    odata: '$filter=month(metric_time__month) eq 3&$select=report__category,reports_resolved',
    rest: { where: [`extract(month from ${MONTH}) = 3`] },
    select: ['report__category', 'reports_resolved'],
  },
  // A date-time literal (Power Query's datetimezone): 23:00 UTC on 31 December is local midnight.
  { set: R, odata: '$filter=metric_time__month ge 2023-12-31T23:00:00Z', rest: { where: [`${MONTH} >= '2024-01-01'`] } },
  { set: R, odata: "$filter=tolower(report__category) eq 'afval'&$top=1000", rest: { where: [`lower(${CATEGORY}) = 'afval'`], limit: 1000 } },
  { set: R, odata: '$filter=day(metric_time__month) eq 1&$skip=20', rest: { where: [`extract(day from ${MONTH}) = 1`], offset: 20 } },
  { set: 'satisfaction_by_month', odata: '$top=1000', rest: { limit: 1000 } },
  {
    set: 'satisfaction_by_month',
    odata: '$filter=metric_time__month ge 2024-01-01&$select=metric_time__month,satisfaction_avg,survey_responses',
    rest: { where: [`${MONTH} >= '2024-01-01'`] },
    select: ['metric_time__month', 'satisfaction_avg', 'survey_responses'],
  },
  {
    set: 'pickup_peaks',
    odata: '$filter=metric_time__extract_dow le 5 and metric_time__extract_hour ge 9',
    rest: { where: ["{{ TimeDimension('metric_time', date_part_name='dow') }} <= 5", "{{ TimeDimension('metric_time', date_part_name='hour') }} >= 9"], orderBy: ['metric_time__extract_dow', 'metric_time__extract_hour'] },
  },
  {
    set: 'resolution_time_by_district',
    odata: '$filter=district__district_name ne null&$orderby=median_resolution_hours desc',
    rest: { where: [`${DISTRICT} IS NOT NULL`], orderBy: ['-median_resolution_hours', 'district__district_name'] },
  },
  { set: 'resolution_time_by_district', odata: '$filter=district__district_name eq null', rest: { where: [`${DISTRICT} IS NULL`] } },
  {
    set: 'reports_per_1000_inhabitants_by_district',
    odata: '$filter=metric_time__year eq 2024-01-01&$orderby=reports_per_1000_inhabitants desc',
    rest: { where: ["{{ TimeDimension('metric_time', 'year') }} = '2024-01-01'"], orderBy: ['-reports_per_1000_inhabitants', 'metric_time__year', 'district__district_name'] },
  },
  { set: 'reports_year_on_year', odata: '$filter=metric_time__month ge 2024-01-01&$top=6', rest: { where: [`${MONTH} >= '2024-01-01'`], limit: 6 } },
  { set: 'openbare_ruimte_monthly_kpis', odata: '$skip=3&$top=4', rest: { offset: 3, limit: 4 } },
];

/** The REST URL of a recorded question. */
export function restUrl(r: RecordedUrl): string {
  const params = [
    ...(r.rest.where ?? []).map((w) => `where=${encodeURIComponent(w)}`),
    ...(r.rest.orderBy ? [`orderBy=${encodeURIComponent(r.rest.orderBy.join(','))}`] : []),
    ...(r.rest.limit !== undefined ? [`limit=${r.rest.limit}`] : []),
    ...(r.rest.offset !== undefined ? [`offset=${r.rest.offset}`] : []),
  ];
  return `/v1/saved-queries/${r.set}/results${params.length ? `?${params.join('&')}` : ''}`;
}

/** The OData URL of a recorded question, percent-encoded as Power Query sends it. */
export function odataUrl(r: RecordedUrl): string {
  const query = r.odata
    .split('&')
    .map((p) => {
      const i = p.indexOf('=');
      return `${p.slice(0, i)}=${encodeURIComponent(p.slice(i + 1))}`;
    })
    .join('&');
  return `/odata/${r.set}?${query}`;
}

/** REST rows as OData sends them: only the selected columns. */
export function projected(rows: readonly Record<string, unknown>[], select: readonly string[] | undefined): Record<string, unknown>[] {
  return rows.map((row) => (select ? Object.fromEntries(select.map((c) => [c, row[c] ?? null])) : { ...row }));
}
