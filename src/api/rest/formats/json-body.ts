/**
 * The JSON body of a query result, `{columns, rows, meta}`. A cached answer is served many times
 * with the same columns and rows and only `meta` (request id, cache outcome) changing, so the
 * columns-and-rows part is serialised and UTF-8 encoded once per cached result and reused: a cache
 * hit then costs a copy of bytes instead of a JSON.stringify and an encode of every row.
 */
import type { QueryResult } from '../../../engine/types.js';

interface Encoded {
  readonly columns: QueryResult['columns'];
  /** `{"columns":[…],"rows":[…],"meta":` as UTF-8. */
  readonly head: Buffer;
}

// Keyed by the rows array: the result cache hands out the same array on every hit, and the
// entry (with its bytes) goes away when the cache drops the result.
const encoded = new WeakMap<QueryResult['rows'], Encoded>();

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

function head(result: QueryResult): string {
  return `{"columns":${JSON.stringify(publicColumns(result.columns))},"rows":${JSON.stringify(result.rows)},"meta":`;
}

/**
 * The body, byte for byte `JSON.stringify({columns, rows, meta: {queryId, ...result.meta}})`.
 * `reuse`: the result comes from the result cache (its rows are shared by later hits), so keep the
 * encoded columns and rows for them; otherwise encode once and keep nothing.
 */
export function jsonBody(result: QueryResult, queryId: string, reuse: boolean): Buffer | string {
  if (!reuse) return `${head(result)}${JSON.stringify({ queryId, ...result.meta })}}`;
  let found = encoded.get(result.rows);
  if (!found || found.columns !== result.columns) {
    found = { columns: result.columns, head: Buffer.from(head(result)) };
    encoded.set(result.rows, found);
  }
  // `{"queryId":"…"` then the rest of meta (encoded once per meta object) and the closing braces.
  let rest = encodedMeta.get(result.meta);
  if (!rest) encodedMeta.set(result.meta, (rest = Buffer.from(`${JSON.stringify(result.meta).slice(1)}}`)));
  // Request ids are UUIDs or short client ids: plain ASCII needs no JSON escaping and no UTF-8 count.
  const plain = PLAIN_ID.test(queryId);
  const id = `{"queryId":${plain ? `"${queryId}"` : JSON.stringify(queryId)}${rest.length > 2 ? ',' : ''}`;
  const size = found.head.length + (plain ? id.length : Buffer.byteLength(id)) + rest.length;
  const body = Buffer.allocUnsafe(size);
  let at = found.head.copy(body, 0);
  at += body.write(id, at, plain ? 'latin1' : 'utf8');
  rest.copy(body, at);
  return body;
}

const PLAIN_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

// Cached answers share one meta object per entry and second (src/cache/cached-engine.ts).
const encodedMeta = new WeakMap<QueryResult['meta'], Buffer>();
