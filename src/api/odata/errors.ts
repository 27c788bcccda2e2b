/**
 * OData error answers (OData JSON Format §21: `{"error": {"code", "message", "target", "details"}}`)
 * for everything under /odata, with the same stable codes, statuses and messages as REST problems
 * (src/http/problem.ts); never SQL text or stack traces.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MaatstafError } from '../../core/errors.js';
import { toProblem } from '../../http/problem.js';
import { API_SECURITY_HEADERS } from '../../http/security-headers.js';

export const ODATA_PREFIX = '/odata';
export const ODATA_VERSION_HEADERS = { 'odata-version': '4.0' } as const;

export function odataErrorBody(err: MaatstafError): { error: Record<string, unknown> } {
  const p = toProblem(err);
  return {
    error: {
      code: p.code,
      message: p.detail,
      ...(p.name !== undefined ? { target: p.name } : {}),
      ...(p.suggestions?.length ? { details: p.suggestions.map((s) => ({ code: 'SUGGESTION', message: `did you mean ${s}?`, target: s })) } : {}),
    },
  };
}

export function sendODataError(reply: FastifyReply, request: FastifyRequest, err: MaatstafError): FastifyReply {
  if (err.status === 503) reply.header('retry-after', '5');
  reply.header('x-request-id', request.id).headers(API_SECURITY_HEADERS).headers(ODATA_VERSION_HEADERS);
  return reply.code(err.status).type('application/json; charset=utf-8').send(JSON.stringify(odataErrorBody(err)));
}

/** True for requests to the OData service (answered with OData errors instead of problem+json). */
export function isODataRequest(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!;
  return path === ODATA_PREFIX || path.startsWith(`${ODATA_PREFIX}/`);
}
