/**
 * The explorer's state and its two faces: the URL fragment (shareable links) and the API query.
 * Pure functions, so links, CSV URLs, GraphQL and curl all say the same thing.
 */
import type { MetricQuery } from './types.js';

export interface Filter {
  readonly dimension: string;
  readonly values: readonly string[];
}

export interface ExplorerState {
  readonly metrics: readonly string[];
  readonly groupBy: readonly string[];
  readonly filters: readonly Filter[];
  readonly start: string;
  readonly end: string;
  /** Show the API's forecast (with interval and anomalies) for a time series. */
  readonly forecast?: boolean;
}

export const EMPTY_STATE: ExplorerState = { metrics: [], groupBy: [], filters: [], start: '', end: '' };

/** Forecast horizon per grain: a season ahead where the grain has one. */
const HORIZON: Record<string, number> = { hour: 168, day: 28, week: 13, month: 12, quarter: 4, year: 2 };

/** `m=a&m=b&g=metric_time__month&f=dim~value&start=2025-01-01` */
export function stateToParams(s: ExplorerState): URLSearchParams {
  const p = new URLSearchParams();
  for (const m of s.metrics) p.append('m', m);
  for (const g of s.groupBy) p.append('g', g);
  for (const f of s.filters) for (const v of f.values) p.append('f', `${f.dimension}~${v}`);
  if (s.start) p.set('start', s.start);
  if (s.end) p.set('end', s.end);
  if (s.forecast) p.set('fc', '1');
  return p;
}

export function stateFromParams(p: URLSearchParams): ExplorerState {
  const filters = new Map<string, string[]>();
  for (const raw of p.getAll('f')) {
    const i = raw.indexOf('~');
    if (i <= 0) continue;
    const dim = raw.slice(0, i);
    filters.set(dim, [...(filters.get(dim) ?? []), raw.slice(i + 1)]);
  }
  return {
    metrics: p.getAll('m').filter(Boolean),
    groupBy: p.getAll('g').filter(Boolean),
    filters: [...filters].map(([dimension, values]) => ({ dimension, values })),
    start: p.get('start') ?? '',
    end: p.get('end') ?? '',
    ...(p.get('fc') === '1' ? { forecast: true } : {}),
  };
}

/** A SQL string literal for a MetricFlow filter; the server binds it as a parameter. */
function literal(v: string): string {
  return `'${v.replaceAll("'", "''")}'`;
}

export function filterToWhere(f: Filter): string {
  const ref = `{{ Dimension('${f.dimension}') }}`;
  return f.values.length === 1 ? `${ref} = ${literal(f.values[0]!)}` : `${ref} IN (${f.values.map(literal).join(', ')})`;
}

/** Time-ordered output when the first group-by is a time grain; otherwise the API's order. */
export function toQuery(s: ExplorerState): MetricQuery {
  const q: MetricQuery = { metrics: [...s.metrics], groupBy: [...s.groupBy] };
  const where = s.filters.filter((f) => f.values.length > 0).map(filterToWhere);
  if (where.length) q.where = where;
  if (s.start || s.end) q.timeRange = { ...(s.start ? { start: s.start } : {}), ...(s.end ? { end: s.end } : {}) };
  if (s.groupBy.length) q.orderBy = [...s.groupBy];
  const grain = s.groupBy.map((g) => /^metric_time__(hour|day|week|month|quarter|year)$/.exec(g)?.[1]).find(Boolean);
  if (s.forecast && grain) {
    q.forecast = { horizon: HORIZON[grain]! };
    q.anomalies = {};
  }
  return q;
}

/** The GET /v1/query form: what Power BI and Excel ("From Web") load as CSV. */
export function csvUrl(origin: string, q: MetricQuery): string {
  const p = new URLSearchParams();
  for (const m of q.metrics) p.append('metrics', m);
  for (const g of q.groupBy) p.append('groupBy', g);
  for (const w of q.where ?? []) p.append('where', w);
  if (q.timeRange?.start) p.set('start', q.timeRange.start);
  if (q.timeRange?.end) p.set('end', q.timeRange.end);
  for (const o of q.orderBy ?? []) p.append('orderBy', o);
  p.set('format', 'csv');
  // A byte-order mark, so Excel reads the UTF-8 (ë, €) right; Power BI ignores it.
  p.set('bom', 'true');
  return `${origin}/v1/query?${p.toString()}`;
}

/** The OData feed (saved queries as tables) for Power BI's and Excel's OData connector. */
export function odataUrl(origin: string): string {
  return `${origin}/odata`;
}

const mText = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * A ready Power Query M query: Web.Contents with a static base URL (so the Power BI Service can
 * refresh it), the query in `Query` (a list value repeats the parameter) and the key in X-API-Key.
 */
export function powerQueryText(origin: string, q: MetricQuery): string {
  const fields: string[] = [];
  const list = (name: string, values: readonly string[]) => {
    if (values.length) fields.push(`${name} = {${values.map(mText).join(', ')}}`);
  };
  list('metrics', q.metrics);
  list('groupBy', q.groupBy);
  list('where', q.where ?? []);
  list('orderBy', q.orderBy ?? []);
  if (q.timeRange?.start) fields.push(`start = ${mText(q.timeRange.start)}`);
  if (q.timeRange?.end) fields.push(`end = ${mText(q.timeRange.end)}`);
  fields.push('format = "csv"', 'bom = "true"');
  return [
    'let',
    '    ApiKey = "…",   // your API key; better: a parameter, or Basic credentials on the data source',
    '    Source = Web.Contents(',
    `        ${mText(origin)},`,
    '        [',
    '            RelativePath = "v1/query",',
    `            Query = [${fields.join(', ')}],`,
    '            Headers = [#"X-API-Key" = ApiKey]',
    '        ]',
    '    ),',
    '    Csv = Csv.Document(Source, [Delimiter = ",", Encoding = 65001, QuoteStyle = QuoteStyle.Csv]),',
    '    Promoted = Table.PromoteHeaders(Csv, [PromoteAllScalars = true])',
    'in',
    '    Promoted',
    '',
  ].join('\n');
}

/** GraphQL input literal: JSON with bare keys. */
function gqlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(gqlValue).join(', ')}]`;
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${gqlValue(x)}`).join(', ')} }`;
  return JSON.stringify(v);
}

export function graphqlText(q: MetricQuery): string {
  return `query {\n  query(input: ${gqlValue(q)}) {\n    columns { name kind label unit }\n    rows\n    meta { rowCount sqlHash }\n  }\n}\n`;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export function curlText(origin: string, q: MetricQuery, withKey: boolean): string {
  const auth = withKey ? ` \\\n  -H "authorization: Bearer $MAATSTAF_API_KEY"` : '';
  return `curl -s -X POST ${shellQuote(`${origin}/v1/query`)} \\\n  -H 'content-type: application/json'${auth} \\\n  -d ${shellQuote(JSON.stringify(q))}\n`;
}

export type ChartKind = 'heatmap' | 'line' | 'bar' | 'number';

/** Line for a time grain, heatmap for two date parts, bars for categories, a number for none. */
export function chooseChart(groupBy: readonly string[]): ChartKind {
  if (groupBy.length === 0) return 'number';
  const parts = groupBy.filter((g) => /__extract_[a-z]+$/.test(g));
  if (parts.length === 2 && groupBy.length === 2) return 'heatmap';
  const grains = /__(hour|day|week|month|quarter|year)$/;
  if (groupBy.some((g) => grains.test(g) && !g.includes('__extract_'))) return 'line';
  return 'bar';
}
