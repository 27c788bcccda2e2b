import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTextMemo, memoisedValidatorCompiler, useMemoisedJsonParser } from '../../../src/api/rest/request-memo.js';
import { isFrozenInput } from '../../../src/core/frozen-input.js';

/** A validator compiler counting its calls: `n` must be a number. */
function countingCompiler() {
  const counter = { calls: 0 };
  const compile = () => (data: unknown) => {
    counter.calls++;
    const n = (data as { n?: unknown }).n;
    return typeof n === 'number' || n === undefined ? { value: { ...(data as object), checked: true } } : { error: new Error('n must be a number') };
  };
  return { counter, compile: memoisedValidatorCompiler(compile as never) as unknown as (route: unknown) => (data: unknown) => { value?: unknown; error?: Error } };
}

describe('memoisedValidatorCompiler', () => {
  it('validates a frozen input once and hands out its frozen answer', () => {
    const { counter, compile } = countingCompiler();
    const validate = compile({});
    const memo = createTextMemo<object>();
    const input = memo.remember('{"n":1}', { n: 1 });
    const a = validate(input);
    const b = validate(input);
    expect(counter.calls).toBe(1);
    expect(b).toBe(a);
    expect(a.value).toEqual({ n: 1, checked: true });
    expect(isFrozenInput(a.value)).toBe(true);
  });

  it('validates plain input every time, and never remembers a failure', () => {
    const { counter, compile } = countingCompiler();
    const validate = compile({});
    validate({ n: 1 });
    validate({ n: 1 });
    expect(counter.calls).toBe(2);
    const bad = createTextMemo<object>().remember('{"n":"x"}', { n: 'x' });
    expect(validate(bad).error?.message).toBe('n must be a number');
    expect(validate(bad).error?.message).toBe('n must be a number');
    expect(counter.calls).toBe(4);
  });

  it('validates an empty querystring once per route', () => {
    const { counter, compile } = countingCompiler();
    const validate = compile({});
    expect(validate({}).value).toEqual({ checked: true });
    expect(validate(Object.create(null)).value).toEqual({ checked: true });
    expect(counter.calls).toBe(1);
  });
});

describe('createTextMemo', () => {
  it('remembers short texts only', () => {
    const memo = createTextMemo<object>();
    const short = memo.remember('a', { a: 1 });
    expect(memo.get('a')).toBe(short);
    memo.remember('x'.repeat(5000), { big: true });
    expect(memo.get('x'.repeat(5000))).toBeUndefined();
  });
});

describe('useMemoisedJsonParser', () => {
  it('parses like Fastify (errors, prototype poisoning) and hands out one frozen body per text', async () => {
    const app = Fastify();
    const seen: unknown[] = [];
    await app.register(async (api) => {
      useMemoisedJsonParser(api);
      api.post('/echo', async (request) => {
        seen.push(request.body);
        return { frozen: isFrozenInput(request.body), body: request.body };
      });
    });
    const post = (payload: string) => app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json; charset=utf-8' }, payload });
    const a = await post('{"metrics":["x"]}');
    const b = await post('{"metrics":["x"]}');
    expect(a.json()).toEqual({ frozen: true, body: { metrics: ['x'] } });
    expect(b.statusCode).toBe(200);
    expect(seen[0]).toBe(seen[1]);
    expect((await post('{"metrics":')).statusCode).toBe(400);
    expect((await post('')).statusCode).toBe(400);
    expect((await post('{"__proto__":{"admin":true}}')).statusCode).toBe(400);
    // Scalars pass through unfrozen.
    expect((await post('42')).json()).toEqual({ frozen: false, body: 42 });
    await app.close();
  });
});
