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

type Columns = readonly Pick<OutputColumn, 'name'>[];

/** The optional BOM and the header line, CRLF-terminated. */
export function csvHead(columns: Columns, opts: CsvOptions = {}): string {
  return `${opts.bom ? BOM : ''}${columns.map((c) => field(c.name)).join(',')}\r\n`;
}

/** Rows as CSV lines, each CRLF-terminated ('' for none): a streamed export writes one batch at a time. */
export function csvRows(columns: Columns, rows: readonly Record<string, unknown>[]): string {
  let out = '';
  for (const row of rows) out += `${columns.map((c) => field(row[c.name])).join(',')}\r\n`;
  return out;
}

/** A whole CSV document: byte for byte csvHead + csvRows of every batch. */
export function toCsv(columns: Columns, rows: readonly Record<string, unknown>[], opts: CsvOptions = {}): string {
  return csvHead(columns, opts) + csvRows(columns, rows);
}
