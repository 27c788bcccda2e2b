/**
 * Shared route plumbing: the engine (or 503 while definitions do not load), the negotiated
 * format, deprecation headers, and sending a query result as JSON or CSV.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { engineFor } from '../../layers/caller-engine.js';
import type { MetricDef } from '../../definitions/model.js';
import { deprecationNotice } from '../../engine/governance.js';
import type { Engine, QueryResult, QueryResultFreshness } from '../../engine/types.js';
import { routeInfo } from '../../http/route-info.js';
import { appendOnRequestHook } from '../../http/route-hooks.js';
import type { ServerState } from '../../http/state.js';
import { toCsv } from './formats/csv.js';
import { jsonBody } from './formats/json-body.js';
import { isResultFormat, negotiateFormat, type ResultFormat } from './formats/negotiate.js';

const JSON_TYPE = 'application/json; charset=utf-8';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Formats the route can answer in, preferred first; default JSON only. */
    formats?: readonly ResultFormat[];
  }
}

/**
 * The loaded engine as the request's caller may use it (src/layers/caller-engine.ts: access checks,
 * row-level filters, catalogue narrowed); NOT_READY (503, Retry-After) while the definitions do not load.
 * The same engine object serves all of the caller's requests: pass `request.id` with each run
 * (RunOptions.requestId) for the audit log.
 */
export function engineOf(state: ServerState, request: FastifyRequest): Engine {
  // The format is negotiated in onRequest (addFormatNegotiation), before any handler asks for the engine.
  return engineFor(state, request.caller, { interface: formatOf(request) === 'csv' ? 'csv' : 'rest' });
}

// A property on the request, not a WeakMap: per-request WeakMap entries cost the garbage collector.
const chosenFormat = Symbol('maatstaf.resultFormat');
type WithFormat = FastifyRequest & { [chosenFormat]?: ResultFormat };

/**
 * Negotiates the format of every route registered in `app` from now on, before its handler runs, so
 * a 406 never costs a query. It is the route's last onRequest hook (after authentication answered a
 * refused credential and the rate limiter counted the request), not a preHandler hook: a hook stage
 * of its own would cost time on every cached answer. The URL parameters are not validated yet: a
 * `?format=` that is not a format at all is left to validation (400 INVALID_QUERY).
 */
export function addFormatNegotiation(app: FastifyInstance): void {
  const hook: onRequestHookHandler = (request, _reply, done) => {
    const offered = routeInfo(request).config?.formats;
    // Only result routes declare (and so validate) `?format=`; elsewhere it is not a parameter.
    const given = offered ? (request.query as { format?: unknown } | undefined)?.format : undefined;
    if (given !== undefined && !isResultFormat(given)) return done();
    try {
      (request as WithFormat)[chosenFormat] = negotiateFormat(request.headers.accept, given, offered ?? ['json']);
    } catch (e) {
      done(e as Error);
      return;
    }
    done();
  };
  appendOnRequestHook(app, hook);
}

export function formatOf(request: FastifyRequest): ResultFormat {
  return (request as WithFormat)[chosenFormat] ?? 'json';
}

/** RFC 9745 `Deprecation`, RFC 8594 `Sunset` and `Link` headers when any metric is deprecated. */
export function setDeprecationHeaders(reply: FastifyReply, defs: readonly (MetricDef | undefined)[]): void {
  const notice = deprecationNotice(defs.filter((d): d is MetricDef => d !== undefined));
  if (!notice) return;
  // The RFC 9745 value is a date; without `deprecated_at` in meta we say "already in effect" (the epoch).
  const since = Math.floor((notice.deprecatedAt?.getTime() ?? 0) / 1000);
  reply.header('deprecation', `@${since}`);
  if (notice.sunset) reply.header('sunset', notice.sunset.toUTCString());
  const links = [
    ...notice.metrics.map((m) => `</v1/metrics/${encodeURIComponent(m)}>; rel="deprecation"; type="application/json"`),
    ...notice.replacements.map((m) => `</v1/metrics/${encodeURIComponent(m)}>; rel="successor-version"; type="application/json"`),
  ];
  reply.header('link', links.join(', '));
}

/** Deprecation headers for the metrics a query names. */
export function setQueryDeprecationHeaders(reply: FastifyReply, engine: Engine, metrics: readonly string[] | undefined): void {
  setDeprecationHeaders(reply, (metrics ?? []).map((m) => engine.graph.metric(m)));
}

export interface SendRowsOptions {
  /** CSV: prefix a UTF-8 BOM. */
  readonly bom?: boolean;
  /** CSV: a header row of labels instead of names. */
  readonly labels?: boolean;
  /** CSV: neutralise formula-like text cells (default true; src/core/csv-cell.ts). */
  readonly formulaEscape?: boolean | undefined;
  /** File name offered for CSV downloads (without extension). */
  readonly filename?: string;
}

/** The CSV options of a result route's URL parameters (`bom`, `header`) and the server's formula setting. */
export function csvOptionsOf(query: { readonly bom?: string | undefined; readonly header?: string | undefined }, state: Pick<ServerState, 'csvFormulaEscape'>): SendRowsOptions {
  return { bom: query.bom === 'true', labels: query.header === 'labels', formulaEscape: state.csvFormulaEscape };
}

/** A query result in the negotiated format: JSON `{columns, rows, meta}` or CSV. */
export function sendRows(reply: FastifyReply, request: FastifyRequest, result: QueryResult, opts: SendRowsOptions = {}): FastifyReply {
  if (result.freshness && notModified(reply, request, result.freshness)) return reply.code(304).send();
  if (formatOf(request) === 'csv') {
    const name = (opts.filename ?? 'query').replace(/[^A-Za-z0-9_.-]/g, '_');
    return reply
      .type('text/csv; charset=utf-8; header=present')
      .header('content-disposition', `inline; filename="${name}.csv"`)
      .send(toCsv(result.columns, result.rows, { bom: opts.bom ?? false, labels: opts.labels === true, formulaEscape: opts.formulaEscape !== false }));
  }
  return sendJson(reply, request, result);
}

/**
 * A query result as JSON `{columns, rows, meta}`. Exported for the benchmark's baseline route
 * (src/bench/bare-server.ts), which must serialise and write exactly as maatstaf does.
 */
export function sendJson(reply: FastifyReply, request: FastifyRequest, result: QueryResult): FastifyReply {
  // Serialised here rather than by the response schema: results can be large and need no checking.
  return reply.type(JSON_TYPE).send(jsonBody(result, request.id));
}

/**
 * ETag (weak: the body also carries the request id) and Cache-Control from the result cache's
 * hints; true when the client's If-None-Match already names this answer (Power BI, browsers).
 */
function notModified(reply: FastifyReply, request: FastifyRequest, freshness: QueryResultFreshness): boolean {
  const etag = `W/"${freshness.etag}-${formatOf(request)}"`;
  reply.header('etag', etag).header('cache-control', `private, max-age=${freshness.maxAgeSeconds}`);
  const given = request.headers['if-none-match'];
  if (!given) return false;
  return given.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || `W/${tag}` === etag;
  });
}

/** The engine's readonly data as the response schema's (mutable) type; the data is unchanged. */
export type DeepMutable<T> = T extends readonly (infer U)[] ? DeepMutable<U>[] : T extends object ? { -readonly [K in keyof T]: DeepMutable<T[K]> } : T;

export function asResponse<T>(value: T): DeepMutable<T> {
  return value as DeepMutable<T>;
}
