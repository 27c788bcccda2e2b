/**
 * Signing in to the OData feed as Power BI offers it: an API key header, Basic (password = the key),
 * and, with OIDC configured, "Organizational account": an anonymous request gets 401 with the Bearer
 * challenge naming the authorization endpoint, a JWT from the identity provider's JWKS (served here
 * by the test) is accepted, one for another audience is refused. Refusals are OData error bodies.
 */
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationUri } from '../../../src/api/odata/index.js';
import { createAuthenticator, createJwtVerifier, hashApiKey } from '../../../src/access/authn/index.js';
import { buildApp } from '../../../src/server/app.js';
import type { FastifyInstance } from 'fastify';
import { openDemoWarehouse, engineFor, DEMO_METRICS_DIR } from '../helpers/demo-app.js';
import type { TestWarehouse } from '../../helpers/warehouses.js';

const ISSUER = 'https://login.microsoftonline.com/tenant-1234/v2.0';
const AUDIENCE = 'https://kpi.gemeente.example';
const KEY = 'mst_odata-auth-test-key-0123456789abcdef0123';
const CHALLENGE = 'Bearer authorization_uri="https://login.microsoftonline.com/tenant-1234/oauth2/authorize"';

describe('OData authentication', () => {
  let wh: TestWarehouse;
  let app: FastifyInstance;
  let jwks: Server;
  let signer: { privateKey: CryptoKey; publicKey: CryptoKey };

  beforeAll(async () => {
    signer = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(signer.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/keys`;
    wh = await openDemoWarehouse('pglite');
    const jwt = createJwtVerifier({ issuer: ISSUER, audience: [AUDIENCE], jwksUrl, algorithms: ['RS256'], clockSkewSeconds: 30, rolesClaim: 'roles' });
    app = await buildApp({
      state: { warehouse: wh, engine: await engineFor(DEMO_METRICS_DIR, wh), definitionsError: undefined },
      logger: false,
      authn: createAuthenticator({ apiKeys: [{ name: 'power-bi', hash: hashApiKey(KEY), roles: ['analyst'] }], jwt }),
      odata: { oidcIssuer: ISSUER },
    });
    await app.ready();
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await wh?.dispose();
    await new Promise<void>((r) => jwks?.close(() => r()));
  });

  const http = () => supertest(app.server);
  const token = (audience: string) =>
    new SignJWT({ roles: ['analyst'], scp: 'user_impersonation' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setSubject('user-42')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(signer.privateKey);
  const rows = (res: supertest.Response) => (res.body as { value: unknown[] }).value;

  it('an API key in X-API-Key reads the feed', async () => {
    const res = await http().get('/odata/satisfaction_by_month').set('x-api-key', KEY).expect(200);
    expect(rows(res).length).toBeGreaterThan(0);
  });

  it('Basic with the key as password (any user name) reads the same rows; a wrong password is 401', async () => {
    const byKey = await http().get('/odata/satisfaction_by_month').set('x-api-key', KEY).expect(200);
    const basic = await http().get('/odata/satisfaction_by_month').auth('power-bi', KEY).expect(200);
    expect(rows(basic)).toEqual(rows(byKey));
    const wrong = await http().get('/odata/satisfaction_by_month').auth('power-bi', `${KEY}x`).expect(401);
    expect(wrong.headers['www-authenticate']).toBe(`${CHALLENGE}, error="invalid_token"`);
    expect(wrong.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'the credential was not accepted' } });
  });

  it('anonymous with OIDC configured: 401 with the Bearer authorization_uri challenge on every OData URL (REST stays anonymous)', async () => {
    for (const url of ['/odata', '/odata/$metadata', '/odata/satisfaction_by_month', '/odata/satisfaction_by_month/$count']) {
      const res = await http().get(url).expect(401);
      expect(res.headers['www-authenticate']).toBe(CHALLENGE);
      expect(res.headers['odata-version']).toBe('4.0');
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
    await http().get('/v1/saved-queries').expect(200);
  });

  it('a JWT from the identity provider (local JWKS) reads the feed; one for another audience is 401 invalid_token', async () => {
    const ok = await http().get('/odata/satisfaction_by_month').set('authorization', `Bearer ${await token(AUDIENCE)}`).expect(200);
    expect(rows(ok).length).toBeGreaterThan(0);
    const other = await http().get('/odata/satisfaction_by_month').set('authorization', `Bearer ${await token('api://another-app')}`).expect(401);
    expect(other.headers['www-authenticate']).toBe(`${CHALLENGE}, error="invalid_token"`);
    expect(other.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('the authorization endpoint follows the issuer (Entra v2 and v1 issuers; any other: <issuer>/oauth2/authorize)', () => {
    expect(authorizationUri('https://login.microsoftonline.com/t1/v2.0')).toBe('https://login.microsoftonline.com/t1/oauth2/authorize');
    expect(authorizationUri('https://sts.windows.net/t1/')).toBe('https://login.microsoftonline.com/t1/oauth2/authorize');
    expect(authorizationUri('https://idp.example/realms/gemeente/')).toBe('https://idp.example/realms/gemeente/oauth2/authorize');
  });
});
