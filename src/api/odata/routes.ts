/**
 * The OData v4 routes: service document, `$metadata`, entity sets (saved queries) and `/$count`.
 * Thin: each request is parsed into one maatstaf query (query.ts) and run on the caller's engine
 * (src/layers/caller-engine.ts), so access rules, row rules, privacy protection, the result cache
 * and the audit log apply exactly as for GET /v1/saved-queries/{name}/results.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MaatstafError } from '../../core/errors.js';
import type { MetricQueryInput } from '../../core/query.js';
import { suggest } from '../../core/suggest.js';
import type { Engine, QueryResult } from '../../engine/types.js';
import { clientGoneSignal } from '../../http/client-signal.js';
import { requestIdsOf } from '../../http/request-id.js';
import type { ServerState } from '../../http/state.js';
import { engineFor } from '../../layers/caller-engine.js';
import { entitySetsOf, type ODataEntitySet } from './entity-sets.js';
import { ODATA_PREFIX, ODATA_VERSION_HEADERS } from './errors.js';
import { metadataXml } from './metadata.js';
import { checkOptionNames, parseOptions, type ODataOptions } from './options.js';
import { decodeSkipToken, encodeSkipToken, keyOf, pageExpired, pageWindow, sameKey } from './paging.js';
import { pagedQuery, project, setQuery } from './query.js';

export interface ODataRouteOptions {
  /** Rows per page unless the client prefers fewer or more (`Prefer: odata.maxpagesize`). */
  readonly pageSize: number;
  /** The most rows a page may have whatever the client prefers. */
  readonly maxPageSize: number;
}

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const NO_OPTIONS = new Set<string>();
const COUNT_OPTIONS = new Set(['$filter']);

const engineOf = (state: ServerState, request: FastifyRequest): Engine => engineFor(state, request.caller, { interface: 'odata' });

/** `https://host/odata`: context and next links are absolute, as clients follow them as given. */
function serviceRoot(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${ODATA_PREFIX}`;
}

function requireSet(engine: Engine, name: string): ODataEntitySet {
  const sets = entitySetsOf(engine);
  const set = sets.find((s) => s.name === name);
  if (set) return set;
  throw new MaatstafError('UNKNOWN_SAVED_QUERY', `Unknown entity set '${name}'.`, { name, suggestions: suggest(name, sets.map((s) => s.name)) });
}

/** `Prefer: odata.maxpagesize=N` (RFC 7240 / OData §8.2.8.3), or undefined. */
export function preferredPageSize(prefer: string | string[] | undefined): number | undefined {
  const text = Array.isArray(prefer) ? prefer.join(',') : prefer;
  const m = text ? /(?:^|[,;\s])odata\.maxpagesize\s*=\s*"?(\d{1,9})"?/i.exec(text) : null;
  const n = m ? Number(m[1]) : undefined;
  return n !== undefined && n > 0 ? n : undefined;
}

/** Runs one engine query for the request (the request id goes to the audit log). */
function run(engine: Engine, request: FastifyRequest, reply: FastifyReply, query: MetricQueryInput): Promise<QueryResult> {
  return engine.run(query, { signal: clientGoneSignal(request, reply), ...requestIdsOf(request) });
}

function nextLink(request: FastifyRequest, token: string): string {
  const query = request.query as Record<string, string>;
  const params = Object.entries(query)
    .filter(([k]) => k !== '$skiptoken')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  params.push(`$skiptoken=${token}`);
  return `${serviceRoot(request)}${request.url.split('?')[0]!.slice(ODATA_PREFIX.length)}?${params.join('&')}`;
}

function contextUrl(request: FastifyRequest, set: ODataEntitySet, opts: ODataOptions): string {
  return `${serviceRoot(request)}/$metadata#${set.name}${opts.select ? `(${opts.select.join(',')})` : ''}`;
}

interface Page {
  readonly rows: readonly Record<string, unknown>[];
  readonly more: boolean;
  /** Rows of the answer (after $skip) sent by the earlier pages. */
  readonly sentBefore: number;
  readonly count?: number;
}

/**
 * One page. With `$count=true` the whole answer is read once (the count and the page come from the
 * same answer, one audit entry); otherwise only the page's rows (plus one before, with a token, and
 * one after, to know whether more follow).
 */
