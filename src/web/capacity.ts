/**
 * Capacity for next week: the API's hourly forecast (query option `forecast`, horizon 168) pivoted
 * into weekday × hour, each cell the expected value with its interval. The browser only rearranges
 * the API's rows; it forecasts nothing itself.
 */
import { postJson } from './api.js';
import { h } from './dom.js';
import { formatGroupValue, formatPeriod, formatValue } from './format.js';
import { t } from './i18n.js';
import type { QueryResult, Row } from './types.js';

export interface CapacityCell {
  readonly dow: number;
  readonly hour: number;
  readonly expected: number;
  readonly lower: number | null;
  readonly upper: number | null;
}

/** `2026-01-07T14:00:00+01:00` → ISO weekday and wall-clock hour as the engine grouped them. */
function slotOf(stamp: string): { date: string; dow: number; hour: number } {
  const date = stamp.slice(0, 10);
  const [y, m, d] = date.split('-').map(Number);
  const js = new Date(Date.UTC(y!, m! - 1, d!)).getUTCDay();
  return { date, dow: js === 0 ? 7 : js, hour: Number(stamp.slice(11, 13)) };
}

/** The future rows of a forecast answer as weekday × hour cells. */
export function capacityCells(rows: readonly Row[], metric: string, timeColumn = 'metric_time__hour'): { cells: CapacityCell[]; from: string } {
  const future = rows.filter((r) => r.forecast === true && typeof r[timeColumn] === 'string');
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const cells = future.map((r) => {
    const s = slotOf(r[timeColumn] as string);
    return { dow: s.dow, hour: s.hour, expected: num(r[`${metric}__forecast`]) ?? 0, lower: num(r[`${metric}__lower`]), upper: num(r[`${metric}__upper`]) };
  });
  return { cells, from: future.length ? slotOf(future[0]![timeColumn] as string).date : '' };
}

export function capacityQuery(metric: string) {
  return { metrics: [metric], groupBy: ['metric_time__hour'], orderBy: ['-forecast', 'metric_time__hour'], limit: 168, forecast: { horizon: 168 } };
}

export async function capacityView(metric: string, label: string, format?: string): Promise<HTMLElement> {
  const result = await postJson<QueryResult>('/v1/query', capacityQuery(metric));
  const { cells, from } = capacityCells(result.rows, metric);
  const hours = [...new Set(cells.filter((c) => c.expected > 0 || (c.upper ?? 0) >= 1).map((c) => c.hour))].sort((a, b) => a - b);
  const max = Math.max(1, ...cells.map((c) => c.expected));
  const busiest = cells.reduce<CapacityCell | null>((b, c) => (!b || c.expected > b.expected ? c : b), null);
  const hourText = (hour: number) => formatGroupValue(hour, { kind: 'time', grain: 'extract_hour' });
  const dayText = (dow: number) => formatGroupValue(dow, { kind: 'time', grain: 'extract_dow' });
  const table = h(
    'table',
    { class: 'data-table capacity-table', id: `capacity-${metric}` },
    h('caption', {}, `${t().capacityTitle(label)} — ${formatPeriod(from, 'week')}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t().weekday), hours.map((hr) => h('th', { scope: 'col', class: 'num' }, hourText(hr))))),
    h('tbody', {}, [1, 2, 3, 4, 5, 6, 7].map((dow) =>
      h('tr', {}, h('th', { scope: 'row' }, dayText(dow)), hours.map((hour) => {
        const c = cells.find((x) => x.dow === dow && x.hour === hour);
        const text = c ? `${formatValue(c.expected, format)} (${formatValue(c.lower, format)}–${formatValue(c.upper, format)})` : t().none;
        const share = c ? c.expected / max : 0;
        return h('td', { class: 'num', 'data-dow': dow, 'data-hour': hour, 'data-expected': c?.expected ?? '', style: `background: rgba(31, 95, 168, ${(share * 0.35).toFixed(2)})` }, text);
      })))),
  );
  return h(
    'div',
    { class: 'capacity', 'data-capacity': metric, 'data-from': from },
    h('h3', {}, t().capacityTitle(label)),
    h('p', { class: 'capacity-busiest' }, `${t().busiestExpected}: `, h('strong', {}, busiest ? `${dayText(busiest.dow)} ${hourText(busiest.hour)}` : t().none),
      busiest ? ` (${formatValue(busiest.expected, format)}; ${t().interval} ${formatValue(busiest.lower, format)}–${formatValue(busiest.upper, format)})` : ''),
    h('div', { class: 'result-table', tabindex: 0, role: 'region', 'aria-label': t().capacityTitle(label) }, table),
  );
}
