/** Authentication building blocks: key hashing and files, role claims, configuration, `maatstaf keys`. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  DEMO_KEYS,
  authFromConfig,
  createApiKeyStore,
  createAuthenticator,
  generateApiKey,
  hashApiKey,
  parseApiKeys,
  parseRoleMap,
  rolesFromClaims,
} from '../../../src/access/authn/index.js';
import { apiKeysFrom, jwtSettingsFrom } from '../../../src/access/authn/from-config.js';
import { createKeyText } from '../../../src/cli/keys.command.js';
import { loadConfig } from '../../../src/config/config.js';
import { MaatstafError } from '../../../src/core/errors.js';

const ROOT = resolve(import.meta.dirname, '../../..');

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MaatstafError);
    expect((e as MaatstafError).code).toBe('INVALID_CONFIG');
    return (e as MaatstafError).message;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('API keys', () => {
  it('hashes with SHA-256 as sha256:<hex> and generates 256-bit prefixed keys', () => {
    expect(hashApiKey('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const a = generateApiKey();
    expect(a).toMatch(/^mst_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(a);
  });

  it('reads YAML and JSON key lists with names, roles and expiry', () => {
    const yaml = `keys:
  - { name: raad, hash: "${hashApiKey('k1')}", roles: [council] }
  - name: etl
    hash: ${hashApiKey('k2').toUpperCase().replace('SHA256', 'sha256')}
    roles: [analyst, auditor, analyst]
    expires: 2030-01-31
`;
    const keys = parseApiKeys(yaml, 'keys.yml');
    expect(keys.map((k) => [k.name, k.roles])).toEqual([
      ['raad', ['council']],
      ['etl', ['analyst', 'auditor']],
    ]);
    expect(keys[1]!.hash).toBe(hashApiKey('k2'));
    expect(keys[1]!.expiresAt?.toISOString()).toBe('2030-01-31T00:00:00.000Z');
    const json = parseApiKeys(JSON.stringify([{ name: 'x', hash: hashApiKey('k3'), roles: [] }]), 'env');
    expect(json[0]!.name).toBe('x');
    expect(parseApiKeys('', 'empty')).toEqual([]);
  });

  it('refuses plaintext keys, bad hashes, unknown fields and duplicate names, naming the place', () => {
    expect(configError(() => parseApiKeys('keys: [{ name: a, hash: mst_plaintext, roles: [x] }]', 'k.yml'))).toBe(
      "k.yml: keys[0].hash: must be 'sha256:' followed by 64 hex digits (see `maatstaf keys hash`)",
    );
    expect(configError(() => parseApiKeys(`keys: [{ name: a, key: mst_x, hash: "${hashApiKey('a')}", roles: [] }]`, 'k.yml'))).toMatch(/^k\.yml: keys\[0\]/);
    expect(configError(() => parseApiKeys(`keys: [{ name: "a b", hash: "${hashApiKey('a')}", roles: [] }]`, 'k.yml'))).toMatch(/keys\[0\]\.name/);
    const dup = `- { name: a, hash: "${hashApiKey('1')}", roles: [] }\n- { name: a, hash: "${hashApiKey('2')}", roles: [] }`;
    expect(configError(() => parseApiKeys(dup, 'k.yml'))).toContain("duplicate key name 'a'");
    expect(configError(() => parseApiKeys('keys: [', 'k.yml'))).toBe('k.yml: not valid YAML or JSON');
    expect(configError(() => parseApiKeys(`- { name: a, hash: "${hashApiKey('1')}", roles: [], expires: soon }`, 'k.yml'))).toContain('expires');
  });

  it('finds the matching key and refuses expired ones', () => {
    const store = createApiKeyStore([
      { name: 'a', hash: hashApiKey('key-a'), roles: ['x'] },
      { name: 'b', hash: hashApiKey('key-b'), roles: ['y'], expiresAt: new Date('2030-01-01T00:00:00Z') },
    ]);
    expect(store.find('key-a')?.name).toBe('a');
    expect(store.find('key-b', new Date('2029-12-31T23:59:59Z'))?.name).toBe('b');
    expect(store.find('key-b', new Date('2030-01-01T00:00:00Z'))).toBeUndefined();
    expect(store.find('key-c')).toBeUndefined();
    expect(store.find('')).toBeUndefined();
  });

  it('the authenticator rejects a second Authorization header and oversized credentials', async () => {
    const auth = createAuthenticator({ apiKeys: [{ name: 'a', hash: hashApiKey('key-a'), roles: ['x'] }] });
    await expect(auth.authenticate({ 'x-api-key': 'key-a' })).resolves.toEqual({ id: 'a', kind: 'api-key', roles: ['x'] });
    await expect(auth.authenticate({ 'x-api-key': ['key-a', 'key-a'] })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(auth.authenticate({ authorization: `Bearer ${'k'.repeat(20_000)}` })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(auth.authenticate({ authorization: 'bearer   key-a  ' })).resolves.toMatchObject({ id: 'a' });
    const closed = createAuthenticator({ anonymous: false });
    await expect(closed.authenticate({})).rejects.toMatchObject({ kind: 'missing' });
  });
});

describe('authenticateNow (no waiting for anonymous and API-key callers)', () => {
  it('knows anonymous and API-key callers at once, one Caller object per key; bearer tokens need authenticate', async () => {
    const auth = createAuthenticator({ apiKeys: [{ name: 'a', hash: hashApiKey('key-a'), roles: ['x'] }] });
    expect(auth.authenticateNow({})).toMatchObject({ kind: 'anonymous' });
    const first = auth.authenticateNow({ 'x-api-key': 'key-a' });
    expect(first).toEqual({ id: 'a', kind: 'api-key', roles: ['x'] });
    expect(auth.authenticateNow({ authorization: 'Bearer key-a' })).toBe(first);
    await expect(auth.authenticate({ 'x-api-key': 'key-a' })).resolves.toBe(first);
    expect(() => auth.authenticateNow({ 'x-api-key': 'nope' })).toThrow(/unknown or expired API key/);
    expect(auth.authenticateNow({ authorization: 'Bearer aaa.bbb.ccc' })).toBeUndefined();
    await expect(auth.authenticate({ authorization: 'Bearer aaa.bbb.ccc' })).rejects.toMatchObject({ kind: 'invalid' });
    expect(() => createAuthenticator({ anonymous: false }).authenticateNow({})).toThrow(/anonymous access is off/);
  });
});

describe('roles from token claims', () => {
  it('reads an array, a space-separated string or a dot path; ignores non-role values', () => {
    expect(rolesFromClaims({ roles: ['a', 'b', 'a', 3, 'c d'] }, 'roles')).toEqual(['a', 'b']);
    expect(rolesFromClaims({ scp: 'read write' }, 'scp')).toEqual(['read', 'write']);
    expect(rolesFromClaims({ realm_access: { roles: ['x'] } }, 'realm_access.roles')).toEqual(['x']);
    // A namespaced claim (Auth0 style) whose name contains dots is read as one claim.
    expect(rolesFromClaims({ 'https://example.org/roles': ['y'] }, 'https://example.org/roles')).toEqual(['y']);
    expect(loadConfig({}, { MAATSTAF_OIDC_ROLES_CLAIM: 'https://example.org/roles' }).oidcRolesClaim).toBe('https://example.org/roles');
    expect(rolesFromClaims({ a: { b: 'not-array' } }, 'a.b.c')).toEqual([]);
    expect(rolesFromClaims({}, 'roles')).toEqual([]);
    expect(rolesFromClaims({ roles: { 0: 'x' } }, 'roles')).toEqual([]);
    expect(rolesFromClaims({ ['__proto__']: ['x'] }, 'constructor.name')).toEqual([]);
  });

  it('maps group ids to roles and drops unmapped ones', () => {
    const map = parseRoleMap(' g1=council, g2=analyst ,g2=auditor ');
    expect([...map]).toEqual([
      ['g1', ['council']],
      ['g2', ['analyst', 'auditor']],
    ]);
    expect(rolesFromClaims({ groups: ['g2', 'g3', 'g1'] }, 'groups', map)).toEqual(['analyst', 'auditor', 'council']);
    expect(configError(() => parseRoleMap('g1'))).toContain("'g1' is not 'claim-value=role'");
    expect(configError(() => parseRoleMap('g1=bad role'))).toContain('MAATSTAF_OIDC_ROLE_MAP');
  });
});

describe('authentication configuration', () => {
  it('has safe defaults: anonymous on, RS256/ES256, 30 s skew, roles claim', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({ anonymous: true, oidcAlgorithms: ['RS256', 'ES256'], oidcClockSkewS: 30, oidcRolesClaim: 'roles' });
    expect(jwtSettingsFrom(c)).toBeUndefined();
    expect(loadConfig({}, { MAATSTAF_ANONYMOUS: 'off' }).anonymous).toBe(false);
    expect(loadConfig({ anonymous: 'on' }, { MAATSTAF_ANONYMOUS: 'off' }).anonymous).toBe(true);
  });

  it('allows only asymmetric algorithms', () => {
    for (const bad of ['HS256', 'none', 'RS256,HS512', '']) {
      expect(configError(() => loadConfig({}, { MAATSTAF_OIDC_ALGORITHMS: bad }))).toContain('MAATSTAF_OIDC_ALGORITHMS');
    }
    expect(loadConfig({}, { MAATSTAF_OIDC_ALGORITHMS: 'PS256, EdDSA' }).oidcAlgorithms).toEqual(['PS256', 'EdDSA']);
  });

  it('needs issuer, audience and JWKS URL together', () => {
    const env = { MAATSTAF_OIDC_ISSUER: 'https://login.example/t/v2.0', MAATSTAF_OIDC_AUDIENCE: 'api://m, api://n' };
    expect(configError(() => jwtSettingsFrom(loadConfig({}, env)))).toBe('OIDC needs issuer, audience and JWKS URL together; missing MAATSTAF_OIDC_JWKS_URL');
    const full = jwtSettingsFrom(loadConfig({}, { ...env, MAATSTAF_OIDC_JWKS_URL: 'https://login.example/t/keys', MAATSTAF_OIDC_ROLE_MAP: 'g=council' }));
    expect(full).toMatchObject({ audience: ['api://m', 'api://n'], jwksUrl: 'https://login.example/t/keys' });
    expect(full!.roleMap?.get('g')).toEqual(['council']);
    expect(configError(() => jwtSettingsFrom(loadConfig({}, { MAATSTAF_OIDC_ROLE_MAP: 'g=council' })))).toContain('OIDC is not');
    expect(configError(() => loadConfig({}, { MAATSTAF_OIDC_JWKS_URL: 'file:///etc/passwd' }))).toContain('MAATSTAF_OIDC_JWKS_URL');
  });

  it('never echoes MAATSTAF_API_KEYS in an error and reads keys from file, env and demo', () => {
    const files: Record<string, string> = { '/keys.yml': `keys: [{ name: file-key, hash: "${hashApiKey('f')}", roles: [council] }]` };
    const read = (p: string) => {
      if (!(p in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return files[p]!;
    };
    const config = loadConfig({ apiKeysFile: '/keys.yml' }, { MAATSTAF_API_KEYS: `[{ name: env-key, hash: "${hashApiKey('e')}", roles: [analyst] }]` });
    expect(apiKeysFrom(config, false, read).map((k) => k.name)).toEqual(['file-key', 'env-key']);
    expect(apiKeysFrom(config, true, read).map((k) => k.name)).toEqual(['file-key', 'env-key', ...DEMO_KEYS.map((k) => k.name)]);
    expect(configError(() => apiKeysFrom(loadConfig({ apiKeysFile: '/missing.yml' }, {}), false, read))).toBe(
      'cannot read API key file /missing.yml (--api-keys / MAATSTAF_API_KEYS_FILE): ENOENT',
    );
    const dup = loadConfig({ apiKeysFile: '/keys.yml' }, { MAATSTAF_API_KEYS: `[{ name: file-key, hash: "${hashApiKey('x')}", roles: [] }]` });
    expect(configError(() => apiKeysFrom(dup, false, read))).toContain("'file-key' is configured twice");
  });

  it('demo keys work only when the demo is asked for, on the embedded demo, outside production', async () => {
    const demo = authFromConfig(loadConfig({}, { MAATSTAF_DEMO: '1' }), 'development');
    expect(demo.summary).toEqual({ anonymous: true, apiKeyCount: DEMO_KEYS.length, demoKeys: true, oidc: undefined });
    expect(demo.demoRefused).toBeUndefined();
    await expect(demo.authenticator.authenticate({ 'x-api-key': 'demo-council' })).resolves.toEqual({ id: 'demo-council', kind: 'api-key', roles: ['council'] });
    const unasked = authFromConfig(loadConfig({}, {}), undefined);
    expect(unasked.demoRefused).toBeUndefined();
    await expect(unasked.authenticator.authenticate({ authorization: 'Bearer demo-council' })).rejects.toMatchObject({ kind: 'invalid' });
    const production = authFromConfig(loadConfig({ demo: 'true' }, {}), 'production');
    expect(production.summary.demoKeys).toBe(false);
    expect(production.demoRefused).toMatch(/NOT active: NODE_ENV=production/);
  });

  it('every demo key role exists in the demo access policy (metrics/access.yml)', () => {
    const policy = parseYaml(readFileSync(resolve(ROOT, 'metrics/access.yml'), 'utf8')) as { roles: Record<string, unknown> };
    for (const k of DEMO_KEYS) for (const r of k.roles) expect(Object.keys(policy.roles), `${k.name}: ${r}`).toContain(r);
  });
});

describe('maatstaf keys', () => {
  it('create prints a new key once and a key-file entry that accepts it', () => {
    const { key, text } = createKeyText('power-bi', 'council, analyst', '2030-06-30');
    expect(text).toContain(`  ${key}\n`);
    const entryLine = text.split('\n').find((l) => l.startsWith('  - {'))!;
    const [entry] = parseApiKeys(`keys:\n${entryLine}\n`, 'printed');
    expect(entry).toMatchObject({ name: 'power-bi', roles: ['council', 'analyst'], hash: hashApiKey(key) });
    expect(entry!.expiresAt?.toISOString()).toBe('2030-06-30T00:00:00.000Z');
    expect(createApiKeyStore([entry!]).find(key, new Date('2030-01-01'))?.name).toBe('power-bi');
    expect(() => createKeyText('bad name', 'x')).toThrow(/invalid --name/);
    expect(() => createKeyText('ok', 'x,bad role')).toThrow(/invalid role 'bad role'/);
  });

  it('the CLI hashes a key read from stdin', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli/main.ts'), 'keys', 'hash'], {
      cwd: ROOT,
      input: 'mst_some-key\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`sha256:${createHash('sha256').update('mst_some-key').digest('hex')}\n`);
    expect(run.status).toBe(0);
  });
});
