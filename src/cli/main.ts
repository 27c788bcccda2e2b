#!/usr/bin/env node
/**
 * The `maatstaf` command: serve, migrate, seed, validate, compile, query, diff, docs, keys, audit. Configuration
 * and usage errors exit with code 2, runtime failures with 1, always as one readable line.
 */
import { Command, CommanderError, Option } from 'commander';
import { migrateWarehouse } from '../demo/migrate.js';
import { seedDemo } from '../demo/seed.js';
import { registerAuditCommand } from './audit.command.js';
import { registerDiffCommand } from './diff.command.js';
import { registerDocsCommand } from './docs.command.js';
import { CliExit, reportAndExit } from './fail.js';
import { configFrom, withAuthFlags, withCommonFlags, type CommonFlags } from './flags.js';
import { registerKeysCommand } from './keys.command.js';
import { packageVersion } from './package-version.js';
import { createProgressReporter } from './progress.js';
import { registerQueryCommands } from './query.command.js';
import { registerRollupsCommand } from './rollups.command.js';
import { serve, watchFromEnv } from './serve.js';
import { registerValidateCommand } from './validate.command.js';
import { openConfiguredWarehouse } from './warehouse-from-config.js';

const program = new Command('maatstaf')
  .description('Semantic layer and metrics API server')
  .version(packageVersion(), '-V, --version', 'print the version of maatstaf')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

withAuthFlags(withCommonFlags(program.command('serve').description('serve the metrics API')))
  .addOption(new Option('--watch', 'reload the definitions when they change (development; env MAATSTAF_WATCH=1)'))
  .action(async (flags: CommonFlags & { watch?: boolean }) => {
    await serve(configFrom(flags), { watch: flags.watch === true || watchFromEnv(process.env.MAATSTAF_WATCH) });
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

registerValidateCommand(program);
registerQueryCommands(program);
registerDiffCommand(program);
registerDocsCommand(program);
registerKeysCommand(program);
registerAuditCommand(program);
registerRollupsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander already printed its message (unknown option, missing argument, help).
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  reportAndExit(e);
}
