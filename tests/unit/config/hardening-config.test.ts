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
      rateLimitMax: 1200,
      rateLimitAnonymousMax: 600,
      rateLimitWindowMs: 60_000,
      trustProxy: false,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 72_000,
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

  it('reads MAATSTAF_TRUST_PROXY as Fastify trustProxy: hops, true, or addresses and CIDR ranges', () => {
    const trust = (v: string) => loadConfig({}, { MAATSTAF_TRUST_PROXY: v }).trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 192.168.1.7,::1')).toEqual(['10.0.0.0/8', '192.168.1.7', '::1']);
    expect(() => trust('proxy.example')).toThrow(/MAATSTAF_TRUST_PROXY: must be true, false, a number of proxy hops/);
    expect(() => trust('10.0.0.0/8; rm')).toThrow(/MAATSTAF_TRUST_PROXY/);
    expect(loadConfig({}, { MAATSTAF_REQUEST_TIMEOUT_MS: '5000', MAATSTAF_HEADERS_TIMEOUT_MS: '2000', MAATSTAF_KEEP_ALIVE_TIMEOUT_MS: '65000' })).toMatchObject({
      requestTimeoutMs: 5000,
      headersTimeoutMs: 2000,
      keepAliveTimeoutMs: 65_000,
    });
    expect(() => loadConfig({}, { MAATSTAF_KEEP_ALIVE_TIMEOUT_MS: '0' })).toThrow(/MAATSTAF_KEEP_ALIVE_TIMEOUT_MS/);
  });

  it('reads the audit signing key, refuses a short one without printing it', () => {
    expect(loadConfig({}, { MAATSTAF_AUDIT_SIGNING_KEY: 'k'.repeat(32) }).auditSigningKey).toBe('k'.repeat(32));
    expect(loadConfig({}, {}).auditSigningKey).toBeUndefined();
    expect(() => loadConfig({}, { MAATSTAF_AUDIT_SIGNING_KEY: 'tooshort-secret' })).toThrow(/MAATSTAF_AUDIT_SIGNING_KEY: must be at least 32 bytes/);
    expect(() => loadConfig({}, { MAATSTAF_AUDIT_SIGNING_KEY: 'tooshort-secret' })).not.toThrow(/tooshort-secret/);
  });
});
