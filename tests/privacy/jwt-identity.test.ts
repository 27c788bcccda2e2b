/**
 * Reproduction 9 (identities) of issue 17: a JWT without `sub` was accepted as the caller `unknown`
 * (so the audit trail named nobody), and the token type was not checked, so an OIDC ID token issued
 * to a client passed as an access token. Tokens are signed here with jose and verified against a
 * JWKS served over HTTP by this test, through the real app.
 */
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, createJwtVerifier, type JwtSettings } from '../../src/access/authn/index.js';
import { offlineWarehouse } from '../../src/warehouse/offline.js';
import { buildApp } from '../../src/server/app.js';

const ISSUER = 'https://login.example.test/tenant/v2.0';
const AUDIENCE = 'api://maatstaf';

let key: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwks: Server;
let jwksUrl: string;

beforeAll(async () => {
  key = await generateKeyPair('RS256', { extractable: true });
  const body = JSON.stringify({ keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/keys`;
});

afterAll(async () => {
  await new Promise<void>((r) => jwks?.close(() => r()));
});

interface Harness {
  readonly app: FastifyInstance;
  readonly logs: string[];
  whoami(token: string): Promise<supertest.Response>;
}

async function harness(over: Partial<JwtSettings> = {}): Promise<Harness> {
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString()), cb()) }));
  const settings: JwtSettings = { issuer: ISSUER, audience: [AUDIENCE], jwksUrl, algorithms: ['RS256'], clockSkewSeconds: 30, rolesClaim: 'roles', ...over };
  const app = await buildApp({
    state: { warehouse: offlineWarehouse(), engine: undefined, definitionsError: 'not loaded' },
    logger,
    authn: createAuthenticator({ jwt: createJwtVerifier(settings) }),
    web: { root: false },
  });
  app.get('/v1/test/whoami', async (request) => request.caller);
  await app.ready();
  return { app, logs, whoami: (token) => supertest(app.server).get('/v1/test/whoami').set('authorization', `Bearer ${token}`) };
}

/** A correctly signed token for this issuer and audience; `sub` only when given. */
async function token(claims: JWTPayload, typ: string | null = 'JWT'): Promise<string> {
  const header = { alg: 'RS256', kid: 'k1', ...(typ === null ? {} : { typ }) };
  return new SignJWT({ roles: ['raad'], ...claims }).setProtectedHeader(header).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(key.privateKey);
}

function expectRefused(res: supertest.Response): void {
  expect(res.status).toBe(401);
  expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  expect(res.headers['www-authenticate']).toBe('Bearer realm="maatstaf", error="invalid_token"');
}

describe('JWT identities (reproduction 9)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h?.app.close());

  it('a token without sub (or with an empty one) is refused, never the caller "unknown"', async () => {
    expectRefused(await h.whoami(await token({})));
    expectRefused(await h.whoami(await token({ sub: '' })));
    expectRefused(await h.whoami(await token({ sub: 42 as unknown as string })));
    expect(h.logs.join('')).toContain("token has no 'sub' claim");
    const ok = await h.whoami(await token({ sub: 'user-1' }));
    expect([ok.status, ok.body]).toEqual([200, { id: 'user-1', kind: 'bearer', roles: ['raad'] }]);
  });

  it('the typ header: at+jwt, application/at+jwt, JWT or none are accepted; other types refused', async () => {
    for (const typ of ['at+jwt', 'application/at+jwt', 'JWT', 'jwt', null]) {
      expect((await h.whoami(await token({ sub: 'u' }, typ))).status, String(typ)).toBe(200);
    }
    for (const typ of ['id_token+jwt', 'logout+jwt', 'dpop+jwt', 'secevent+jwt', 'JOSE']) {
      expectRefused(await h.whoami(await token({ sub: 'u' }, typ)));
    }
    expect(h.logs.join('')).toContain("token type (typ header) 'logout+jwt' is not an access token");
  });

  it('ID tokens are refused: nonce, at_hash or c_hash without an access-token shape, or typ claim ID', async () => {
    // An Entra-style ID token issued to a client whose id is also the configured audience.
    expectRefused(await h.whoami(await token({ sub: 'u', nonce: 'n-123' })));
    expectRefused(await h.whoami(await token({ sub: 'u', at_hash: 'abc' })));
    expectRefused(await h.whoami(await token({ sub: 'u', c_hash: 'abc' })));
    expectRefused(await h.whoami(await token({ sub: 'u', typ: 'ID' })));
    expect(h.logs.join('')).toContain('an ID token (nonce claim, no scope) is not an access token');
    // Access tokens that carry a nonce (Keycloak before 25) keep working: they have an access-token shape.
    for (const claims of [{ nonce: 'n', scp: 'user_impersonation' }, { nonce: 'n', scope: 'openid metrics' }, { nonce: 'n', typ: 'Bearer' }]) {
      expect((await h.whoami(await token({ sub: 'u', ...claims }))).status, JSON.stringify(claims)).toBe(200);
    }
    expect((await h.whoami(await token({ sub: 'u', nonce: 'n' }, 'at+jwt'))).status).toBe(200);
  });

  it('a configured subject claim (MAATSTAF_OIDC_SUBJECT_CLAIM) names the caller and is required', async () => {
    const oid = await harness({ subjectClaim: 'oid' });
    try {
      const named = await oid.whoami(await token({ oid: 'object-id-7', sub: 'pairwise' }));
      expect([named.status, named.body.id]).toEqual([200, 'object-id-7']);
      expectRefused(await oid.whoami(await token({ sub: 'pairwise' })));
      expect(oid.logs.join('')).toContain("token has no 'oid' claim");
    } finally {
      await oid.app.close();
    }
  });
});
