import type { Logger } from 'pino';
import { migrateWarehouse } from '../demo/migrate.js';
import { isSeeded, seedDemo } from '../demo/seed.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { createProgressReporter } from './progress.js';

/** First start on the embedded warehouse: migrate and seed the demo municipality once. */
export async function ensureEmbeddedDemo(warehouse: Warehouse, log: Logger): Promise<void> {
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
