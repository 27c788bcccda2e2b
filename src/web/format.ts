/** Number and column formatting for tables, tiles and charts. */
import { getLang, labelOf, locale, t } from './i18n.js';
import type { Column, MetricSummary } from './types.js';

/** Formats a metric value by its definition's format (`0`, `0.0`, `0.0%`). */
export function formatValue(value: unknown, format?: string): string {
  if (value === null || value === undefined || value === '') return t().none;
  if (typeof value !== 'number') return String(value);
  const percent = format?.endsWith('%') ?? false;
  const decimals = format ? (format.split('.')[1]?.replace('%', '').length ?? 0) : Number.isInteger(value) ? 0 : 2;
  return new Intl.NumberFormat(locale(), {
    style: percent ? 'percent' : 'decimal',
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
}

/**
 * A group-by cell: weekday names for ISO day-of-week, dates as written, everything else as text. The
 * null group (rows whose time or dimension is unknown) is named as such, never a blank or a dash.
 */
export function formatGroupValue(value: unknown, column: Pick<Column, 'kind' | 'grain'>): string {
  if (value === null || value === undefined) return column.kind === 'time' ? t().unknownDate : t().unknownGroup;
  if (column.grain === 'extract_dow' && typeof value === 'number') return t().days[value - 1] ?? String(value);
  if (column.grain === 'extract_hour' && typeof value === 'number') return `${String(value).padStart(2, '0')}:00`;
  return String(value);
}

/** A group-by name such as `metric_time__extract_dow` in words. */
export function groupByLabel(name: string, items: { name: string; label?: string; labelEn?: string }[] = []): string {
  const m = /^(.*?)__((?:extract_)?[a-z]+)$/.exec(name);
  const grainName = m ? t().grainNames[m[2]!] : undefined;
  const base = grainName ? m![1]! : name;
  const item = items.find((i) => i.name === base);
  const baseLabel = base === 'metric_time' ? metricTimeLabel() : item ? labelOf(item) : base;
  return grainName ? `${baseLabel} (${grainName})` : baseLabel;
}

export function columnLabel(column: Column, metrics: MetricSummary[], items: { name: string; label?: string; labelEn?: string }[]): string {
  const part = /^(.*)__(forecast|lower|upper|anomaly)$/.exec(column.name);
  const base = part ? metrics.find((x) => x.name === part[1]) : undefined;
  // The forecast's columns in the interface language (the API labels them in English).
  if (part && base) return `${labelOf(base)} (${t().forecastParts[part[2]!]})`;
  if (column.name === 'forecast' && column.dataType === 'boolean') return t().forecastParts.forecast!;
  if (column.kind === 'metric') {
    const m = metrics.find((x) => x.name === column.name);
    return m ? labelOf(m) : column.label || column.name;
  }
  return groupByLabel(column.name, items);
}

/** metric_time is each metric's own time dimension; the API labels it in English only. */
export function metricTimeLabel(): string {
  return getLang() === 'en' ? 'Time' : 'Tijd';
}

export function itemLabel(item: { name: string; label?: string; labelEn?: string }): string {
  return item.name === 'metric_time' ? metricTimeLabel() : labelOf(item);
}

/** A period start (`2025-12-01`) named in the locale at its grain: `dec 2025`, `K4 2025`, `8 dec 2025`. */
export function formatPeriod(period: string, grain: string): string {
  const [y, m, d] = period.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y!, (m ?? 1) - 1, d ?? 1));
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale(), { ...o, timeZone: 'UTC' }).format(date);
  if (grain === 'year') return String(y);
  if (grain === 'quarter') return `${t().quarterShort}${Math.floor(((m ?? 1) - 1) / 3) + 1} ${y}`;
  if (grain === 'month') return fmt({ month: 'short', year: 'numeric' }).replace('.', '');
  if (grain === 'week') return `${t().weekOf} ${fmt({ day: 'numeric', month: 'short', year: 'numeric' })}`;
  return fmt({ day: 'numeric', month: 'short', year: 'numeric' });
}

/** A relative change as a signed percentage in the locale (`−1,9 %` in Dutch). */
export function formatChange(change: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(change);
}
