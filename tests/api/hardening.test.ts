/**
 * HTTP hardening: rate limits (429 + Retry-After, per caller, shared through Redis), security
 * headers that keep /docs and /graphiql working, the CORS allowlist, URL/body size limits and the
 * per-query limits.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, generateApiKey, hashApiKey } from '../../src/access/authn/index.js';
import { MAX_METRICS } from '../../src/core/query.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { parseCorsOrigins, type HardeningOptions } from '../../src/server/hardening.js';
import type { ServerState } from '../../src/http/state.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { DEMO_METRICS_DIR, appWithFailingWarehouse, engineFor, openDemoWarehouse } from './helpers/demo-app.js';

const KEY_A = generateApiKey();
const KEY_B = generateApiKey();
const authn = createAuthenticator({
  apiKeys: [
    { name: 'a', hash: hashApiKey(KEY_A), roles: ['analyst'] },
    { name: 'b', hash: hashApiKey(KEY_B), roles: ['analyst'] },
  ],
});

/** An app on the demo definitions over a warehouse that never answers (no data needed here). */
async function offlineApp(hardening: HardeningOptions, extra: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const base = await appWithFailingWarehouse(() => new Error('offline'));
  await base.close();
  const app = await buildApp({ state: base.state, logger: false, authn, hardening, ...extra });
  await app.ready();
  return app;
}

describe('rate limits', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await offlineApp({ rateLimit: { max: 3, windowMs: 60_000 } });
  });
  afterAll(() => app.close());

  it('answers 429 RATE_LIMITED with Retry-After after the limit, per caller; probes are never limited', async () => {
    const http = () => supertest(app.server);
    for (let i = 0; i < 3; i++) {
      const ok = await http().get('/v1/metrics').set('x-api-key', KEY_A);
      expect(ok.status).toBe(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const limited = await http().get('/v1/metrics').set('x-api-key', KEY_A);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', title: 'Too Many Requests' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another key has its own budget; so has an anonymous client (by IP).
    expect((await http().get('/v1/metrics').set('x-api-key', KEY_B)).status).toBe(200);
    expect((await http().get('/v1/metrics')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await http().get('/healthz')).status).toBe(200);
    // POST is counted as well.
    expect((await http().post('/v1/query').set('x-api-key', KEY_A).send({ metrics: ['reports_received'] })).status).toBe(429);
  });
});

describe.runIf(process.env.REDIS_URL_TEST)('rate limits in Redis', () => {
  it('shares one budget across replicas', async () => {
    const prefix = randomBytes(4).toString('hex');
    const redisUrl = process.env.REDIS_URL_TEST!;
    const key = generateApiKey();
    const keyed = createAuthenticator({ apiKeys: [{ name: `redis-${prefix}`, hash: hashApiKey(key), roles: [] }] });
    const [one, two] = await Promise.all([
      offlineApp({ rateLimit: { max: 4, windowMs: 60_000, redisUrl } }, { authn: keyed }),
      offlineApp({ rateLimit: { max: 4, windowMs: 60_000, redisUrl } }, { authn: keyed }),
    ]);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await supertest((i % 2 ? one : two)!.server).get('/v1/metrics').set('x-api-key', key)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await Promise.all([one!.close(), two!.close()]);
    }
  });
});

