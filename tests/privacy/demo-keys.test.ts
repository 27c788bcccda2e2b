/**
 * Reproduction 7 of issue 17: the public demo keys (demo-auditor reads the audit log) were active
 * whenever DATABASE_URL was unset, also under NODE_ENV=production, with the operator's own keys and
 * with anonymous access off (the Docker image's setup). Now they need an explicit demo request and
 * none of those. The configuration goes through the CLI's own flag parsing (configFrom) and the
 * authenticator `maatstaf serve` builds (authFromConfig), against the real app and audit log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFromConfig, hashApiKey } from '../../src/access/authn/index.js';
import { offlineWarehouse } from '../../src/warehouse/offline.js';
import { configFrom, type CommonFlags } from '../../src/cli/flags.js';
import { buildApp } from '../../src/server/app.js';
import { openTestAuditLog, type TestAuditLog } from '../api/helpers/audit-log.js';
import { cliEnv, freePort, startCli, waitForExit, waitForStatus } from '../helpers/cli.js';
import { openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

let wh: TestWarehouse;
let log: TestAuditLog;
let dir: string;
let keyFile: string;

beforeAll(async () => {
  wh = await openTestWarehouse('pglite');
  log = await openTestAuditLog(wh, 'pglite', 'demokeys');
  dir = mkdtempSync(join(tmpdir(), 'maatstaf-demo-keys-'));
  keyFile = join(dir, 'keys.yml');
  writeFileSync(keyFile, `keys: [{ name: operator, hash: "${hashApiKey('mst_operator-key-0123456789')}", roles: [auditor] }]\n`);
});

afterAll(async () => {
  await log?.close();
  await wh?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The app `maatstaf serve` would build for these flags, environment and NODE_ENV. */
async function served(flags: CommonFlags, env: NodeJS.ProcessEnv, nodeEnv: string | undefined): Promise<{ app: FastifyInstance; demoRefused: string | undefined }> {
  const auth = authFromConfig(configFrom(flags, env), nodeEnv);
  const app = await buildApp({ state: { warehouse: offlineWarehouse(), engine: undefined, definitionsError: 'not loaded', audit: log.audit }, logger: false, authn: auth.authenticator, web: { root: false } });
  await app.ready();
  return { app, demoRefused: auth.demoRefused };
}

async function auditStatus(app: FastifyInstance, key: string): Promise<number> {
  return (await supertest(app.server).get('/v1/audit').set('x-api-key', key)).status;
}

describe('demo keys (reproduction 7)', () => {
  it('work when the demo is asked for explicitly in development (--demo or MAATSTAF_DEMO=1)', async () => {
    for (const [flags, env] of [[{ demo: true }, {}], [{}, { MAATSTAF_DEMO: '1' }]] as const) {
      const { app, demoRefused } = await served(flags, env, 'development');
      try {
        expect(demoRefused).toBeUndefined();
        expect(await auditStatus(app, 'demo-auditor')).toBe(200);
        expect(await auditStatus(app, 'demo-council')).toBe(403);
      } finally {
        await app.close();
      }
    }
  });

  const refused: [string, CommonFlags, NodeJS.ProcessEnv, string | undefined, RegExp | undefined][] = [
    ['without an explicit demo request (no DATABASE_URL, as before)', {}, {}, undefined, undefined],
    ['under NODE_ENV=production, even when asked for', { demo: true }, {}, 'production', /NODE_ENV=production/],
    ['with the operator\'s own key file', { demo: true, apiKeys: '' }, {}, 'development', /operator configured API keys/],
    ['with the operator\'s keys in MAATSTAF_API_KEYS', { demo: true }, { MAATSTAF_API_KEYS: `[{ name: env-op, hash: "${hashApiKey('mst_x')}", roles: [auditor] }]` }, 'development', /operator configured API keys/],
    ['with anonymous access off', { demo: true, anonymous: 'off' }, {}, 'development', /anonymous access is off/],
    ['with OIDC configured', { demo: true }, { MAATSTAF_OIDC_ISSUER: 'https://idp.example.test', MAATSTAF_OIDC_AUDIENCE: 'api', MAATSTAF_OIDC_JWKS_URL: 'https://idp.example.test/keys' }, 'development', /OIDC/],
    ['with DATABASE_URL set', { demo: true }, { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' }, 'development', /DATABASE_URL/],
    ['in the Docker image\'s setup (production, operator keys, anonymous off)', { demo: true, apiKeys: '', anonymous: 'off' }, {}, 'production', /NODE_ENV=production/],
  ];

  it.each(refused)('are refused %s: demo-auditor gets 401 on /v1/audit', async (_name, flags, env, nodeEnv, warning) => {
    const withFile = flags.apiKeys === '' ? { ...flags, apiKeys: keyFile } : flags;
    const { app, demoRefused } = await served(withFile, env, nodeEnv);
    try {
      const res = await supertest(app.server).get('/v1/audit').set('x-api-key', 'demo-auditor');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      if (warning) expect(demoRefused).toMatch(warning);
      else expect(demoRefused).toBeUndefined();
      // The operator's own key still works where one is configured.
      if (withFile.apiKeys !== undefined) expect(await auditStatus(app, 'mst_operator-key-0123456789')).toBe(200);
    } finally {
      await app.close();
    }
  });

  // The real `maatstaf serve` process: asked for the demo under NODE_ENV=production it starts, says
  // why the demo keys are not active, and refuses them. (On a PostgreSQL URL, so nothing is seeded.)
  it.runIf(process.env.TEST_DATABASE_URL !== undefined)('maatstaf serve --demo under NODE_ENV=production warns and refuses demo-auditor', async () => {
    const port = await freePort();
    const env = cliEnv({ NODE_ENV: 'production', LOG_LEVEL: 'info', MAATSTAF_AUDIT: 'false', DATABASE_URL: process.env.TEST_DATABASE_URL! });
    const server = startCli(['serve', '--demo', '--port', String(port), '--metrics', 'tests/fixtures/definitions/export'], env);
    try {
      expect(await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, 60_000)).toBe(200);
      const res = await fetch(`http://127.0.0.1:${port}/v1/audit`, { headers: { 'x-api-key': 'demo-auditor' } });
      expect(res.status).toBe(401);
      expect(server.output().stdout).toContain('demo API keys are NOT active: NODE_ENV=production');
      expect(server.output().stdout).not.toContain('demo API keys are active');
    } finally {
      server.kill('SIGTERM');
      await waitForExit(server).catch(() => server.kill('SIGKILL'));
    }
  }, 90_000);
});
