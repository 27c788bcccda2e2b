/**
 * The only module that talks to the SQL parser: libpg-query, PostgreSQL's own parser compiled to
 * WebAssembly, so a filter means exactly what it would mean in PostgreSQL (precedence, literal
 * forms, string continuation, …). The WASM module is loaded once, at import time (top-level await),
 * so parsing stays synchronous for callers.
 *
 * Why not pgsql-ast-parser: it disagrees with PostgreSQL on operator precedence
 * (`a = b IS NULL`, `'a' || 1 + 2`), rejects `x-1` and exponent literals, rounds big numeric
 * literals through JS numbers and does not decode E'' strings — a filter could silently mean
 * something other than what PostgreSQL would make of the same text.
 */
import { loadModule, parseSync, scanSync, type Node } from 'libpg-query';
import { FilterProblem } from './filter-problem.js';

await loadModule();

export type { Node as PgNode } from 'libpg-query';

export interface FilterToken {
  readonly kind: 'string' | 'comment' | 'parameter' | 'identifier' | 'number' | 'other';
  readonly text: string;
}

const TOKEN_KINDS: Readonly<Record<string, FilterToken['kind']>> = {
  SCONST: 'string',
  USCONST: 'string',
  SQL_COMMENT: 'comment',
  C_COMMENT: 'comment',
  PARAM: 'parameter',
  IDENT: 'identifier',
  UIDENT: 'identifier',
  ICONST: 'number',
  FCONST: 'number',
};

/** PostgreSQL's lexer over the text; undefined if it cannot tokenise it (the parser then explains why). */
export function scanFilterTokens(sqlText: string): FilterToken[] | undefined {
  try {
    return scanSync(sqlText).tokens.map((t) => ({ kind: TOKEN_KINDS[t.tokenName] ?? 'other', text: t.text }));
  } catch {
    return undefined;
  }
}

// The parentheses keep a trailing keyword from being read as a column alias (`x AND` = `x AS "and"`).
const PREFIX = 'SELECT (';
const SUFFIX = ')';
const SINGLE_EXPRESSION = 'a filter must be a single SQL expression (no SELECT clauses, lists or aliases)';

/** UTF-16 index in `text` of the code point with index `codePoints` (PostgreSQL counts characters). */
function utf16Index(text: string, codePoints: number): number {
  let index = 0;
  for (let n = 0; n < codePoints && index < text.length; n++) index += text.codePointAt(index)! > 0xffff ? 2 : 1;
  return index;
}

interface PgErrorLike {
  readonly message?: unknown;
  readonly sqlDetails?: { readonly cursorPosition?: number };
}

/**
 * A syntax error in user-facing words: PostgreSQL's own short description ("syntax error",
 * "unterminated quoted string", …) and where it happened, via `describeAt(index in sqlText)`.
 */
function syntaxProblem(e: unknown, sqlText: string, describeAt: (index: number) => string): FilterProblem {
  const err = (e ?? {}) as PgErrorLike;
  const message = typeof err.message === 'string' ? err.message : '';
  const atEnd = message.includes('at end of input');
  const head = message.split(/ at or near | at end of input/)[0] ?? '';
  const what = /^[a-z][a-z /*-]{2,60}$/.test(head) ? head : 'syntax error';
  const cursor = err.sqlDetails?.cursorPosition;
  if (atEnd || typeof cursor !== 'number') return new FilterProblem(`${what} at the end of the filter`);
  // libpg-query reports a 0-based position in code points of the whole statement.
  if (cursor < PREFIX.length) return new FilterProblem(`${what} at the start of the filter`);
  return new FilterProblem(`${what} ${describeAt(utf16Index(sqlText, cursor - PREFIX.length))}`);
}

/**
 * Parses `sqlText` as exactly one PostgreSQL value expression and returns its raw parse tree.
 * The text is parsed as `SELECT (<text>)`; anything that turns it into more than one select-list
 * expression (a second statement, FROM, aliases, UNION, …) is rejected.
 */
export function parseSingleExpression(sqlText: string, describeAt: (index: number) => string): Node {
  if (sqlText.trim() === '') throw new FilterProblem('the filter is empty');
  let result;
  try {
    result = parseSync(PREFIX + sqlText + SUFFIX);
  } catch (e) {
    throw syntaxProblem(e, sqlText, describeAt);
  }
  const stmts = result.stmts ?? [];
  if (stmts.length !== 1) throw new FilterProblem(SINGLE_EXPRESSION);
  const stmt = stmts[0]!.stmt;
  if (stmt === undefined || !('SelectStmt' in stmt)) throw new FilterProblem(SINGLE_EXPRESSION);
  const select = stmt.SelectStmt;
  const extraClause = Object.keys(select).some((k) => !['targetList', 'limitOption', 'op'].includes(k));
  if (extraClause || select.op !== 'SETOP_NONE' || (select.targetList ?? []).length !== 1) throw new FilterProblem(SINGLE_EXPRESSION);
  const target = select.targetList![0]!;
  if (!('ResTarget' in target)) throw new FilterProblem(SINGLE_EXPRESSION);
  const { name, indirection, val } = target.ResTarget;
  if (name !== undefined || (indirection ?? []).length > 0 || val === undefined) throw new FilterProblem(SINGLE_EXPRESSION);
  return val;
}
