/**
 * Hot reload (`maatstaf serve --watch`): a valid edit swaps in a new engine and runs the reload
 * hooks (GraphQL schema); an invalid edit keeps the last valid set serving, and /readyz stays 200
 * with the errors (file:line) as `definitionsWarnings`.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/types.js';
import { reloadDefinitions, watchDefinitions } from '../../src/server/reload.js';
import type { ServerState } from '../../src/http/state.js';
import { cliEnv, freePort, runCli, startCli, waitForExit, waitForStatus } from '../helpers/cli.js';
import { openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const METRICS = resolve(import.meta.dirname, '../../metrics');
const NEW_METRIC = '\n  - {name: reports_total, label: Alle meldingen, type: simple, type_params: {measure: reports_received}, config: {meta: {owner: Openbare Ruimte, sensitivity: public}}}\n';
const silent = { info: () => {}, warn: () => {}, error: () => {} };

function copyMetrics(): string {
  const dir = mkdtempSync(join(tmpdir(), 'maatstaf-reload-'));
  cpSync(METRICS, dir, { recursive: true });
  return dir;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('reloadDefinitions / watchDefinitions', () => {
  let wh: TestWarehouse;
  const dir = copyMetrics();
  beforeAll(async () => {
    wh = await openTestWarehouse('pglite');
  });
  afterAll(async () => {
    await wh?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the new engine in service on success; keeps the last valid set on errors', async () => {
    const hooked: Engine[] = [];
    const state: ServerState = { warehouse: wh, engine: undefined, definitionsError: 'not yet' };
    const putInService = (e: Engine) => {
      hooked.push(e);
      state.engine = e;
    };
    expect(await reloadDefinitions(state, dir, silent, putInService)).toMatchObject({ kind: 'reloaded' });
    const first = state.engine!;
    expect(state.definitionsError).toBeUndefined();
    expect(hooked).toEqual([first]);

    writeFileSync(join(dir, 'kcc/satisfaction.yml'), readFileSync(join(dir, 'kcc/satisfaction.yml'), 'utf8').replace('measure: satisfaction_score', 'measure: satisfaction_scor'));
    const rejected = await reloadDefinitions(state, dir, silent, putInService);
    expect(rejected.kind).toBe('rejected');
    expect(state.engine).toBe(first);
    expect(hooked).toHaveLength(1);
    expect(state.definitionsWarnings?.[0]).toBe(`definitions not reloaded, still serving version ${first.definitions.version}:`);
    expect(state.definitionsWarnings?.join('\n')).toMatch(/^kcc\/satisfaction\.yml:\d+ metrics\[0\]\.type_params\.measure: unknown measure 'satisfaction_scor'/m);

    cpSync(join(METRICS, 'kcc/satisfaction.yml'), join(dir, 'kcc/satisfaction.yml'));
    expect(await reloadDefinitions(state, dir, silent, putInService)).toEqual({ kind: 'reloaded', version: first.definitions.version });
    expect(state.definitionsWarnings).toBeUndefined();
    expect(hooked).toHaveLength(2);
  });

  it('reloads once after a burst of edits settles', async () => {
    let reloads = 0;
    const state: ServerState = { warehouse: wh, engine: undefined, definitionsError: undefined };
    const reload = () => {
      reloads++;
      return reloadDefinitions(state, dir, silent);
    };
    const watcher = watchDefinitions(reload, dir, silent, { debounceMs: 200 });
    try {
      const file = join(dir, 'extra.yml');
      writeFileSync(file, 'metrics:');
      appendFileSync(file, NEW_METRIC);
      writeFileSync(join(dir, 'notes.txt'), 'not a definition');
      await until(() => state.engine?.graph.metric('reports_total') !== undefined);
      await new Promise((r) => setTimeout(r, 600));
      expect(reloads).toBe(1);
    } finally {
      watcher.close();
    }
  });
});

describe('maatstaf serve --watch (real CLI, embedded warehouse)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'maatstaf-watch-data-'));
  const dir = copyMetrics();
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves new metrics after an edit, and the last valid set after a broken edit', async () => {
    const seed = await runCli(['seed', '--data-dir', dataDir, '--scale', '0.02'], cliEnv(), 180_000);
    expect(seed.code, seed.stderr).toBe(0);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = startCli(['serve', '--data-dir', dataDir, '--metrics', dir, '--port', String(port)], cliEnv({ LOG_LEVEL: 'info', MAATSTAF_WATCH: '1' }));
    const ready = async () => (await fetch(`${base}/readyz`)).json() as Promise<Record<string, unknown>>;
    const graphql = async (query: string) =>
      (await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json() as Promise<{ data?: unknown; errors?: unknown[] }>;
    try {
      expect(await waitForStatus(`${base}/readyz`, 200, 90_000)).toBe(200);
      const v1 = (await ready()).definitionsVersion;
      expect((await fetch(`${base}/v1/metrics/reports_total`)).status).toBe(404);

      writeFileSync(join(dir, 'extra.yml'), `metrics:${NEW_METRIC}`);
      await until(async () => (await fetch(`${base}/v1/metrics/reports_total`)).status === 200, 30_000);
      const v2 = (await ready()).definitionsVersion;
      expect(v2).not.toBe(v1);
      // GraphQL serves the new definitions too (with an access policy, names are strings, not enums).
      expect(await graphql('{ metric(name: "reports_total") { name label } }')).toEqual({ data: { metric: { name: 'reports_total', label: 'Alle meldingen' } } });

      writeFileSync(join(dir, 'extra.yml'), `metrics:${NEW_METRIC.replace('reports_received}', 'reports_recieved}')}`);
      await until(async () => (await ready()).definitionsWarnings !== undefined, 30_000);
      const body = await ready();
      expect(body).toMatchObject({ status: 'ready', definitionsVersion: v2 });
      expect((body.definitionsWarnings as string[]).join('\n')).toMatch(/^extra\.yml:2 metrics\[0\]\.type_params\.measure: unknown measure 'reports_recieved'/m);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/v1/metrics/reports_total`)).status).toBe(200); // still the last valid set
      expect(server.output().stdout).toMatch(/definitions not reloaded \(still serving the last valid set\)/);

      rmSync(join(dir, 'extra.yml'));
      await until(async () => (await fetch(`${base}/v1/metrics/reports_total`)).status === 404, 30_000);
      expect((await ready()).definitionsWarnings).toBeUndefined();

      server.kill('SIGTERM');
      expect(await waitForExit(server)).toBe(0);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  }, 300_000);
});
