import { localDateTimeWithOffset } from '../core/local-time.js';
import type { OutputColumn } from '../core/query.js';

export { localDateTimeWithOffset };

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
