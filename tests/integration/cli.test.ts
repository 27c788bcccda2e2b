/**
 * The `maatstaf` command as a user runs it: clear one-line errors with the right exit codes,
 * serving from a seeded warehouse, readiness when the database goes away, graceful shutdown.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, freePort, runCli, startCli, waitForExit, waitForStatus } from '../helpers/cli.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const PG_URL = process.env.TEST_DATABASE_URL;

describe('maatstaf --version', () => {
  it("prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });
});

describe('maatstaf CLI: bad input', () => {
  it('rejects an unknown flag with exit code 2', async () => {
    const r = await runCli(['serve', '--colour', 'blue']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--colour'/);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('names a bad setting in one line with exit code 2', async () => {
    const r = await runCli(['serve', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("maatstaf: invalid setting --port / PORT: Invalid input: expected number, received NaN (got 'eighty')");
  });

  it('rejects a database URL that is not PostgreSQL, without printing the password', async () => {
    const r = await runCli(['serve'], cliEnv({ DATABASE_URL: 'mysql://root:hunter2@localhost/db' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--database-url / DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reports an unreachable database in one line with exit code 1', async () => {
    const port = await freePort();
    const r = await runCli(['serve', '--database-url', `postgres://u:secret@127.0.0.1:${port}/db`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`maatstaf: cannot reach the warehouse at postgres://u:***@127.0.0.1:${port}/db: connection refused (is PostgreSQL running on that host and port?)`);
  });

  it('rejects bad seed options', async () => {
    const r = await runCli(['seed', '--scale', '-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("invalid --scale '-1'");
  });
});

describe.skipIf(!PG_URL)('maatstaf CLI on real PostgreSQL', () => {
  const schema = `cli_${Date.now().toString(36)}`;
  // The audit log goes into the test's schema too, so the cleanup below removes it.
  const env = cliEnv({ DATABASE_URL: PG_URL!, MAATSTAF_SCHEMA: schema, MAATSTAF_AUDIT_SCHEMA: schema });

  afterAll(async () => {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('migrates, seeds, serves read-only, survives the database going away, and shuts down gracefully', async () => {
    const pg = await import('pg');
    const admin = new pg.default.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();

    const migrate = await runCli(['migrate'], env);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/applied \d+ migration/);
    const again = await runCli(['migrate'], env);
    expect(again.stdout.trim()).toBe('up to date');

    const seed = await runCli(['seed', '--scale', '0.02', '--seed', '7'], env);
    expect(seed.code, seed.stderr).toBe(0);
    expect(seed.stdout).toMatch(/^seeded \d+ rows in/m);
    expect(seed.stderr).toMatch(/public_space_reports: (\d+\/)?\d+ rows \(100%\)/); // progress (a final line per table)

    // Serve through a proxy we can cut, so the database can "go away" without disturbing others.
    const proxy = await startTcpProxy('127.0.0.1', Number(new URL(PG_URL!).port || 5432));
    const proxied = new URL(PG_URL!);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const port = await freePort();
    const server = startCli(['serve', '--port', String(port)], { ...env, LOG_LEVEL: 'info', DATABASE_URL: proxied.toString() });
    try {
      expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 180_000)).toBe(200);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as Record<string, unknown>;
      expect(ready).toMatchObject({ status: 'ready', warehouse: 'postgres' });

      await proxy.cut();
      expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, 503, 20_000)).toBe(503);
      const down = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await down.json()).toMatchObject({ status: 'not_ready', reasons: ['warehouse unreachable'] });
      expect(server.exitCode).toBeNull(); // still running
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      await proxy.restore();
      expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 20_000)).toBe(200);

      // Port in use: a second server on the same port fails with one clear line.
      const clash = await runCli(['serve', '--port', String(port)], env);
      expect(clash.code).toBe(1);
      expect(clash.stderr.trim()).toBe(`maatstaf: port ${port} on 127.0.0.1 is already in use (set --port or PORT)`);

      server.kill('SIGTERM');
      expect(await waitForExit(server)).toBe(0);
      expect(server.output().stdout).toContain('shutting down');
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
      await proxy.close();
    }
  }, 300_000);
});

describe('maatstaf CLI on the embedded warehouse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maatstaf-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reuses a seeded data folder on the next start (no second seeding) and refuses a second process', async () => {
    const seed = await runCli(['seed', '--data-dir', dir, '--scale', '0.02']);
    expect(seed.code, seed.stderr).toBe(0);

    const port = await freePort();
    const server = startCli(['serve', '--data-dir', dir, '--port', String(port)], cliEnv({ LOG_LEVEL: 'info' }));
    try {
      expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 180_000)).toBe(200);
      expect(server.output().stdout).not.toContain('seeding the demo municipality');

      const second = await runCli(['serve', '--data-dir', dir, '--port', String(await freePort())]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/is in use by process \d+; stop it first or use another --data-dir/);

      server.kill('SIGINT');
      expect(await waitForExit(server)).toBe(0);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
      await waitForExit(server).catch(() => {});
    }
  }, 300_000);

  it('fails with one line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['serve', '--data-dir', dir, '--port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`maatstaf: port ${port} on 127.0.0.1 is already in use (set --port or PORT)`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  }, 180_000);
});
