/**
 * One CSV field (RFC 4180), shared by every CSV writer (REST buffered and streamed, CLI): quoted
 * when it holds a comma, quote, CR or LF (quotes doubled), NULL as an empty field.
 *
 * Formula injection (OWASP "CSV Injection"): exports are opened in Excel, LibreOffice or Power BI,
 * which run a cell starting with `=`, `+`, `-`, `@`, tab or CR as a formula. Such text cells get a
 * leading single quote and are always quoted, so they show as text. Only string values are
 * touched: numbers (negative ones too) are written as they are, and so is a text cell that is a
 * plain number (`-12.5`), which no spreadsheet runs. `formulaEscape: false` turns this off for
 * consumers that read the CSV as data (MAATSTAF_CSV_FORMULA_ESCAPE=false).
 */

export interface CsvCellOptions {
  /** Neutralise cells that a spreadsheet would run as a formula (default true). */
  readonly formulaEscape?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

const quoted = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/** Whether a spreadsheet would treat this text as a formula. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}

/** The CSV field for a value: numbers as they are, text escaped (see above), objects as JSON. */
export function csvCell(value: unknown, opts: CsvCellOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (opts.formulaEscape !== false && looksLikeFormula(text)) return quoted(`'${text}`);
  return NEEDS_QUOTES.test(text) ? quoted(text) : text;
}
