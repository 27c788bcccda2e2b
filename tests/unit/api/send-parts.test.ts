import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendParts } from '../../../src/api/rest/send-parts.js';

/** A real HTTP server whose route answers through sendParts (head shared, tail per request). */
describe('sendParts', () => {
  const head = Buffer.from(`{"rows":[${'1,'.repeat(5000)}1],"meta":`);
  let app: FastifyInstance;
  let base: string;
  let gone = 0;

  beforeAll(async () => {
    app = Fastify();
    app.get('/parts/:n', async (request, reply) => {
      const n = (request.params as { n: string }).n;
      reply.header('x-extra', `e${n}`);
      const tail = `{"n":"${n}","é":"✓"}}`;
      return sendParts(reply, 'application/json; charset=utf-8', head, tail, head.length + Buffer.byteLength(tail));
    });
    // The client is gone before the batch is written: the answer is skipped, nothing crashes.
    app.get('/gone', async (_request, reply) => {
      sendParts(reply, 'application/json', head, '{}}', head.length + 3);
      reply.raw.destroy();
      gone++;
      return reply;
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('sends the shared head and each request its own tail, with headers and Content-Length, many at once', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`${base}/parts/${i}`)));
    for (const [i, res] of answers.entries()) {
      expect(res.status).toBe(200);
      expect(res.headers.get('x-extra')).toBe(`e${i}`);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      const body = JSON.parse(bytes.toString()) as { rows: number[]; meta: { n: string } };
      expect(body.rows).toHaveLength(5001);
      expect(body.meta).toEqual({ n: String(i), é: '✓' });
    }
  });

  it('skips an answer whose client went away and keeps answering the others', async () => {
    await expect(fetch(`${base}/gone`)).rejects.toThrow();
    expect(gone).toBe(1);
    const res = await fetch(`${base}/parts/after`);
    expect(res.status).toBe(200);
    expect((JSON.parse(await res.text()) as { meta: { n: string } }).meta.n).toBe('after');
  });
});
