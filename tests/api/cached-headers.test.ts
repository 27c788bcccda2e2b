/**
 * A cached answer must carry every header the hooks set (security, CORS, rate limit, request id)
 * and the cache validators, and revalidation must still answer 304.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWarehouse } from '../helpers/warehouses.js';
import { openDemoWarehouse, type TestApp } from './helpers/demo-app.js';
import { speedApp } from './helpers/speed-app.js';

const ORIGIN = 'https://dashboard.example.test';
const URL = '/v1/query?metrics=reports_received&groupBy=report__channel&orderBy=report__channel';

describe('headers of cached answers', () => {
  let wh: TestWarehouse;
  let t: TestApp;

  beforeAll(async () => {
    wh = await openDemoWarehouse('pglite');
    t = await speedApp(wh, {}, { hardening: { corsOrigins: [ORIGIN], rateLimit: { max: 1000, windowMs: 60_000 } } });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await wh?.dispose();
  });

  it('carry the same headers as the first answer, CORS and rate limit included, and revalidate to 304', async () => {
    const miss = await t.http().get(URL).set('origin', ORIGIN).set('x-request-id', 'first');
    const hit = await t.http().get(URL).set('origin', ORIGIN).set('x-request-id', 'second');
    expect([miss.body.meta.cache, hit.body.meta.cache]).toEqual(['miss', 'hit']);
    expect(hit.body.rows).toEqual(miss.body.rows);
    for (const name of ['content-type', 'etag', 'content-security-policy', 'x-content-type-options', 'x-frame-options', 'strict-transport-security', 'access-control-allow-origin', 'x-ratelimit-limit']) {
      expect(hit.headers[name], name).toBeDefined();
      expect(hit.headers[name], name).toBe(miss.headers[name]);
    }
    // Each answer has its own server-made id (the client's x-request-id is never used instead).
    expect(hit.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hit.headers['x-request-id']).not.toBe(miss.headers['x-request-id']);
    expect(hit.body.meta.queryId).toBe(hit.headers['x-request-id']);
    expect(hit.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
    expect(Number(hit.headers['x-ratelimit-remaining'])).toBe(Number(miss.headers['x-ratelimit-remaining']) - 1);
    const revalidated = await t.http().get(URL).set('if-none-match', hit.headers.etag as string);
    expect(revalidated.status).toBe(304);
    expect(revalidated.text ?? '').toBe('');
  });
});
