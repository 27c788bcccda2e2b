/** Secrets never reach the structured log: redacted headers and settings, scrubbed URL passwords. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { auditLogLevel } from '../../../src/server/create-server.js';
import { scrubSecrets, secretSafeLogOptions } from '../../../src/server/hardening-log.js';

function capture(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { log: pino({ level, ...secretSafeLogOptions() }, stream), lines };
}

describe('log redaction', () => {
  it('redacts credential headers, cookies and URL settings', () => {
    const { log, lines } = capture();
    log.info(
      {
        req: { headers: { authorization: 'Bearer eyJhbGciOi.secret.sig', 'x-api-key': 'mst_supersecretkey', cookie: 'session=abc123' } },
        databaseUrl: 'postgres://maatstaf:hunter2@db:5432/dwh',
        config: { auditDatabaseUrl: 'postgres://audit:s3cret@db/audit', password: 'pw1' },
      },
      'request',
    );
    const text = lines.join('');
    for (const secret of ['eyJhbGciOi', 'mst_supersecretkey', 'abc123', 'hunter2', 's3cret', 'pw1']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('writes audit lines at info even when the log level is warn; silent drops them', () => {
    const { log, lines } = capture('warn');
    log.info('not shown');
    log.child({ component: 'audit' }, { level: auditLogLevel('warn') }).info({ audit: { callerId: 'x', note: 'postgres://u:pw9@h/db' } }, 'audit');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"component":"audit"');
    expect(lines[0]).not.toContain('pw9');
    expect(auditLogLevel('silent')).toBe('silent');
    expect(auditLogLevel('debug')).toBe('debug');
  });

  it('masks passwords in URLs inside any logged string, message or error', () => {
    const { log, lines } = capture();
    log.error({ err: new Error('connect ECONNREFUSED postgres://u:topsecret@10.0.0.1/x'), detail: 'redis://:redispw@cache:6379' }, 'failed postgres://a:b@c/d');
    const text = lines.join('');
    expect(text).not.toMatch(/topsecret|redispw|a:b@/);
    expect(text).toContain('postgres://u:***@10.0.0.1/x');
    expect(text).toContain('"type":"Error"');
    expect(text).toMatch(/"stack":"Error: connect ECONNREFUSED postgres:\/\/u:\*\*\*@/);
    expect(scrubSecrets('postgresql://user:p%40ss@h:5432/db')).toBe('postgresql://user:***@h:5432/db');
  });
});
