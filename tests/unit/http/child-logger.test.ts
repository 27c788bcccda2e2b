import Fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { childLoggerFactory } from '../../../src/http/child-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level, redact: ['req.headers.authorization'] }, stream) };
}

async function appWith(level: string) {
  const { lines, logger } = capture(level);
  const app = Fastify({ loggerInstance: logger, childLoggerFactory: childLoggerFactory as never, disableRequestLogging: true });
  app.get('/', async (request) => {
    request.log.info({ step: 'info' }, 'hello');
    request.log.warn('careful');
    request.log.child({ part: 'inner' }).error('inner failure');
    return { level: request.log.level };
  });
  await app.ready();
  return { app, lines };
}

describe('childLoggerFactory', () => {
  it('writes what a pino child writes: the request id on every line, enabled levels only', async () => {
    const { app, lines } = await appWith('warn');
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.json()).toEqual({ level: 'warn' });
    const reqId = lines[0]?.reqId;
    expect(typeof reqId).toBe('string');
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['careful', reqId],
      ['inner failure', reqId],
    ]);
    expect(lines[1]!.part).toBe('inner');
    await app.close();
  });

  it('logs info lines with their fields when the level allows', async () => {
    const { app, lines } = await appWith('info');
    await app.inject({ method: 'GET', url: '/' });
    expect(lines.find((l) => l.msg === 'hello')).toMatchObject({ step: 'info', level: 30 });
    await app.close();
  });

  it("binds a client's own x-request-id as clientRequestId beside the server's reqId", async () => {
    const { app, lines } = await appWith('warn');
    await app.inject({ method: 'GET', url: '/', headers: { 'x-request-id': 'dash-42' } });
    expect(lines[0]).toMatchObject({ msg: 'careful', clientRequestId: 'dash-42' });
    expect(lines[0]!.reqId).not.toBe('dash-42');
    await app.close();
  });
});
