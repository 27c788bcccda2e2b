/**
 * Sends a cached answer: a body made of a shared part and a per-request part, without joining them,
 * and with the writes of one event-loop turn sent together.
 *
 * - No copy: a cached answer is ~15 KB of encoded rows shared by every hit plus this request's
 *   meta. Fastify's `send` takes one payload, so joining them would copy the rows into a new buffer
 *   on every hit. Here the status line and headers, the shared bytes and the meta leave in one
 *   corked write (one `writev`).
 * - Batched: the answers produced while the event loop handles one round of ready sockets are
 *   written together at the end of that round (`setImmediate`), not one by one in between. Each
 *   write to a client process that is waiting costs the kernel a wake-up of that process; written in
 *   a burst, the later ones find it awake. That helps when one client process holds many connections
 *   (a load balancer or proxy, a dashboard gateway, the bench's load generator): on the bench machine
 *   it lowered the server's CPU per cached answer by about a third and raised throughput by half.
 *   An answer waits for the rest of that round: microseconds when the round holds cached answers,
 *   longer when it also serialises a large uncached answer.
 *
 * The reply is hijacked for this: Fastify's onSend hooks do not run, so answers the compression
 * plugin would compress are sent by Fastify instead (`canSendParts`). The request metrics and the
 * access log still see the answer when the response finishes.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';

/** The compression threshold the app set (src/server/compression.ts); absent = no compression. */
export const COMPRESSION_MIN_BYTES = 'maatstafCompressionMinBytes';

/**
 * Whether `sendParts` may answer `request` with `length` bytes: not a HEAD answer (it has no body:
 * Fastify's own send strips it), and not one the compression plugin would compress (its onSend hook
 * must run): a large answer to a client that accepts an encoding.
 */
export function canSendParts(request: FastifyRequest, length: number): boolean {
  if (request.method === 'HEAD') return false;
  const minBytes = (request.server as unknown as Record<string, number | undefined>)[COMPRESSION_MIN_BYTES];
  if (minBytes === undefined || length < minBytes) return true;
  const accepted = request.headers['accept-encoding'];
  return accepted === undefined || !/\b(br|gzip|deflate|\*)\b/i.test(String(accepted));
}

interface PendingAnswer {
  readonly res: ServerResponse;
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly head: Buffer;
  readonly tail: string;
  readonly log: FastifyBaseLogger;
}

let pending: PendingAnswer[] = [];

/** `head` then `tail` as the body, with every header set on `reply` so far plus type and length. */
export function sendParts(reply: FastifyReply, contentType: string, head: Buffer, tail: string, length: number): FastifyReply {
  reply.hijack();
  // Fastify's header type admits `accept` and other request names; the values are response headers.
  const headers = reply.getHeaders() as OutgoingHttpHeaders;
  headers['content-type'] = contentType;
  headers['content-length'] = length;
  pending.push({ res: reply.raw, status: reply.statusCode, headers, head, tail, log: reply.log });
  if (pending.length === 1) setImmediate(writePending);
  return reply;
}

function writePending(): void {
  const batch = pending;
  pending = [];
  for (const answer of batch) writeAnswer(answer);
}

function writeAnswer({ res, status, headers, head, tail, log }: PendingAnswer): void {
  // The client may have gone while the answer waited: nothing to write to.
  if (res.destroyed || res.writableEnded) return;
  try {
    res.writeHead(status, headers);
    const socket = res.socket;
    if (typeof socket?.cork === 'function') socket.cork();
    res.write(head);
    // end() uncorks the socket fully: one writev for the status line, the headers and both parts.
    res.end(tail);
  } catch (e) {
    // Nothing can be sent any more (headers went out or were refused): close the connection.
    log.error({ err: e }, 'cached answer could not be written; connection closed');
    res.destroy();
  }
}