async function readPage(engine: Engine, request: FastifyRequest, reply: FastifyReply, set: ODataEntitySet, opts: ODataOptions, pageSize: number): Promise<Page> {
  const timeZone = engine.graph.timeZone;
  const query = setQuery(set, opts, timeZone);
  const token = opts.skipToken !== undefined ? decodeSkipToken(opts.skipToken, set.keys.length) : undefined;
  const w = pageWindow({ skip: opts.skip, top: opts.top, savedLimit: set.request.limit, token, pageSize });
  const from = token ? w.start - 1 : w.start;
  const take = w.size + (token ? 1 : 0) + (w.mayContinue ? 1 : 0);
  let rows: readonly Record<string, unknown>[];
  let count: number | undefined;
  if (opts.count) {
    const whole = (await run(engine, request, reply, query)).rows;
    // OData URL conventions, $count: "ignores any $top, $skip … the total count of results across all pages"
    // (Power BI reads it as the size of the set, not of the page).
    count = Math.min(whole.length, set.request.limit ?? Infinity);
    rows = whole.slice(from, from + take);
  } else rows = (await run(engine, request, reply, pagedQuery(query, from, take))).rows;
  if (token) {
    if (!sameKey(rows[0], set.keys, token.key)) throw pageExpired();
    rows = rows.slice(1);
  }
  return { rows: rows.slice(0, w.size), more: w.mayContinue && rows.length > w.size, sentBefore: token?.sent ?? 0, ...(count !== undefined ? { count } : {}) };
}

export function registerODataRoutes(app: FastifyInstance, state: ServerState, options: ODataRouteOptions): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(ODATA_VERSION_HEADERS);
    done(null, payload);
  });

  const serviceDocument = async (request: FastifyRequest, reply: FastifyReply) => {
    checkOptionNames(request.query as Record<string, unknown>, new Set(['$format']));
    const sets = entitySetsOf(engineOf(state, request));
    const body = {
      '@odata.context': `${serviceRoot(request)}/$metadata`,
      value: sets.map((s) => ({ name: s.name, kind: 'EntitySet', url: s.name, title: s.label })),
    };
    return reply.type(JSON_TYPE).send(JSON.stringify(body));
  };
  app.get(ODATA_PREFIX, serviceDocument);
  app.get(`${ODATA_PREFIX}/`, serviceDocument);

  app.get(`${ODATA_PREFIX}/$metadata`, async (request, reply) => {
    checkOptionNames(request.query as Record<string, unknown>, NO_OPTIONS);
    return reply.type('application/xml; charset=utf-8').send(metadataXml(entitySetsOf(engineOf(state, request))));
  });

  app.get<{ Params: { set: string } }>(`${ODATA_PREFIX}/:set`, async (request, reply) => {
    const engine = engineOf(state, request);
    const set = requireSet(engine, request.params.set);
    const opts = parseOptions(set, request.query as Record<string, unknown>);
    const preferred = preferredPageSize(request.headers.prefer);
    const pageSize = Math.min(preferred ?? options.pageSize, options.maxPageSize);
    const page = await readPage(engine, request, reply, set, opts, pageSize);
    const body: Record<string, unknown> = { '@odata.context': contextUrl(request, set, opts) };
    if (page.count !== undefined) body['@odata.count'] = page.count;
    body.value = page.rows.map(project(set, opts.select));
    const last = page.rows[page.rows.length - 1];
    if (page.more && last) body['@odata.nextLink'] = nextLink(request, encodeSkipToken({ sent: page.sentBefore + page.rows.length, key: keyOf(last, set.keys) }));
    if (preferred !== undefined) reply.header('preference-applied', `odata.maxpagesize=${pageSize}`);
    return reply.type(JSON_TYPE).send(JSON.stringify(body));
  });

  app.get<{ Params: { set: string } }>(`${ODATA_PREFIX}/:set/$count`, async (request, reply) => {
    const engine = engineOf(state, request);
    const set = requireSet(engine, request.params.set);
    const query = request.query as Record<string, unknown>;
    checkOptionNames(query, COUNT_OPTIONS);
    const opts = parseOptions(set, query);
    const rows = (await run(engine, request, reply, setQuery(set, opts, engine.graph.timeZone))).rows;
    return reply.type('text/plain; charset=utf-8').send(String(rows.length));
  });
}
