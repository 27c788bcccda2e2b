/**
 * Answers to errors Node's HTTP parser raises before Fastify sees a request (Fastify's
 * `clientErrorHandler`). A request whose headers or body do not arrive within the server's
 * timeouts (a slow or trickling client) gets 408 as a problem+json like every other error; other
 * parser errors get what Fastify would answer (400, or 431 for oversized headers).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { MaatstafError } from '../core/errors.js';
import { toProblem } from './problem.js';
import { API_SECURITY_HEADERS } from './security-headers.js';

function rawResponse(status: number, type: string, body: string): string {
  const headers = Object.entries(API_SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`;
}

export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      const problem = toProblem(new MaatstafError('REQUEST_TIMEOUT', 'the request did not arrive in time: send the headers and the whole body without pauses (MAATSTAF_REQUEST_TIMEOUT_MS)'));
      socket.write(rawResponse(408, 'application/problem+json', JSON.stringify(problem)));
    } else {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      socket.write(rawResponse(status, 'application/json', JSON.stringify({ error: STATUS_CODES[status], message: status === 431 ? 'Exceeded maximum allowed HTTP header size' : 'Client Error', statusCode: status })));
    }
  }
  socket.destroy(err);
}
