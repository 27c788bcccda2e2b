/**
 * RFC 9457 problem+json for every error response. Clients see the stable code, a message, the
 * offending name and suggestions; never SQL, stack traces or internal error text.
 */
import { API_SECURITY_HEADERS } from './security-headers.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MaatstafError, isMaatstafError, type ErrorCode, type QueryIssue } from '../core/errors.js';
import { validationCodeAt } from '../core/query.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  name?: string;
  path?: string;
  suggestions?: readonly string[];
  available?: readonly string[];
  /** Every problem when the request had several; the top-level fields describe the first. */
  issues?: readonly QueryIssue[];
}

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  410: 'Gone',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function toProblem(err: MaatstafError, instance?: string): Problem {
  const p: Problem = {
    type: `https://maatstaf.dev/problems/${err.code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[err.status] ?? 'Error',
    status: err.status,
    code: err.code,
    detail: err.message,
  };
  if (instance) p.instance = instance;
  if (err.details.name !== undefined) p.name = err.details.name;
  if (err.details.path !== undefined) p.path = err.details.path;
  if (err.details.suggestions?.length) p.suggestions = err.details.suggestions;
  if (err.details.available?.length) p.available = err.details.available;
  if (err.details.issues && err.details.issues.length > 1) p.issues = err.details.issues;
  return p;
}

/** Maps anything thrown in a request to a MaatstafError; unknown errors become INTERNAL. */
export function normaliseError(err: unknown): MaatstafError {
  if (isMaatstafError(err)) return err;
  const fe = err as Partial<FastifyError> & { validation?: unknown };
  if (fe && typeof fe === 'object') {
    if (Array.isArray(fe.validation) && fe.validation.length > 0) return validationError(fe.validation, fe.validationContext);
    if (fe.validation) {
      return new MaatstafError('INVALID_QUERY', `invalid request: ${fe.message ?? 'validation failed'}`, {
        ...(fe.validationContext ? { path: fe.validationContext } : {}),
      });
    }
    if (err instanceof SyntaxError && fe.statusCode === 400) return new MaatstafError('INVALID_QUERY', 'request body is not valid JSON');
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new MaatstafError('PAYLOAD_TOO_LARGE', 'request body too large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new MaatstafError('INVALID_QUERY', 'unsupported content type: send application/json');
      case 'FST_ERR_BAD_URL':
        return new MaatstafError('INVALID_QUERY', 'the URL is not validly percent-encoded');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return new MaatstafError('INVALID_QUERY', 'request body is not valid JSON');
      default:
        break;
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return new MaatstafError('INVALID_QUERY', 'invalid request');
    }
  }
  return new MaatstafError('INTERNAL', 'internal error; see the server log for this request id');
}

interface ValidationEntry {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: { readonly keys?: unknown };
}

const PART: Record<string, string> = { body: 'body', querystring: 'query parameter', params: 'path parameter', headers: 'header' };

/**
 * Schema validation errors (zod via fastify-type-provider-zod: `instancePath` `/metrics/0`) as one
 * INVALID_QUERY naming the field (`metrics[0]`), with every issue listed.
 */
function validationError(entries: readonly ValidationEntry[], context: string | undefined): MaatstafError {
  const issues: QueryIssue[] = entries.slice(0, 20).map((e) => {
    const segments = (e.instancePath ?? '').split('/').filter((x) => x !== '');
    const part = PART[context ?? ''] ?? 'request';
    const render = (segs: readonly string[]) => segs.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    const unknownKeys = e.keyword === 'unrecognized_keys' && Array.isArray(e.params?.keys) ? e.params.keys.map(String) : [];
    if (unknownKeys.length) {
      const parent = render(segments);
      const what = context === 'body' ? 'field' : part;
      const message = `${context === 'body' && parent ? `body ${parent}: ` : ''}unknown ${what} ${unknownKeys.map((k) => `'${k}'`).join(', ')}`;
      const path = render([...segments, unknownKeys[0]!]);
      return { code: 'INVALID_QUERY', message, path, name: unknownKeys[0]! };
    }
    const path = render(segments);
    const name = [...segments].reverse().find((p) => !/^\d+$/.test(p));
    const where = path ? `${part} ${path}` : part;
    const code = context === 'body' ? validationCodeAt(path) : 'INVALID_QUERY';
    return { code, message: `${where}: ${e.message ?? 'invalid'}`, ...(path ? { path } : {}), ...(name ? { name } : {}) };
  });
  const first = issues[0]!;
  return new MaatstafError(first.code, first.message, {
    ...(first.path ? { path: first.path } : {}),
    ...(first.name ? { name: first.name } : {}),
    issues,
  });
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: MaatstafError): FastifyReply {
  if (err.status === 503) reply.header('retry-after', '5');
  // An error raised while a compressed stream was starting leaves its Content-Encoding behind; this
  // answer is encoded afresh (or not at all) on its way out.
  reply.removeHeader('content-encoding');
  // Also for the errors Fastify answers before any onRequest hook ran (malformed URLs).
  reply.header('x-request-id', request.id).headers(API_SECURITY_HEADERS);
  // Serialised here, not by a route's response schema: an error answer must never fail to serialise.
  return reply.code(err.status).type('application/problem+json').send(JSON.stringify(toProblem(err, request.url)));
}
