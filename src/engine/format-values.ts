import type { OutputColumn } from '../core/query.js';

/**
 * Output values as every interface shows them: numbers as numbers, day-and-coarser times as
 * `YYYY-MM-DD`, sub-daily times as local ISO date-times with the project zone's offset.
 */
export function formatRows(
  rows: readonly Record<string, unknown>[],
  columns: readonly OutputColumn[],
  timeZone: string,
): Record<string, unknown>[] {
  const formatters = columns.map((c) => [c.name, formatterFor(c, timeZone)] as const);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [name, fmt] of formatters) out[name] = fmt(row[name]);
    return out;
  });
}

type Formatter = (v: unknown) => unknown;

function formatterFor(col: OutputColumn, timeZone: string): Formatter {
  switch (col.dataType) {
    case 'date':
      return (v) => (typeof v === 'string' ? v.slice(0, 10) : v);
    case 'datetime':
      return (v) => (typeof v === 'string' ? localDateTimeWithOffset(v, timeZone) : v);
    case 'number':
    case 'integer':
      return (v) => (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
    default:
      return (v) => v;
  }
}

/** `2024-03-31 03:30:00` (local wall clock) → `2024-03-31T03:30:00+02:00`. */
export function localDateTimeWithOffset(text: string, timeZone: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!m) return text;
  const [, date, time, frac = '', explicitOffset] = m;
  if (explicitOffset) return `${date}T${time}${frac}${normaliseOffset(explicitOffset)}`;
  return `${date}T${time}${frac}${offsetOfLocalTime(`${date}T${time}`, timeZone)}`;
}

function normaliseOffset(o: string): string {
  if (/^[+-]\d{2}$/.test(o)) return `${o}:00`;
  if (/^[+-]\d{4}$/.test(o)) return `${o.slice(0, 3)}:${o.slice(3)}`;
  return o;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of a wall-clock time in a zone (the earlier offset when the time is ambiguous). */
function offsetOfLocalTime(local: string, timeZone: string): string {
  let fmt = offsetFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, fmt);
  }
  const asUtc = Date.parse(`${local}Z`);
  // The instant is local - offset; try the offsets around it and keep the one that maps back.
  for (const guessMinutes of [offsetMinutesAt(fmt, asUtc - 3 * 3600_000), offsetMinutesAt(fmt, asUtc + 3 * 3600_000)]) {
    const instant = asUtc - guessMinutes * 60_000;
    if (offsetMinutesAt(fmt, instant) === guessMinutes) return formatOffset(guessMinutes);
  }
  return formatOffset(offsetMinutesAt(fmt, asUtc));
}

function offsetMinutesAt(fmt: Intl.DateTimeFormat, instant: number): number {
  const name = fmt.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
