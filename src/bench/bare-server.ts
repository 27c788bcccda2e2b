/**
 * Benchmark baseline (child process): a bare Fastify route that answers GET and POST /v1/query
 * with a ready-made JSON body (BARE_BODY_FILE, already UTF-8 bytes) and does nothing else. The
 * POST body is still parsed by Fastify's JSON parser, as in maatstaf.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyReply } from 'fastify';

const body = readFileSync(process.env.BARE_BODY_FILE ?? '');
const app = Fastify({ logger: false });
const send = async (_request: unknown, reply: FastifyReply) => reply.type('application/json; charset=utf-8').send(body);
app.post('/v1/query', send);
app.get('/v1/query', send);
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
