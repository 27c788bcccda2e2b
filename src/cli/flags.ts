/** Flags shared by the commands, and turning them into a validated Config (flags win over env). */
import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '../config/config.js';

export interface CommonFlags {
  port?: string;
  host?: string;
  metrics?: string;
  /** The definitions folder on commands where --metrics names metrics (compile, query). */
  metricsDir?: string;
  databaseUrl?: string;
  dataDir?: string;
  schema?: string;
  logLevel?: string;
}

/** Where the definitions and the warehouse are: every command that reads them. */
export function withWarehouseFlags(cmd: Command, metricsDirFlag: '--metrics' | '--metrics-dir' = '--metrics'): Command {
  return cmd
    .addOption(new Option(`${metricsDirFlag} <dir>`, 'definitions folder (env MAATSTAF_METRICS_DIR, default metrics)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL); default: embedded PGlite'))
    .addOption(new Option('--data-dir <dir>', 'embedded warehouse folder (env MAATSTAF_DATA_DIR, default .maatstaf)'))
    .addOption(new Option('--schema <name>', 'warehouse schema (env MAATSTAF_SCHEMA)'));
}

/** Warehouse flags plus the server's port, host and log level. */
export function withCommonFlags(cmd: Command): Command {
  return withWarehouseFlags(
    cmd
      .addOption(new Option('--port <port>', 'TCP port (env PORT, default 3000)'))
      .addOption(new Option('--host <host>', 'interface to bind (env HOST, default 127.0.0.1)')),
  ).addOption(new Option('--log-level <level>', 'log level (env LOG_LEVEL, default info)'));
}

export function configFrom(flags: CommonFlags): Config {
  return loadConfig({
    port: flags.port,
    host: flags.host,
    metricsDir: flags.metricsDir ?? flags.metrics,
    databaseUrl: flags.databaseUrl,
    dataDir: flags.dataDir,
    schema: flags.schema,
    logLevel: flags.logLevel,
  });
}
