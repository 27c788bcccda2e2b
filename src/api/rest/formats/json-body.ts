/**
 * The JSON body of a query result, `{columns, rows, meta}`. A cached answer is served many times
 * with the same columns and rows and only `meta` (request id, cache outcome) changing, so the
 * columns-and-rows part is serialised and UTF-8 encoded once per cached result and reused: a cache
 * hit then costs neither a JSON.stringify and an encode of every row nor a copy of their bytes.
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

/** The whole body of a fresh (uncached) result, `JSON.stringify({columns, rows, meta: {queryId, ...meta}})`. */
export function jsonBody(result: QueryResult, queryId: string): string {
  return `${head(result)}${JSON.stringify({ queryId, ...result.meta })}}`;
}

/**
 * A cached answer's body in two parts, byte for byte `jsonBody` when joined: `head`, the encoded
 * columns and rows shared by every hit on this result (never written to), and `tail`, this
 * request's meta. Sent as two chunks of one write, a hit copies nothing (src/api/rest/send-parts.ts).
 */
export interface JsonParts {
  readonly head: Buffer;
  readonly tail: string;
  /** Bytes of head and tail together (the Content-Length). */
  readonly length: number;
}

export function jsonParts(result: QueryResult, queryId: string): JsonParts {
  let found = encoded.get(result.rows);
  if (!found || found.columns !== result.columns) {
    found = { columns: result.columns, head: Buffer.from(head(result)) };
    encoded.set(result.rows, found);
  }
  // `{"queryId":"…"` then the rest of meta (encoded once per meta object) and the closing braces.
  let rest = encodedMeta.get(result.meta);
  if (rest === undefined) {
    const text = `${JSON.stringify(result.meta).slice(1)}}`;
    encodedMeta.set(result.meta, (rest = { text, bytes: Buffer.byteLength(text) }));
  }
  // Request ids are UUIDs or short client ids: plain ASCII needs no JSON escaping and no UTF-8 count.
  const plain = PLAIN_ID.test(queryId);
  const id = `{"queryId":${plain ? `"${queryId}"` : JSON.stringify(queryId)}${rest.bytes > 2 ? ',' : ''}`;
  const tail = id + rest.text;
  return { head: found.head, tail, length: found.head.length + (plain ? id.length : Buffer.byteLength(id)) + rest.bytes };
}

const PLAIN_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

// Cached answers share one meta object per entry and second (src/cache/cached-engine.ts).
const encodedMeta = new WeakMap<QueryResult['meta'], { readonly text: string; readonly bytes: number }>();
