/**
 * RFC 4180 CSV: a header row of column names, CRLF line ends, fields quoted when they hold a
 * comma, quote, CR or LF (quotes doubled). Values are the same formatted values as in JSON, so
 * numbers read the same in every format; NULL is an empty field.
 */
import type { OutputColumn } from '../../../core/query.js';

const BOM = '\uFEFF';

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else text = JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark (Excel reads the file as UTF-8 then). */
  readonly bom?: boolean;
}

export function toCsv(columns: readonly Pick<OutputColumn, 'name'>[], rows: readonly Record<string, unknown>[], opts: CsvOptions = {}): string {
  const lines = [columns.map((c) => field(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(row[c.name])).join(','));
  return `${opts.bom ? BOM : ''}${lines.join('\r\n')}\r\n`;
}
