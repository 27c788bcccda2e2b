/**
 * Slow clients: a request whose body (or headers) trickles in is answered 408 REQUEST_TIMEOUT as a
 * problem+json and its connection closed, instead of holding a socket for minutes (issue 22). A
 * request that arrives in time is unaffected, however long its answer takes to stream.
 */
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { appWithFailingWarehouse } from './helpers/demo-app.js';

let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  const base = await appWithFailingWarehouse(() => new Error('offline'));
  await base.close();
  app = await buildApp({ state: base.state, logger: false, timeouts: { requestMs: 1000, headersMs: 600, keepAliveMs: 5000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(() => app.close());

/** Opens a raw connection; `answer` resolves with everything the server sent once it closes. */
function rawClient(): { socket: Socket; answer: Promise<{ text: string; ms: number }> } {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const answer = new Promise<{ text: string; ms: number }>((resolve) => {
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('close', () => resolve({ text, ms: Date.now() - started }));
    socket.on('error', () => {});
  });
  return { socket, answer };
}

/** Writes `chunks` one every `everyMs` while the socket is open. */
function trickle(socket: Socket, chunks: readonly string[], everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (i >= chunks.length || socket.destroyed) return clearInterval(timer);
    socket.write(chunks[i++]!);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

function problemOf(text: string): { status: string; body: Record<string, unknown> } {
  const [head, body] = text.split('\r\n\r\n');
  return { status: head!.split('\r\n')[0]!, body: JSON.parse(body!) as Record<string, unknown> };
}

describe('request timeouts', () => {
  it('a POST whose body trickles in gets 408 REQUEST_TIMEOUT within the request timeout and is closed', async () => {
    const body = JSON.stringify({ metrics: ['reports_received'] });
    const { socket, answer } = rawClient();
    socket.write(`POST /v1/query HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
    trickle(socket, [...body], 150); // would take ~4 s
    const { text, ms } = await answer;
    const p = problemOf(text);
    expect(p.status).toBe('HTTP/1.1 408 Request Timeout');
    expect(text).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/);
    expect(text).toMatch(/\r\nconnection: close\r\n/);
    expect(p.body).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT', title: 'Request Timeout' });
    expect(String(p.body.detail)).toContain('MAATSTAF_REQUEST_TIMEOUT_MS');
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3500);
  });

  it('headers that trickle in get 408 too', async () => {
    const { socket, answer } = rawClient();
    socket.write('GET /v1/metrics HTTP/1.1\r\n');
    trickle(socket, ['host', ': ', 'x\r\n', 'x-a: 1\r\n', 'x-b: 2\r\n', 'x-c: 3\r\n', 'x-d: 4\r\n', '\r\n'], 250);
    const { text } = await answer;
    expect(problemOf(text).status).toBe('HTTP/1.1 408 Request Timeout');
    expect(problemOf(text).body.code).toBe('REQUEST_TIMEOUT');
  });

  it('a request sent in time is answered normally (the timeout ends when the request has arrived)', async () => {
    const body = JSON.stringify({ metrics: ['no_such_metric'] });
    const { socket, answer } = rawClient();
    socket.end(`POST /v1/query HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    const { text } = await answer;
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
    expect(text).toContain('"code":"UNKNOWN_METRIC"');
  });

  it('sets the keep-alive timeout on the server', () => {
    expect(app.server.keepAliveTimeout).toBe(5000);
    expect(app.server.requestTimeout).toBe(1000);
    expect(app.server.headersTimeout).toBe(600);
  });
});
