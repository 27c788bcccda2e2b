/** Audit and hardening settings: defaults, environment names, validation without leaking passwords. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { parseCorsOrigins } from '../../../src/server/hardening.js';

describe('audit and hardening settings', () => {
  it('has safe defaults', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({
      audit: true,
      auditSchema: 'maatstaf_audit',
      rateLimitMax: 300,
      rateLimitWindowMs: 60_000,
      bodyLimitBytes: 262_144,
      maxUrlLength: 8192,
      maxQueryMetrics: 20,
      maxQueryGroupBy: 10,
      maxQueryRows: 100_000,
    });
    expect(c.auditDatabaseUrl).toBeUndefined();
    expect(c.corsOrigins).toBeUndefined();
  });

  it('reads the environment', () => {
    const c = loadConfig(
      {},
      {
        MAATSTAF_AUDIT: 'false',
        MAATSTAF_AUDIT_DATABASE_URL: 'postgres://audit:pw@db/audit',
        MAATSTAF_AUDIT_SCHEMA: 'audit_trail',
        MAATSTAF_CORS_ORIGINS: 'https://a.example, https://b.example/',
        MAATSTAF_RATE_LIMIT_MAX: '0',
        MAATSTAF_MAX_QUERY_ROWS: '500',
      },
    );
    expect(c).toMatchObject({ audit: false, auditDatabaseUrl: 'postgres://audit:pw@db/audit', auditSchema: 'audit_trail', rateLimitMax: 0, maxQueryRows: 500 });
    expect(parseCorsOrigins(c.corsOrigins)).toEqual(['https://a.example', 'https://b.example']);
  });

  it('refuses bad values naming the setting, never printing a password', () => {
    expect(() => loadConfig({}, { MAATSTAF_AUDIT_DATABASE_URL: 'mysql://u:secret@h/db' })).toThrow(/MAATSTAF_AUDIT_DATABASE_URL.*mysql:\/\/u:\*\*\*@h\/db/);
    expect(() => loadConfig({}, { MAATSTAF_AUDIT_DATABASE_URL: 'mysql://u:secret@h/db' })).not.toThrow(/secret/);
    expect(() => loadConfig({}, { MAATSTAF_AUDIT_SCHEMA: 'x; drop' })).toThrow(/MAATSTAF_AUDIT_SCHEMA/);
    expect(() => loadConfig({}, { MAATSTAF_MAX_QUERY_METRICS: '0' })).toThrow(/MAATSTAF_MAX_QUERY_METRICS/);
  });

  it('reads the audit signing key, refuses a short one without printing it', () => {
    expect(loadConfig({}, { MAATSTAF_AUDIT_SIGNING_KEY: 'k'.repeat(32) }).auditSigningKey).toBe('k'.repeat(32));
    expect(loadConfig({}, {}).auditSigningKey).toBeUndefined();
    expect(() => loadConfig({}, { MAATSTAF_AUDIT_SIGNING_KEY: 'tooshort-secret' })).toThrow(/MAATSTAF_AUDIT_SIGNING_KEY: must be at least 32 bytes/);
    expect(() => loadConfig({}, { MAATSTAF_AUDIT_SIGNING_KEY: 'tooshort-secret' })).not.toThrow(/tooshort-secret/);
  });
});
