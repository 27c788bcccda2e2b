#!/usr/bin/env node
/**
 * The `maatstaf` command: serve, migrate, seed. Configuration errors exit with code 2, runtime
 * failures with 1, always as one readable line.
 */
import { Command, CommanderError, Option } from 'commander';
import { loadConfig, type Config } from '../config/config.js';
import { migrateWarehouse } from '../demo/migrate.js';
import { seedDemo } from '../demo/seed.js';
import { CliExit, reportAndExit } from './fail.js';
import { createProgressReporter } from './progress.js';
import { serve } from './serve.js';
import { openConfiguredWarehouse } from './warehouse-from-config.js';

interface CommonFlags {
  port?: string;
  host?: string;
  metrics?: string;
  databaseUrl?: string;
  dataDir?: string;
  schema?: string;
  logLevel?: string;
}

function withCommonFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--port <port>', 'TCP port (env PORT, default 3000)'))
    .addOption(new Option('--host <host>', 'interface to bind (env HOST, default 127.0.0.1)'))
    .addOption(new Option('--metrics <dir>', 'definitions folder (env MAATSTAF_METRICS_DIR, default metrics)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL); default: embedded PGlite'))
    .addOption(new Option('--data-dir <dir>', 'embedded warehouse folder (env MAATSTAF_DATA_DIR, default .maatstaf)'))
    .addOption(new Option('--schema <name>', 'warehouse schema (env MAATSTAF_SCHEMA)'))
    .addOption(new Option('--log-level <level>', 'log level (env LOG_LEVEL, default info)'));
}

function configFrom(flags: CommonFlags): Config {
  return loadConfig({
    port: flags.port,
    host: flags.host,
    metricsDir: flags.metrics,
    databaseUrl: flags.databaseUrl,
    dataDir: flags.dataDir,
    schema: flags.schema,
    logLevel: flags.logLevel,
  });
}

const program = new Command('maatstaf')
  .description('Semantic layer and metrics API server')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

withCommonFlags(program.command('serve').description('serve the metrics API')).action(async (flags: CommonFlags) => {
  await serve(configFrom(flags));
});

withCommonFlags(program.command('migrate').description('create or update the demo warehouse tables')).action(
  async (flags: CommonFlags) => {
    const wh = await openConfiguredWarehouse(configFrom(flags));
    try {
      const { applied } = await migrateWarehouse(wh);
      process.stdout.write(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'up to date\n');
    } finally {
      await wh.close();
    }
  },
);

withCommonFlags(program.command('seed').description('fill the demo warehouse with the synthetic municipality'))
  .addOption(new Option('--seed <n>', 'random seed (same seed, same rows)').default('42'))
  .addOption(new Option('--scale <x>', 'volume multiplier (1 ≈ 20,000 reports a year)').default('1'))
  .action(async (flags: CommonFlags & { seed: string; scale: string }) => {
    const seed = Number(flags.seed);
    const scale = Number(flags.scale);
    if (!Number.isInteger(seed)) throw new CliExit(2, `invalid --seed '${flags.seed}': must be an integer`);
    if (!(scale > 0 && scale <= 1000)) throw new CliExit(2, `invalid --scale '${flags.scale}': must be a number in (0, 1000]`);
    const wh = await openConfiguredWarehouse(configFrom(flags));
    const progress = createProgressReporter();
    try {
      await migrateWarehouse(wh);
      const started = Date.now();
      const { rowCounts } = await seedDemo(wh, { seed, scale, onProgress: progress.onProgress });
      progress.stop();
      const total = Object.values(rowCounts).reduce((a, b) => a + b, 0);
      process.stdout.write(`seeded ${total} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } finally {
      progress.stop();
      await wh.close();
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander already printed its message (unknown option, missing argument, help).
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  reportAndExit(e);
}
