/**
 * Request ids. The server always makes its own (a UUID: the `x-request-id` response header, the log's
 * `reqId`, the audit entry's `requestId`), so a client cannot forge or reuse the id the audit trail
 * correlates by. An `x-request-id` the client sends is kept beside it as `clientRequestId` (log
 * and audit), bounded and reduced to printable ASCII, so clients can still find their own calls.
 */
import { randomUUID } from 'node:crypto';

export const CLIENT_REQUEST_ID_MAX_LENGTH = 128;

/** Fastify's genReqId: never the client's header. */
export const serverRequestId = (): string => randomUUID();

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** The client's own `x-request-id`, cleaned (printable ASCII, at most 128 characters), or undefined. */
export function clientRequestIdOf(headers: Headers): string | undefined {
  const raw = headers['x-request-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const clean = value.replace(/[^\x20-\x7e]/g, '').trim().slice(0, CLIENT_REQUEST_ID_MAX_LENGTH);
  return clean === '' ? undefined : clean;
}

/** The ids an interface hands to the engine with a query (RunOptions, AuditMeta). */
export function requestIdsOf(request: { readonly id: string; readonly headers: Headers }): { requestId: string; clientRequestId?: string } {
  const clientRequestId = clientRequestIdOf(request.headers);
  return clientRequestId === undefined ? { requestId: request.id } : { requestId: request.id, clientRequestId };
}
