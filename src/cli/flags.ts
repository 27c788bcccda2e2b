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
  /** `serve` only (withAuthFlags): activate the demo API keys. */
  demo?: boolean;
  /** `serve` only (withAuthFlags): the API key file. */
  apiKeys?: string;
  anonymous?: string;
  oidcIssuer?: string;
  oidcAudience?: string;
  oidcJwksUrl?: string;
  /** `serve` only: the access policy file. */
  accessPolicy?: string;
}

/** Where the definitions and the warehouse are: every command that reads them. */
export function withWarehouseFlags(cmd: Command, metricsDirFlag: '--metrics' | '--metrics-dir' = '--metrics'): Command {
  return cmd
    .addOption(
      new Option(
        `${metricsDirFlag} <path>`,
        "definitions folder, or dbt's target/semantic_manifest.json (env MAATSTAF_METRICS_DIR, default metrics)",
      ),
    )
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

/** Authentication flags of `maatstaf serve` (the other OIDC settings are environment only). */
export function withAuthFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--demo', 'activate the public demo API keys on the embedded demo (development only; env MAATSTAF_DEMO=1)'))
    .addOption(new Option('--api-keys <file>', 'YAML/JSON file with hashed API keys (env MAATSTAF_API_KEYS_FILE)'))
    .addOption(new Option('--anonymous <on|off>', 'serve requests without a credential as anonymous (env MAATSTAF_ANONYMOUS, default on)'))
    .addOption(new Option('--oidc-issuer <url>', 'expected issuer of OIDC bearer tokens (env MAATSTAF_OIDC_ISSUER)'))
    .addOption(new Option('--oidc-audience <aud>', 'expected audience of OIDC bearer tokens (env MAATSTAF_OIDC_AUDIENCE)'))
    .addOption(new Option('--oidc-jwks-url <url>', "identity provider's JWKS URL (env MAATSTAF_OIDC_JWKS_URL)"))
    .addOption(new Option('--access-policy <file>', 'access policy YAML (env MAATSTAF_ACCESS_POLICY, default <metrics>/access.yml if present)'));
}

export function configFrom(flags: CommonFlags, env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({
    port: flags.port,
    host: flags.host,
    metricsDir: flags.metricsDir ?? flags.metrics,
    databaseUrl: flags.databaseUrl,
    dataDir: flags.dataDir,
    schema: flags.schema,
    logLevel: flags.logLevel,
    demo: flags.demo === true ? 'true' : undefined,
    apiKeysFile: flags.apiKeys,
    anonymous: flags.anonymous,
    oidcIssuer: flags.oidcIssuer,
    oidcAudience: flags.oidcAudience,
    oidcJwksUrl: flags.oidcJwksUrl,
    accessPolicy: flags.accessPolicy,
  }, env);
}
