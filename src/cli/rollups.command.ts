/**
 * `maatstaf rollups build [--name N] [--full]`: builds or refreshes the rollups declared in
 * <metrics>/rollups.yml through the writable connection (--write-url / MAATSTAF_ROLLUP_WRITE_URL).
 * On the embedded warehouse the data folder itself is written (nothing else has it open).
 * `maatstaf rollups status`: each rollup with its latest build and whether it is used.
 */
import { Option, type Command } from 'commander';
import { formatIssue } from '../core/errors.js';
import { loadEngine } from '../engine/load-engine.js';
import { buildRollups, type BuildReport } from '../engine/rollups/build-rollups.js';
import { underSecret } from '../engine/rollups/rollup-key.js';
import { cellKeySecretFromEnv } from '../privacy/cell-key.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { openWarehouse } from '../warehouse/open.js';
import { CliExit } from './fail.js';
import { configFrom, withWarehouseFlags, type CommonFlags } from './flags.js';
import { withReadWarehouse } from './read-warehouse.js';

interface RollupFlags extends CommonFlags {
  name?: string[];
  full?: boolean;
  writeUrl?: string;
}

export function formatBuildReports(reports: readonly BuildReport[]): string {
  return reports.map((r) => `${r.name.padEnd(28)} ${r.mode.padEnd(12)} ${String(r.rows).padStart(9)} rows ${(r.durationMs / 1000).toFixed(2).padStart(7)} s${r.from ? `  from ${r.from.slice(0, 10)}` : ''}`).join('\n');
}

async function withWriter<T>(url: string | undefined, read: Warehouse, fn: (write: Warehouse) => Promise<T>): Promise<T> {
  if (!url) {
    if (read.kind === 'pglite') return fn(read);
    throw new CliExit(2, 'rollups are written through their own connection: pass --write-url or set MAATSTAF_ROLLUP_WRITE_URL (a role that may write the rollup schema)');
  }
  const write = await openWarehouse({ databaseUrl: url, poolSize: 1, ...(read.schema ? { schema: read.schema } : {}) });
  try {
    return await fn(write);
  } finally {
    await write.close().catch(() => {});
  }
}

export function registerRollupsCommand(program: Command): void {
  const rollups = program.command('rollups').description('build and refresh the rollups declared in <metrics>/rollups.yml');
  withWarehouseFlags(rollups.command('build').description('build or refresh rollups (incrementally where a partition grain is declared)'))
    .addOption(new Option('--name <name...>', 'only these rollups'))
    .addOption(new Option('--full', 'rebuild whole tables, also where an incremental refresh would do'))
    .addOption(new Option('--write-url <url>', 'PostgreSQL URL allowed to write the rollup schema (env MAATSTAF_ROLLUP_WRITE_URL)'))
    .action(async (flags: RollupFlags) => {
      const config = configFrom(flags);
      await withReadWarehouse(config, async (read) => {
        const loaded = await loadEngine(config.metricsDir, read, { rollupSchema: config.rollupSchema });
        if (!loaded.rollups) throw new CliExit(1, `definitions do not load:\n${loaded.error ?? ''}`);
        if (!loaded.rollups.shapes.length) throw new CliExit(1, `no rollups declared in ${config.metricsDir}/rollups.yml`);
        const reports = await withWriter(flags.writeUrl ?? config.rollupWriteUrl, read, (write) =>
          buildRollups({ catalog: loaded.rollups!, write, ...(flags.name ? { names: flags.name } : {}), full: flags.full === true, onProgress: (line) => process.stderr.write(`${line}\n`) }),
        ).catch((e: unknown) => {
          if (e instanceof CliExit) throw e;
          throw new CliExit(1, `rollup build failed: ${(e as Error).message}`);
        });
        process.stdout.write(`${formatBuildReports(reports)}\n`);
      });
    });
  withWarehouseFlags(rollups.command('status').description('each declared rollup, its latest build and whether answers may use it')).action(async (flags: CommonFlags) => {
    const config = configFrom(flags);
    await withReadWarehouse(config, async (read) => {
      const loaded = await loadEngine(config.metricsDir, read, { rollupSchema: config.rollupSchema });
      if (!loaded.rollups) throw new CliExit(1, `definitions do not load:\n${loaded.error ?? ''}`);
      for (const issue of loaded.rollups.issues) process.stderr.write(`${formatIssue(issue)}\n`);
      const now = Date.now();
      // As serving sees them: a rollup built under another cell-key secret reads as changed.
      for (const { shape, state } of underSecret(loaded.rollups, cellKeySecretFromEnv(process.env)).candidates()) {
        const age = state ? Math.round((now - state.builtAt) / 1000) : undefined;
        const status = !state ? 'not built' : state.hash !== shape.hash ? 'definitions or cell-key secret changed: rebuild' : age! > shape.def.maxAgeSeconds ? 'stale (past max_age)' : 'in use';
        process.stdout.write(`${shape.def.name.padEnd(28)} ${state ? new Date(state.builtAt).toISOString() : '-'.padEnd(24)}  ${status}\n`);
      }
    });
  });
}
