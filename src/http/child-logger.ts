/**
 * Fastify's `childLoggerFactory`: the per-request pino child, with a client's own `x-request-id`
 * bound as `clientRequestId` beside the server's `reqId` (request-id.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { clientRequestIdOf } from './request-id.js';

export function childLoggerFactory(logger: Logger, bindings: Bindings, options: ChildLoggerOptions, rawReq?: IncomingMessage): Logger {
  const clientRequestId = rawReq ? clientRequestIdOf(rawReq.headers) : undefined;
  return logger.child(clientRequestId === undefined ? bindings : { ...bindings, clientRequestId }, options);
}