describe('security headers, CORS and size limits', () => {
  let app: FastifyInstance;
  const http = () => supertest(app.server);
  beforeAll(async () => {
    app = await offlineApp({ corsOrigins: parseCorsOrigins(' https://dashboard.dijkstede.nl/ ,https://bi.dijkstede.nl'), maxUrlLength: 2048 }, { bodyLimitBytes: 4096 });
  });
  afterAll(() => app.close());

  it('sends the OWASP data-answer headers on the API: nothing may render, frame or embed an answer', async () => {
    for (const res of [await http().get('/v1/metrics'), await http().post('/v1/query').send({ metrics: ['nope'] }), await http().get('/readyz')]) {
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
      // Headers for HTML documents (links, prefetching) are left off data answers.
      expect(res.headers['x-dns-prefetch-control']).toBeUndefined();
      expect(res.headers['referrer-policy']).toBeUndefined();
    }
  });

  it('sends helmet headers with a strict CSP on pages (Swagger UI)', async () => {
    const res = await http().get('/docs/').redirects(2);
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-dns-prefetch-control']).toBe('off');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sends the data-answer headers and a request id on errors Fastify answers before any hook (bad URL encoding)', async () => {
    const res = await http().get('/v1/metrics/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps Swagger UI at /docs working: page and scripts from self, allowed by the CSP', async () => {
    const page = await http().get('/docs/').redirects(2);
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    const scripts = [...page.text.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    // Every script is a file of this server (no inline or foreign script the CSP would block).
    expect(page.text.replace(/<script[^>]*src="[^"]+"[^>]*>\s*<\/script>/g, '')).not.toMatch(/<script/);
    for (const src of scripts) {
      expect(src).not.toMatch(/^https?:/);
      const res = await http().get(new URL(src, 'http://x/docs/').pathname);
      expect(res.status).toBe(200);
    }
    expect((await http().get('/openapi.json')).status).toBe(200);
  });

  it('serves GraphiQL from this server alone (offline, no CDN), under the same CSP as every page', async () => {
    const res = await http().get('/graphiql');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe((await http().get('/docs/')).headers['content-security-policy']);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(res.text).not.toMatch(/https?:\/\//);
    // No inline script: every script and stylesheet is a file of this server, which it serves.
    expect(res.text.replace(/<script src="[^"]+"><\/script>/g, '')).not.toMatch(/<script/);
    const urls = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.map((u) => u.split('/').at(-1))).toEqual(['graphiql.min.css', 'react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js', 'start.js']);
    for (const url of urls) {
      expect(url).toMatch(/^\/graphiql\/assets\//);
      const asset = await http().get(url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers['content-type'], url).toMatch(url.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(asset.headers['cache-control'], url).toContain('immutable');
      expect(asset.text.length, url).toBeGreaterThan(200);
    }
    const start = await http().get(urls.at(-1)!);
    expect(start.text).toContain("GraphiQL.createFetcher({ url: new URL('/graphql', location.href)");
    expect(start.text).not.toMatch(/https?:\/\//);
  });

  it('allows listed origins only (CORS)', async () => {
    const allowed = await http().get('/v1/metrics').set('origin', 'https://dashboard.dijkstede.nl');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.dijkstede.nl');
    expect(allowed.headers['access-control-expose-headers']).toContain('x-request-id');
    const preflight = await http()
      .options('/v1/query')
      .set({ origin: 'https://bi.dijkstede.nl', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://bi.dijkstede.nl');
    expect(preflight.headers['access-control-allow-headers']).toContain('x-api-key');
    const refused = await http().get('/v1/metrics').set('origin', 'https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const refusedPreflight = await http().options('/v1/query').set({ origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    expect(refusedPreflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(refusedPreflight.status).toBeLessThan(500);
  });

  it('answers 414 for long URLs and 413 for large bodies, as problems', async () => {
    const long = await http().get(`/v1/query?metrics=${'a'.repeat(3000)}`);
    expect(long.status).toBe(414);
    expect(long.body).toMatchObject({ code: 'URI_TOO_LONG', status: 414 });
    const big = await http().post('/v1/query').send({ metrics: ['reports_received'], where: ['x'.repeat(5000)] });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe.each(ENGINES)('per-query limits on %s', (engineName) => {
  let wh: TestWarehouse;
  let app: FastifyInstance;
  let state: ServerState;
  const http = () => supertest(app.server);

  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    state = { warehouse: wh, engine: await engineFor(DEMO_METRICS_DIR, wh), definitionsError: undefined, queryLimits: { maxMetrics: 2, maxGroupBy: 1, maxRows: 20 } };
    app = await buildApp({ state, logger: false });
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await wh?.dispose();
  });

  it('refuses too many metrics or group-by items before running, on REST and GraphQL', async () => {
    const metrics = await http().post('/v1/query').send({ metrics: ['reports_received', 'reports_resolved', 'avg_resolution_hours'] });
    expect(metrics.status).toBe(400);
    expect(metrics.body).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', name: 'metrics' });
    const groupBy = await http().get('/v1/query?metrics=reports_received&groupBy=metric_time__year,district__district_name');
    expect(groupBy.status).toBe(400);
    expect(groupBy.body).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', name: 'groupBy' });
    const gql = await http()
      .post('/graphql')
      .send({ query: '{ query(input: {metrics: ["reports_received", "reports_resolved", "avg_resolution_hours"]}) { rows } }' });
    expect(gql.body.errors[0].extensions.code).toBe('QUERY_LIMIT_EXCEEDED');
    // The schema's own cap still answers above the configured one.
    const schemaCap = await http().post('/v1/query').send({ metrics: Array.from({ length: MAX_METRICS + 1 }, () => 'reports_received') });
    expect(schemaCap.status).toBe(400);
  });

  it('refuses answers with more rows than allowed; a limit makes them fit', async () => {
    const { rows } = await wh.query<{ n: number }>(
      `SELECT count(DISTINCT date_trunc('month', received_at AT TIME ZONE 'Europe/Amsterdam'))::int AS n FROM public_space_reports`,
    );
    expect(rows[0]!.n).toBeGreaterThan(20);
    const tooMany = await http().get('/v1/query?metrics=reports_received&groupBy=metric_time__month');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', name: 'limit' });
    const fits = await http().get('/v1/query?metrics=reports_received&groupBy=metric_time__month&limit=20');
    expect(fits.status).toBe(200);
    expect(fits.body.rows).toHaveLength(20);
    const years = await http().get('/v1/query?metrics=reports_received&groupBy=metric_time__year');
    expect(years.status).toBe(200);
  });
});
