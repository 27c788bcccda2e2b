/**
 * The JSON body of a query result, `{columns, rows, meta}`. A cached answer is served many times
 * with the same columns and rows and only `meta` (request id, cache outcome) changing, so the
 * columns-and-rows part is serialised once per cached result and reused: a cache hit then costs no
 * JSON.stringify of every row.
 */
import type { QueryResult } from '../../../engine/types.js';

// Keyed by the rows array: the result cache hands out the same array on every hit, and the
// entry (with its text) goes away when the cache drops the result.
const heads = new WeakMap<QueryResult['rows'], { readonly columns: QueryResult['columns']; readonly text: string }>();

function publicColumns(columns: QueryResult['columns']) {
  return columns.map((c) => ({
    name: c.name,
    kind: c.kind,
    dataType: c.dataType,
    ...(c.label !== undefined ? { label: c.label } : {}),
    ...(c.unit !== undefined ? { unit: c.unit } : {}),
    ...(c.grain !== undefined ? { grain: c.grain } : {}),
  }));
}

/** `{"columns":[…],"rows":[…],"meta":` of a result, serialised once per rows array. */
function head(result: QueryResult): string {
  const known = heads.get(result.rows);
  if (known?.columns === result.columns) return known.text;
  const text = `{"columns":${JSON.stringify(publicColumns(result.columns))},"rows":${JSON.stringify(result.rows)},"meta":`;
  heads.set(result.rows, { columns: result.columns, text });
  return text;
}

/** The whole body, `JSON.stringify({columns, rows, meta: {queryId, ...meta}})`. */
export function jsonBody(result: QueryResult, queryId: string): string {
  return `${head(result)}${JSON.stringify({ queryId, ...result.meta })}}`;
}
