/** `maatstaf validate`: definitions, then definitions against the warehouse, optionally data tests. */
import { Option, type Command } from 'commander';
import { validateProject } from '../engine/validate/validate-project.js';
import { configFrom, withWarehouseFlags, type CommonFlags } from './flags.js';
import { withReadWarehouse } from './read-warehouse.js';
import { formatValidationReport, withFolder } from './validate-output.js';

interface ValidateFlags extends CommonFlags {
  json?: boolean;
  data?: boolean;
}

export function registerValidateCommand(program: Command): void {
  withWarehouseFlags(program.command('validate').description('check the definitions, and check them against the warehouse'))
    .addOption(new Option('--json', 'machine-readable report {ok, errors, warnings, checks}'))
    .addOption(new Option('--data', 'also check the data: tests declared in config.meta.data_tests, primary/unique keys unique, SCD validity ranges not overlapping'))
    .action(async (flags: ValidateFlags) => {
      const config = configFrom(flags);
      const report = withFolder(
        await withReadWarehouse(config, (wh) => validateProject(config.metricsDir, wh, { data: flags.data === true })),
        config.metricsDir,
      );
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatValidationReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
