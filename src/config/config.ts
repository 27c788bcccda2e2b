/**
 * Server configuration from environment variables and CLI flags (flags win), validated with zod.
 * A bad value is reported as one line naming the setting; the CLI exits with code 2.
 */
import { z } from 'zod';
import { MaatstafError } from '../core/errors.js';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ConfigSchema = z.object({
  port: intFrom(0, 65535).default(3000).describe('TCP port to listen on.'),
  host: z.string().min(1).default('127.0.0.1').describe('Interface to bind (0.0.0.0 in containers).'),
  databaseUrl: optionalString
    .refine((u) => u === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(u), {
      message: 'must be a postgres:// or postgresql:// URL',
    })
    .describe('PostgreSQL warehouse URL; when absent the embedded PGlite demo warehouse is used.'),
  dataDir: z.string().min(1).default('.maatstaf').describe('Folder for the embedded warehouse data.'),
  metricsDir: z.string().min(1).default('metrics').describe('Folder with the metric definitions (dbt MetricFlow YAML).'),
  schema: optionalString
    .refine((s) => s === undefined || /^[A-Za-z_][A-Za-z0-9_]*$/.test(s), { message: 'must be a plain identifier' })
    .describe('Warehouse schema for unqualified table names (search_path).'),
  poolSize: intFrom(1, 200).default(10).describe('Maximum PostgreSQL connections.'),
  statementTimeoutMs: intFrom(0, 3_600_000).default(30_000).describe('Statement timeout in ms (0 = none).'),
  graphqlIntrospection: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1')
    .describe('Allow GraphQL introspection and GraphiQL.'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level.'),
  cacheTtlMs: intFrom(0, 86_400_000).default(60_000).describe('Result cache lifetime in ms (0 = no result cache).'),
  cacheMaxBytes: intFrom(0, 2 ** 40).default(64 * 1024 * 1024).describe('Result cache size bound in bytes of JSON (0 = no result cache).'),
  staleIfErrorMs: intFrom(0, 7 * 86_400_000).default(3_600_000).describe('How long past expiry a cached answer may be served while the warehouse fails.'),
  maxConcurrentQueries: intFrom(1, 1000).default(8).describe('Warehouse queries running at once.'),
  maxQueuedQueries: intFrom(0, 100_000).default(100).describe('Warehouse queries waiting beyond that; more answer 503 WAREHOUSE_BUSY.'),
  refreshCheckMs: intFrom(0, 86_400_000).default(10_000).describe("How often at most a semantic model's meta.refresh_key SQL runs."),
  redisUrl: optionalString
    .refine((u) => u === undefined || /^rediss?:\/\/[^\s]+$/.test(u), { message: 'must be a redis:// or rediss:// URL' })
    .describe('Redis for a result cache shared by replicas; when absent each process caches in memory only.'),
});

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Environment variable for each setting (documented in the README's configuration table). */
export const ENV_NAMES: Record<keyof Config, string> = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'MAATSTAF_DATA_DIR',
  metricsDir: 'MAATSTAF_METRICS_DIR',
  schema: 'MAATSTAF_SCHEMA',
  poolSize: 'MAATSTAF_POOL_SIZE',
  statementTimeoutMs: 'MAATSTAF_STATEMENT_TIMEOUT_MS',
  graphqlIntrospection: 'MAATSTAF_GRAPHQL_INTROSPECTION',
  logLevel: 'LOG_LEVEL',
  cacheTtlMs: 'MAATSTAF_CACHE_TTL_MS',
  cacheMaxBytes: 'MAATSTAF_CACHE_MAX_BYTES',
  staleIfErrorMs: 'MAATSTAF_STALE_IF_ERROR_MS',
  maxConcurrentQueries: 'MAATSTAF_MAX_CONCURRENT_QUERIES',
  maxQueuedQueries: 'MAATSTAF_MAX_QUEUED_QUERIES',
  refreshCheckMs: 'MAATSTAF_REFRESH_CHECK_MS',
  redisUrl: 'REDIS_URL',
};

/** Flags override environment; undefined flags fall through to the environment, then defaults. */
export function loadConfig(flags: Partial<Record<keyof Config, unknown>>, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV_NAMES) as (keyof Config)[]) {
    const fromFlag = flags[key];
    const fromEnv = env[ENV_NAMES[key]];
    if (fromFlag !== undefined) raw[key] = fromFlag;
    else if (fromEnv !== undefined) raw[key] = fromEnv;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '') as keyof Config;
    const setting = key in ENV_NAMES ? `--${kebab(key)} / ${ENV_NAMES[key]}` : key;
    const value = raw[key] === undefined ? '' : ` (got '${redact(key, raw[key])}')`;
    throw new MaatstafError('INVALID_CONFIG', `invalid setting ${setting}: ${issue.message}${value}`, { name: key });
  }
  return parsed.data;
}

function kebab(s: string): string {
  return s.replaceAll(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Never print passwords from database URLs. */
export function redact(key: string, value: unknown): string {
  const text = String(value);
  return key === 'databaseUrl' || key === 'redisUrl' ? redactUrl(text) : text;
}

export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
