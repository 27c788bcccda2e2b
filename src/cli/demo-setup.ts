import type { Logger } from 'pino';
import { migrateWarehouse } from '../demo/migrate.js';
import { isSeeded, seedDemo } from '../demo/seed.js';
import { loadEngine } from '../engine/load-engine.js';
import { buildRollups } from '../engine/rollups/build-rollups.js';
import { underSecret } from '../engine/rollups/rollup-key.js';
import { cellKeySecretFromEnv } from '../privacy/cell-key.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { createProgressReporter } from './progress.js';

/** First start on the embedded warehouse: migrate and seed the demo municipality once, then build its rollups. */
export async function ensureEmbeddedDemo(warehouse: Warehouse, log: Logger, rollups?: { metricsDir: string; schema: string }): Promise<void> {
  await seedOnce(warehouse, log);
  if (rollups) await ensureDemoRollups(warehouse, log, rollups.metricsDir, rollups.schema);
}

/**
 * The embedded warehouse has no other writer: its set-up builds the declared rollups that are
 * missing, built from other definitions, or past max_age (README "Rollups"), before serving.
 */
async function ensureDemoRollups(warehouse: Warehouse, log: Logger, metricsDir: string, schema: string): Promise<void> {
  const loaded = await loadEngine(metricsDir, warehouse, { rollupSchema: schema }).catch(() => undefined);
  const catalog = loaded?.rollups;
  if (!catalog?.shapes.length) return;
  const now = Date.now();
  // As serving sees the builds (a rollup storing cell keys matches only under the same secret).
  const names = underSecret(catalog, cellKeySecretFromEnv(process.env)).candidates().flatMap(({ shape, state }) =>
    !state || state.hash !== shape.hash || now - state.builtAt > shape.def.maxAgeSeconds * 1000 ? [shape.def.name] : [],
  );
  if (!names.length) return;
  try {
    const reports = await buildRollups({ catalog, write: warehouse, names, full: true });
    log.info({ rollups: reports.map((r) => ({ name: r.name, rows: r.rows, ms: r.durationMs })) }, 'demo rollups built');
  } catch (e) {
    log.warn({ err: e }, 'demo rollups not built: answers come from the raw tables');
  }
}

async function seedOnce(warehouse: Warehouse, log: Logger): Promise<void> {
  const { applied } = await migrateWarehouse(warehouse);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  if (await isSeeded(warehouse)) return;
  log.info('seeding the demo municipality (first run only)');
  const started = Date.now();
  const progress = createProgressReporter();
  try {
    const { rowCounts } = await seedDemo(warehouse, { onProgress: progress.onProgress });
    log.info({ rowCounts, ms: Date.now() - started }, 'demo seeded');
  } finally {
    progress.stop();
  }
}
