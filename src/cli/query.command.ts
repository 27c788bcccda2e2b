/** `maatstaf compile` (prints SQL and parameters) and `maatstaf query` (runs and prints the result). */
import { Option, type Command } from 'commander';
import type { CompiledQuery } from '../core/query.js';
import { withCliAudit } from './cli-audit.js';
import { loadCliEngine, withEngineErrors, withInterrupt } from './cli-engine.js';
import { configFrom, withWarehouseFlags, type CommonFlags } from './flags.js';
import { queryFromFlags, withQueryFlags, type QueryFlags } from './query-flags.js';
import { withReadWarehouse } from './read-warehouse.js';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from './table-output.js';

type Flags = Omit<CommonFlags, 'metrics'> & QueryFlags & { format?: OutputFormat; json?: boolean };

/** SQL, then the parameters one per line (`$1 = 'Europe/Amsterdam'`). */
export function formatCompiled(compiled: CompiledQuery): string {
  const params = compiled.params.map((p, i) => `-- $${i + 1} = ${JSON.stringify(p)}`);
  return `${compiled.sql}\n${params.length ? `${params.join('\n')}\n` : ''}`;
}

function queryCommand(program: Command, name: string, description: string): Command {
  return withQueryFlags(withWarehouseFlags(program.command(name).description(description), '--metrics-dir'));
}

export function registerQueryCommands(program: Command): void {
  queryCommand(program, 'compile', 'print the SQL (and parameters) of a metrics query, without running it')
    .addOption(new Option('--json', 'print {sql, params, columns} as JSON'))
    .action(async (flags: Flags) => {
      const config = configFrom({ ...flags, metrics: undefined }); // --metrics names metrics here
      const query = queryFromFlags(flags);
      const compiled = await withReadWarehouse(config, async (wh) => {
        const engine = await loadCliEngine(config.metricsDir, wh);
        return withEngineErrors(() => engine.compile(query));
      });
      // The same fields as POST /v1/compile.
      const { sql, params, columns } = compiled;
      process.stdout.write(flags.json ? `${JSON.stringify({ sql, params, columns }, null, 2)}\n` : formatCompiled(compiled));
    });

  queryCommand(program, 'query', 'run a metrics query and print the result')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (flags: Flags) => {
      const config = configFrom({ ...flags, metrics: undefined }); // --metrics names metrics here
      const query = queryFromFlags(flags);
      const result = await withReadWarehouse(config, async (wh) => {
        const loaded = await loadCliEngine(config.metricsDir, wh);
        return withCliAudit(config, wh, loaded, (engine) => withInterrupt((signal) => withEngineErrors(() => engine.run(query, { signal }))));
      });
      process.stdout.write(formatResult(result, flags.format ?? 'table', { formulaEscape: config.csvFormulaEscape }));
    });
}
