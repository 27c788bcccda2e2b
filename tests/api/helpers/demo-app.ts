/**
 * The REST app on a seeded demo warehouse (small scale), once per test file and engine, plus an
 * app on an offline warehouse for the error paths that need no data.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { migrateWarehouse } from '../../../src/demo/migrate.js';
import { seedDemo } from '../../../src/demo/seed.js';
import { createEngine } from '../../../src/engine/engine.js';
import { loadEngine } from '../../../src/engine/load-engine.js';
import type { Engine } from '../../../src/engine/types.js';
import { loadDefinitions } from '../../../src/definitions/index.js';
import { buildSemanticGraph } from '../../../src/semantic-graph/index.js';
import { buildApp } from '../../../src/server/app.js';
import type { ServerState } from '../../../src/http/state.js';
import type { Warehouse } from '../../../src/warehouse/warehouse.js';
import { openTestWarehouse, type EngineName, type TestWarehouse } from '../../helpers/warehouses.js';

export const DEMO_METRICS_DIR = 'metrics';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly state: ServerState;
  /** supertest on the app's server. */
  readonly http: () => supertest.Agent;
  close(): Promise<void>;
}

export async function appFor(state: ServerState): Promise<TestApp> {
  const app = await buildApp({ state, logger: false });
  await app.ready();
  return { app, state, http: () => supertest.agent(app.server), close: () => app.close() };
}

export async function engineFor(metricsDir: string, wh: Warehouse): Promise<Engine> {
  const loaded = await loadEngine(metricsDir, wh);
  if (!loaded.engine) throw new Error(`definitions did not load: ${loaded.error}`);
  return loaded.engine;
}

/** A migrated, seeded demo warehouse (scale 0.05: a few thousand rows). */
export async function openDemoWarehouse(engine: EngineName): Promise<TestWarehouse> {
  const wh = await openTestWarehouse(engine);
  await migrateWarehouse(wh);
  await seedDemo(wh, { scale: 0.05 });
  return wh;
}

export async function demoApp(wh: Warehouse, metricsDir = DEMO_METRICS_DIR): Promise<TestApp> {
  return appFor({ warehouse: wh, engine: await engineFor(metricsDir, wh), definitionsError: undefined });
}

/** A deprecated metric (with replacement, sunset and deprecated_at) added to a copy of the demo definitions. */
export const DEPRECATED_METRIC_YAML = `metrics:
  - name: reports_received_legacy
    label: Meldingen ontvangen (oud)
    description: Vervangen door reports_received.
    type: simple
    type_params:
      measure: reports_received
    config:
      meta:
        owner: Openbare Ruimte
        status: deprecated
        replacement: reports_received
        sunset: "2026-12-31"
        deprecated_at: "2025-01-01"
        tags: [legacy, openbare_ruimte]
`;

/** A copy of the demo definitions with extra files; returns the folder and a cleanup. */
export function demoDefinitionsWith(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'maatstaf-defs-'));
  cpSync(DEMO_METRICS_DIR, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A warehouse whose every query fails with the given error (no database involved). */
export function failingWarehouse(error: () => unknown): Warehouse {
  const fail = () => Promise.reject(error());
  return { kind: 'pglite', db: undefined as never, schema: undefined, query: fail, ping: fail, close: async () => {} };
}

/** The demo definitions compiled against a warehouse that fails every query. */
export async function appWithFailingWarehouse(error: () => unknown): Promise<TestApp> {
  const result = await loadDefinitions(DEMO_METRICS_DIR);
  if (!result.definitions) throw new Error('demo definitions did not load');
  const warehouse = failingWarehouse(error);
  const engine = createEngine({ graph: buildSemanticGraph(result.definitions), warehouse });
  return appFor({ warehouse, engine, definitionsError: undefined });
}
