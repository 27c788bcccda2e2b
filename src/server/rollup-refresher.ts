/**
 * Scheduled rollup refresh in `serve`, only when a writable connection is configured
 * (MAATSTAF_ROLLUP_WRITE_URL): every check interval, each rollup whose refresh rule is due (its
 * `every`, or a changed refresh key) is refreshed through that connection, then the serving
 * catalog re-reads the build records. Serving queries never write.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { redactUrl } from '../config/config.js';
import { buildRollups } from '../engine/rollups/build-rollups.js';
import type { RollupCatalog } from '../engine/rollups/rollup-catalog.js';
import { openWarehouse } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export interface RollupRefresher {
  /** The catalog of the definitions now in service (after a reload). */
  use(catalog: RollupCatalog | undefined): void;
  /** One round now (tests); the timer runs rounds on its own. */
  runOnce(): Promise<void>;
  close(): Promise<void>;
}

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

export async function startRollupRefresher(config: Config, log: Log, initial: RollupCatalog | undefined): Promise<RollupRefresher> {
  let catalog = initial;
  let write: Warehouse | undefined;
  let running: Promise<void> | undefined;
  const round = async (): Promise<void> => {
    const current = catalog;
    if (!current?.shapes.some((s) => s.def.refresh.everySeconds !== undefined || s.def.refresh.refreshKey)) return;
    try {
      write ??= await openWarehouse({ databaseUrl: config.rollupWriteUrl, poolSize: 1, ...(config.schema ? { schema: config.schema } : {}) });
      const names = current.shapes.filter((s) => s.def.refresh.everySeconds !== undefined || s.def.refresh.refreshKey).map((s) => s.def.name);
      const reports = await buildRollups({ catalog: current, write, names, dueOnly: true });
      const done = reports.filter((r) => r.mode !== 'skipped');
      if (done.length) {
        await current.refresh();
        log.info({ rollups: done }, 'rollups refreshed');
      }
    } catch (e) {
      log.error({ err: e, writeUrl: redactUrl(config.rollupWriteUrl ?? '') }, 'rollup refresh failed (answers come from older builds or the raw tables)');
    }
  };
  const runOnce = async () => {
    await (running ??= round().finally(() => (running = undefined)));
  };
  const timer = setInterval(() => void runOnce(), config.rollupRefreshCheckMs);
  timer.unref();
  return {
    use: (next) => {
      catalog = next;
    },
    runOnce,
    async close() {
      clearInterval(timer);
      await running;
      await write?.close();
    },
  };
}
