/**
 * RFC 4180 CSV: a header row of column names, CRLF line ends, fields as src/core/csv-cell.ts
 * writes them (quoted when needed, formulas neutralised). Values are the same formatted values as
 * in JSON, so numbers read the same in every format; NULL is an empty field.
 */
import { csvCell, type CsvCellOptions } from '../../../core/csv-cell.js';
import type { OutputColumn } from '../../../core/query.js';

const BOM = '\uFEFF';

export interface CsvOptions extends CsvCellOptions {
  /** Start with a UTF-8 byte order mark (Excel reads the file as UTF-8 then). */
  readonly bom?: boolean;
  /** Header row of the columns' labels (the definitions' Dutch labels; the name where there is none) instead of their names. */
  readonly labels?: boolean;
}

type Columns = readonly (Pick<OutputColumn, 'name'> & Partial<Pick<OutputColumn, 'label'>>)[];

/** The optional BOM and the header line, CRLF-terminated. */
export function csvHead(columns: Columns, opts: CsvOptions = {}): string {
  return `${opts.bom ? BOM : ''}${columns.map((c) => csvCell(opts.labels ? (c.label ?? c.name) : c.name, opts)).join(',')}\r\n`;
}

/** Rows as CSV lines, each CRLF-terminated ('' for none): a streamed export writes one batch at a time. */
export function csvRows(columns: Columns, rows: readonly Record<string, unknown>[], opts: CsvCellOptions = {}): string {
  let out = '';
  for (const row of rows) out += `${columns.map((c) => csvCell(row[c.name], opts)).join(',')}\r\n`;
  return out;
}

/** A whole CSV document: byte for byte csvHead + csvRows of every batch. */
export function toCsv(columns: Columns, rows: readonly Record<string, unknown>[], opts: CsvOptions = {}): string {
  return csvHead(columns, opts) + csvRows(columns, rows, opts);
}
