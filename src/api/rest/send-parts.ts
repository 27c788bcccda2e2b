/**
 * Sends a body made of a shared part and a per-request part without joining them. A cached answer
 * is ~15 KB of encoded rows shared by every hit plus this request's meta: Fastify's `send` takes
 * one payload, so joining them would copy the rows into a new buffer on every hit. Here the status
 * line and headers, the shared bytes and the meta leave in one corked write (one `writev`).
 *
 * The reply is hijacked for this: Fastify's onSend hooks do not run (maatstaf registers none; a
 * plugin that needs them, such as compression, would have to be added to `canSendParts`). The
 * onResponse hooks (request metrics, access log) still run when the response finishes.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Whether `sendParts` may answer `request` (a HEAD answer has no body: Fastify's own send strips it). */
export function canSendParts(request: FastifyRequest): boolean {
  return request.method !== 'HEAD';
}

/** `head` then `tail` as the body, with every header set on `reply` so far plus type and length. */
export function sendParts(reply: FastifyReply, contentType: string, head: Buffer, tail: string, length: number): FastifyReply {
  reply.hijack();
  const res = reply.raw;
  // Fastify's header type admits `accept` and other request names; the values are response headers.
  const headers = reply.getHeaders() as OutgoingHttpHeaders;
  headers['content-type'] = contentType;
  headers['content-length'] = length;
  res.writeHead(reply.statusCode, headers);
  const socket = res.socket;
  socket?.cork();
  res.write(head);
  res.end(tail);
  socket?.uncork();
  return reply;
}
