/**
 * Benchmark baseline (child process): a bare Fastify route doing the same work as maatstaf by the
 * same means, and nothing else (no authentication, access check, limits, audit, rate limit,
 * validation, cache key, ETag, metrics or security headers). BARE_PLAN_FILE (JSON, written by
 * http.bench.ts) lists each request of the mix by caller group, method, URL and body:
 *
 * - `cached`: the answer maatstaf gave; sent as a cached answer (it carries freshness), through
 *   maatstaf's own `sendJson` (src/api/rest/reply.ts): same serialisation, same write path.
 * - `uncached`: the SQL and parameters maatstaf compiled for that caller; run on a pg pool of the
 *   same size as maatstaf's, the rows sent through the same `sendJson` as a fresh answer.
 *
 * The POST body is parsed by Fastify's JSON parser and the request id is a UUID, as in maatstaf.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import pg from 'pg';
import { sendJson } from '../api/rest/reply.js';
import type { QueryResult } from '../engine/types.js';
import { bareKey, type BarePlan } from './bare-plan.js';
import { serverRequestId } from '../http/request-id.js';

const plan = JSON.parse(readFileSync(process.env.BARE_PLAN_FILE ?? '', 'utf8')) as BarePlan;
const groups = new Map(Object.entries(plan.groups));
const answers = new Map(Object.entries(plan.answers));
const pool =
  plan.mode === 'uncached' ? new pg.Pool({ connectionString: plan.databaseUrl, max: 10, options: `-c search_path=${plan.schema ?? 'public'},public` }) : undefined;

const app = Fastify({ logger: false, genReqId: serverRequestId });
// Fastify's own JSON parser, keeping the text the answer is looked up by.
const bodyText = Symbol('bodyText');
type WithText = FastifyRequest & { [bodyText]?: string };
const parse = app.getDefaultJsonParser('error', 'error');
app.removeContentTypeParser('application/json');
app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
  (request as WithText)[bodyText] = body as string;
  parse(request, body as string, done);
});
const answer = async (request: FastifyRequest, reply: FastifyReply) => {
  const group = groups.get(request.headers.authorization ?? '') ?? '';
  const body = (request as WithText)[bodyText] ?? '';
  const found = answers.get(bareKey(group, request.method, request.url, body));
  if (!found) return reply.code(404).send({ error: 'not in the plan' });
  if ('result' in found) return sendJson(reply, request, found.result);
  const started = performance.now();
  const res = await pool!.query(found.sql, found.params as unknown[]);
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  const result: QueryResult = { columns: found.columns, rows: res.rows, meta: { definitionsVersion: 'bare', sqlHash: 'bare', rowCount: res.rows.length, durationMs } };
  return sendJson(reply, request, result);
};
app.post('/v1/query', answer);
app.get('/v1/query', answer);
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
const stop = () => void app.close().then(() => pool?.end()).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
