/** Element expressions: a bare identifier is a column reference, anything else raw SQL. */
import type { ElementExpr } from '../model.js';

/** An `expr:` as YAML gives it (`expr: 1` is a number). */
export type ExprLike = string | number | boolean;

const BARE_IDENTIFIER = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
const NOT_COLUMNS = new Set(['true', 'false', 'null']);

/** The SQL text of an expr, defaulting to the element name. */
export function exprText(expr: ExprLike | undefined, name: string): string {
  return expr === undefined ? name : String(expr).trim();
}

/**
 * MetricFlow's rule (`_make_element_sql_expr`): a bare identifier other than TRUE/FALSE/NULL is a
 * column. The column is lower-cased because an unquoted identifier folds to lower case in
 * PostgreSQL, and the compiler quotes column references.
 */
export function elementExpr(expr: ExprLike | undefined, name: string): ElementExpr {
  const sql = exprText(expr, name);
  if (BARE_IDENTIFIER.test(sql) && !NOT_COLUMNS.has(sql.toLowerCase())) return { sql, column: sql.toLowerCase() };
  return { sql };
}
