/** Query results for the terminal: an aligned text table, CSV (RFC 4180) or JSON. */
import type { OutputColumn } from '../core/query.js';
import type { QueryResult } from '../engine/types.js';
import { csvCell, type CsvCellOptions } from '../core/csv-cell.js';

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

/** CSV like the REST API's (formulas neutralised unless `formulaEscape: false`), numbers rounded as in the table. */
export function formatCsv(result: Pick<QueryResult, 'columns' | 'rows'>, opts: CsvCellOptions = {}): string {
  const names = result.columns.map((c) => c.name);
  const field = (v: unknown) => csvCell(typeof v === 'number' && !Number.isInteger(v) ? Number(cell(v)) : v, opts);
  const lines = [names.map(field).join(','), ...result.rows.map((row) => names.map((n) => field(row[n])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function formatResult(result: QueryResult, format: OutputFormat, opts: CsvCellOptions = {}): string {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'csv':
      return formatCsv(result, opts);
    case 'json':
      return `${JSON.stringify({ columns: result.columns, rows: result.rows, meta: result.meta }, null, 2)}\n`;
  }
}
