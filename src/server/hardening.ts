/**
 * HTTP hardening every app gets: security headers (helmet, with the CSP of hardening-csp.ts), a
 * CORS allowlist, a URL length limit (414) and, when configured, rate limits per caller or IP
 * (429 RATE_LIMITED with Retry-After; in Redis when REDIS_URL is set, so replicas share counts).
 * Register before the routes: the rate limiter attaches itself to routes as they are added.
 */
import cors from '@fastify/cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { MaatstafError } from '../core/errors.js';
import { METRICS_PATH } from '../observability/metrics.routes.js';
import { API_SECURITY_HEADERS } from '../http/security-headers.js';
import { DEFAULT_CSP } from './hardening-csp.js';

export interface RateLimitOptions {
  /** Requests per window per authenticated caller (API key, token subject); 0 = not limited. */
  readonly max: number;
  /** Requests per window per client address of anonymous callers; default `max`; 0 = not limited. */
  readonly anonymousMax?: number;
  readonly windowMs: number;
  /** Shared counters in Redis (replicas); when absent counters are per process. */
  readonly redisUrl?: string;
}

export interface HardeningOptions {
  /** Browser origins allowed to call the API (exact `scheme://host[:port]`); none by default. */
  readonly corsOrigins?: readonly string[];
  /** Off when absent (tests); `maatstaf serve` always sets it from the configuration. */
  readonly rateLimit?: RateLimitOptions;
  /** Longest URL accepted (default 8192); longer answers 414 URI_TOO_LONG. */
  readonly maxUrlLength?: number;
}

/** Paths never rate limited: probes and scrapes must keep working under load. */
const UNLIMITED = new Set(['/healthz', '/readyz', METRICS_PATH]);

/** The rate-limit bucket of a request: the authenticated caller, else the client address. */
export function rateLimitKey(request: FastifyRequest): string {
  const caller = request.caller;
  return caller && caller.kind !== 'anonymous' ? `caller:${caller.kind}:${caller.id}` : `ip:${request.ip}`;
}

/** The headers helmet would set for these options (they do not depend on the request). */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  return headers;
}

/** Comma-separated MAATSTAF_CORS_ORIGINS → exact origins (trailing slashes dropped). */
export function parseCorsOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
}

/** Data endpoints (API_SECURITY_HEADERS); everything else is a page or its assets (helmet's full set). */
export function isDataPath(url: string): boolean {
  return (
    url.startsWith('/v1/') ||
    url === '/graphql' ||
    url.startsWith('/graphql?') ||
    url.startsWith('/internal/') ||
    url.startsWith('/healthz') ||
    url.startsWith('/readyz') ||
    url.startsWith('/openapi.json')
  );
}

export async function registerHardening(app: FastifyInstance, opts: HardeningOptions = {}): Promise<void> {
  const maxUrlLength = opts.maxUrlLength ?? 8192;
  // helmet's headers depend only on its options: computed once (@fastify/helmet rebuilt the
  // middleware and two nonces on every request, ~9% of a cached answer's CPU).
  const pageHeaders = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: { ...DEFAULT_CSP } as Record<string, string[]> },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  // One synchronous hook: every hook stage costs time on each cached answer.
  app.addHook('onRequest', (request, reply, done) => {
    const { url } = request;
    // The request id on every answer (sendProblem sets it too, for errors Fastify answers before any hook ran).
    reply.header('x-request-id', request.id);
    reply.headers(isDataPath(url) ? API_SECURITY_HEADERS : pageHeaders);
    if (url.length > maxUrlLength) {
      done(new MaatstafError('URI_TOO_LONG', `the URL is longer than ${maxUrlLength} characters; send the query as a POST body`));
      return;
    }
    done();
  });

  const allowed = new Set(opts.corsOrigins ?? []);
  // No allowed origin: no CORS plugin at all (no hook, no `Vary: Origin` on every answer); browsers
  // refuse cross-origin answers without CORS headers anyway.
  if (allowed.size > 0) await app.register(cors, {
    // Only listed origins get CORS headers; others (and same-origin requests) get none.
    origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['accept', 'authorization', 'content-type', 'if-none-match', 'x-api-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'etag', 'deprecation', 'sunset', 'link', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    credentials: false,
    maxAge: 600,
  });

  const rl = opts.rateLimit;
  const anonymousMax = rl?.anonymousMax ?? rl?.max ?? 0;
  if (rl && (rl.max > 0 || anonymousMax > 0)) {
    const redis = rl.redisUrl
      ? new Redis(rl.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 250, connectTimeout: 1000, retryStrategy: (n) => Math.min(n * 250, 5000) })
      : undefined;
    // Errors are logged by the cache tier's own client; here an outage only means no limit (skipOnError).
    redis?.on('error', () => {});
    if (redis) {
      app.addHook('onClose', async () => redis.disconnect());
      // Start with counting from the first request when Redis is there; without it, start anyway.
      await new Promise<void>((resolve) => {
        const done = setTimeout(resolve, 1000);
        done.unref();
        redis.once('ready', () => {
          clearTimeout(done);
          resolve();
        });
      });
    }
    await app.register(rateLimit, {
      global: true,
      // Each authenticated caller has its own budget wherever it calls from (several dashboards
      // behind one gateway); anonymous callers share one per address (request.ip: see trustProxy).
      max: (_request, key) => (key.startsWith('ip:') ? anonymousMax : rl.max),
      timeWindow: rl.windowMs,
      hook: 'onRequest',
      keyGenerator: rateLimitKey,
      allowList: (request, key) => UNLIMITED.has(request.url.split('?')[0]!) || (key.startsWith('ip:') ? anonymousMax : rl.max) === 0,
      ...(redis ? { redis, nameSpace: 'maatstaf:ratelimit:', skipOnError: true } : {}),
      errorResponseBuilder: (_request, ctx) =>
        new MaatstafError('RATE_LIMITED', `too many requests: at most ${ctx.max} per ${Math.round(rl.windowMs / 1000)} s ${_request.caller && _request.caller.kind !== 'anonymous' ? 'per caller' : 'per address for anonymous callers (send an API key for a budget of your own)'}; retry in ${ctx.after}`),
    });
  }
}
