import { describe, expect, it } from 'vitest';
import { loadConfig, redactUrl } from '../../../src/config/config.js';
import { MaatstafError } from '../../../src/core/errors.js';

describe('loadConfig', () => {
  it('uses defaults with an empty environment', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: '.maatstaf', metricsDir: 'metrics', poolSize: 10 });
    expect(c.databaseUrl).toBeUndefined();
  });

  it('reads the environment and lets flags win', () => {
    const c = loadConfig({ port: '4000' }, { PORT: '5000', DATABASE_URL: 'postgres://u@h/db', MAATSTAF_POOL_SIZE: '3' });
    expect(c.port).toBe(4000);
    expect(c.databaseUrl).toBe('postgres://u@h/db');
    expect(c.poolSize).toBe(3);
  });

  it('names the setting in one line for a bad value and never prints a password', () => {
    const bad = (flags: object, env: NodeJS.ProcessEnv = {}) => {
      try {
        loadConfig(flags, env);
      } catch (e) {
        expect(e).toBeInstanceOf(MaatstafError);
        return (e as MaatstafError).message;
      }
      throw new Error('expected an error');
    };
    expect(bad({ port: 'abc' })).toMatch(/^invalid setting --port \/ PORT: .*\(got 'abc'\)$/);
    expect(bad({}, { PORT: '70000' })).toContain('--port / PORT');
    expect(bad({ databaseUrl: 'mysql://root:secret@h/db' })).toBe(
      "invalid setting --database-url / DATABASE_URL: must be a postgres:// or postgresql:// URL (got 'mysql://root:***@h/db')",
    );
    expect(bad({ schema: 'x; drop' })).toContain('--schema / MAATSTAF_SCHEMA');
    expect(bad({ logLevel: 'loud' })).toContain('--log-level / LOG_LEVEL');
  });

  it('redacts passwords in URLs', () => {
    expect(redactUrl('postgres://me:pw@localhost:5432/x')).toBe('postgres://me:***@localhost:5432/x');
    expect(redactUrl('postgres://me@localhost/x')).toBe('postgres://me@localhost/x');
  });
});

describe('graphqlIntrospection', () => {
  it('defaults to on and reads MAATSTAF_GRAPHQL_INTROSPECTION', () => {
    expect(loadConfig({}, {}).graphqlIntrospection).toBe(true);
    expect(loadConfig({}, { MAATSTAF_GRAPHQL_INTROSPECTION: 'false' }).graphqlIntrospection).toBe(false);
    expect(() => loadConfig({}, { MAATSTAF_GRAPHQL_INTROSPECTION: 'maybe' })).toThrow(/MAATSTAF_GRAPHQL_INTROSPECTION/);
  });
});
