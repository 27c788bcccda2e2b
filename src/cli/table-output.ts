/** Query results for the terminal: an aligned text table, CSV (RFC 4180) or JSON. */
import type { OutputColumn } from '../core/query.js';
import type { QueryResult } from '../engine/types.js';
import { randomUUID } from 'node:crypto';
import type { CsvCellOptions } from '../core/csv-cell.js';
import { toCsv } from '../api/rest/formats/csv.js';
import { jsonBody } from '../api/rest/formats/json-body.js';

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const NUMERIC = new Set<OutputColumn['dataType']>(['number', 'integer']);

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  return typeof v === 'object' ? JSON.stringify(v) : String(v as string | boolean);
}

/** Aligned columns: numbers right-aligned, everything else left-aligned; a rule under the header. */
export function formatTable(result: Pick<QueryResult, 'columns' | 'rows'>): string {
  const names = result.columns.map((c) => c.name);
  const body = result.rows.map((row) => names.map((n) => cell(row[n])));
  const widths = names.map((n, i) => Math.max(n.length, ...body.map((r) => r[i]!.length)));
  const right = result.columns.map((c) => NUMERIC.has(c.dataType));
  const line = (cells: readonly string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(names), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  return `${out.join('\n')}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
}

/**
 * CSV byte for byte as the REST API writes it (the same writer: header, CRLF, quoting, full number
 * precision, formulas neutralised unless `formulaEscape: false`). Only the table view rounds.
 */
export function formatCsv(result: Pick<QueryResult, 'columns' | 'rows'>, opts: CsvCellOptions = {}): string {
  return toCsv(result.columns, result.rows, { formulaEscape: opts.formulaEscape !== false });
}

/**
 * `table` for people; `csv` and `json` are the REST API's bytes for the same query (JSON: its body,
 * `meta.queryId` this run's own id, plus a final newline), so scripts can switch between them.
 */
export function formatResult(result: QueryResult, format: OutputFormat, opts: CsvCellOptions = {}): string {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'csv':
      return formatCsv(result, opts);
    case 'json':
      return `${jsonBody(result, randomUUID())}\n`;
  }
}
