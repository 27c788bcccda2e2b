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

/** Token signature algorithms that may be allowed: asymmetric only, so HS/RS confusion cannot happen. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
];

export const ConfigSchema = z.object({
  port: intFrom(0, 65535).default(3000).describe('TCP port to listen on.'),
  host: z.string().min(1).default('127.0.0.1').describe('Interface to bind (0.0.0.0 in containers).'),
  databaseUrl: optionalString
    .refine((u) => u === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(u), {
      message: 'must be a postgres:// or postgresql:// URL',
    })
    .describe('PostgreSQL warehouse URL; when absent the embedded PGlite demo warehouse is used.'),
  dataDir: z.string().min(1).default('.maatstaf').describe('Folder for the embedded warehouse data.'),
  metricsDir: z.string().min(1).default('metrics').describe("Folder with the metric definitions (dbt MetricFlow YAML), or a path to dbt's semantic_manifest.json."),
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
  // Audit log and hardening (src/audit, src/server/hardening*)
  audit: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1')
    .describe('Record queries of internal and personal metrics in the audit log.'),
  auditDatabaseUrl: optionalString
    .refine((u) => u === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(u), { message: 'must be a postgres:// or postgresql:// URL' })
    .describe('PostgreSQL database for the audit log; default the warehouse (the embedded demo: the same PGlite).'),
  auditSchema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain identifier').default('maatstaf_audit').describe("Schema of maatstaf's audit table."),
  auditSigningKey: optionalString
    .refine((k) => k === undefined || Buffer.byteLength(k) >= 32, { message: 'must be at least 32 bytes (e.g. openssl rand -hex 32)' })
    .describe('HMAC key that signs the summary `maatstaf audit prune` leaves (keep it outside the audit database).'),
  corsOrigins: optionalString.describe('Comma-separated origins allowed to call the API from a browser (CORS); none by default.'),
  rateLimitMax: intFrom(0, 1_000_000).default(1200).describe('Requests per authenticated caller (API key, token subject) per window (0 = no rate limit).'),
  rateLimitAnonymousMax: intFrom(0, 1_000_000)
    .default(600)
    .describe('Requests per client address of anonymous callers per window (0 = no limit for them).'),
  trustProxy: z
    .string()
    .trim()
    .default('false')
    .transform(parseTrustProxy)
    .refine((v) => v !== undefined, { message: 'must be true, false, a number of proxy hops, or a comma-separated list of addresses/CIDR ranges' })
    .transform((v) => v!)
    .describe("Which reverse proxies' X-Forwarded-For to believe (Fastify trustProxy): hops, addresses/CIDRs, or true."),
  requestTimeoutMs: intFrom(0, 3_600_000).default(30_000).describe('Time to receive a whole request, headers and body (408 beyond; 0 = none).'),
  headersTimeoutMs: intFrom(0, 3_600_000).default(10_000).describe("Time to receive a request's headers (408 beyond; 0 = none)."),
  keepAliveTimeoutMs: intFrom(1, 3_600_000).default(72_000).describe('How long an idle keep-alive connection stays open.'),
  compressionMinBytes: intFrom(0, 1_000_000_000)
    .default(1024)
    .describe('Answers and static files at least this large are compressed (br, gzip, deflate) when the client accepts it; 0 = never compress.'),
  rateLimitWindowMs: intFrom(1000, 86_400_000).default(60_000).describe('Rate limit window in ms.'),
  bodyLimitBytes: intFrom(1024, 64 * 1024 * 1024).default(256 * 1024).describe('Largest request body; larger → 413.'),
  maxUrlLength: intFrom(256, 1_000_000).default(8192).describe('Longest URL (path + query string); longer → 414.'),
  maxQueryMetrics: intFrom(1, 50).default(20).describe('Most metrics in one query (QUERY_LIMIT_EXCEEDED).'),
  maxQueryGroupBy: intFrom(1, 20).default(10).describe('Most group-by items in one query (QUERY_LIMIT_EXCEEDED).'),
  maxQueryRows: intFrom(1, 10_000_000).default(100_000).describe('Most rows one query may return as JSON, GraphQL or buffered CSV (QUERY_LIMIT_EXCEEDED).'),
  anonymousExportMaxRows: intFrom(0, 2_000_000_000)
    .default(100_000)
    .describe('Most rows of any answer to an anonymous caller, CSV exports included (QUERY_LIMIT_EXCEEDED); 0 = no bound.'),
  dimensionOnlyMaxRows: intFrom(0, 2_000_000_000)
    .default(100_000)
    .describe('Most rows of a query without metrics, for every caller and format (QUERY_LIMIT_EXCEEDED); 0 = no bound.'),
  csvFormulaEscape: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1')
    .describe('Neutralise CSV text cells a spreadsheet would run as a formula (=, +, -, @, tab, CR): OWASP CSV injection.'),
  maxExportRows: intFrom(0, 2_000_000_000).default(0).describe('Most rows of a streamed CSV export (QUERY_LIMIT_EXCEEDED); 0 = no limit.'),
  odataPageSize: intFrom(1, 1_000_000).default(10_000).describe('Rows per page of the OData feed (/odata) unless the client prefers fewer (Prefer: odata.maxpagesize).'),
  // Authentication (src/access/authn): API keys, OIDC bearer tokens, anonymous access.
  demo: z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .default('off')
    .transform((v) => v === 'on' || v === 'true' || v === '1')
    .describe('Activate the public demo API keys (embedded demo warehouse, development only; never with NODE_ENV=production, operator keys or OIDC, or anonymous access off).'),
  apiKeysFile: optionalString.describe('YAML or JSON file with API keys (name, sha256 hash, roles).'),
  apiKeys: optionalString.describe('API keys inline, same YAML/JSON form as the file (hashes only).'),
  anonymous: z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .default('on')
    .transform((v) => v === 'on' || v === 'true' || v === '1')
    .describe('Serve requests without a credential as the anonymous caller (off: 401).'),
  oidcIssuer: optionalString.describe("Expected `iss` of OIDC bearer tokens; enables token authentication."),
  oidcAudience: optionalString.describe('Expected `aud` of OIDC bearer tokens (comma-separated for several).'),
  oidcJwksUrl: optionalString
    .refine((u) => u === undefined || /^https?:\/\/[^\s]+$/.test(u), { message: 'must be an http(s):// URL' })
    .describe("URL of the identity provider's JSON Web Key Set."),
  oidcAlgorithms: z
    .string()
    .default('RS256,ES256')
    .transform((s) => s.split(',').map((a) => a.trim()).filter((a) => a !== ''))
    .refine((algs) => algs.length > 0 && algs.every((a) => ASYMMETRIC_ALGORITHMS.includes(a)), {
      message: `must be a comma-separated list of ${ASYMMETRIC_ALGORITHMS.join(', ')} (never HS* or none)`,
    })
    .describe('Accepted token signature algorithms (asymmetric only).'),
  oidcClockSkewS: intFrom(0, 600).default(30).describe('Clock skew tolerated on exp/nbf/iat, in seconds.'),
  oidcRolesClaim: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/, 'must be a claim name or dot path such as realm_access.roles')
    .default('roles')
    .describe('Token claim (dot path) holding the roles: Entra ID `roles` or `groups`.'),
  oidcSubjectClaim: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/, 'must be a claim name or dot path such as oid')
    .default('sub')
    .describe("Token claim (dot path) naming the caller; tokens without it are refused."),
  oidcRoleMap: optionalString.describe('Claim value → role, `id=role,id2=role2`; when set, unmapped values are dropped.'),
  // Authorisation (src/access): who may use which metrics.
  accessPolicy: optionalString.describe('Access policy YAML (roles → metrics, group-bys, row filters); default <metrics>/access.yml when present.'),
  // Rollups (rollups.yml beside the definitions): built through their own writable connection.
  rollupWriteUrl: optionalString.describe('PostgreSQL URL allowed to write the rollup schema: `rollups build` and scheduled refresh in `serve`.'),
  rollupSchema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL name').default('maatstaf_rollups').describe('Schema of the rollup tables and their build records.'),
  rollupRefreshCheckMs: intFrom(1000, 86_400_000).default(60_000).describe('How often `serve` checks whether a rollup is due for refresh (with a write URL).'),
});


export type Config = z.output<typeof ConfigSchema>;

/** Fastify's `trustProxy`: false, true (any proxy), a hop count, or the proxies' addresses/CIDR ranges. */
export type TrustProxy = boolean | number | string[];

const ADDRESS_OR_CIDR = /^(?:[0-9.]+|[0-9a-fA-F:.]+)(?:\/\d{1,3})?$/;

/** MAATSTAF_TRUST_PROXY: `false`, `true`, `2` (hops) or `10.0.0.0/8,192.168.1.7`; undefined when unreadable. */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0' || v === 'off') return false;
  if (v === 'true' || v === 'on') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const list = v.split(',').map((a) => a.trim()).filter((a) => a !== '');
  return list.length > 0 && list.every((a) => ADDRESS_OR_CIDR.test(a) && /[.:]/.test(a)) ? list : undefined;
}
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
  audit: 'MAATSTAF_AUDIT',
  auditDatabaseUrl: 'MAATSTAF_AUDIT_DATABASE_URL',
  auditSchema: 'MAATSTAF_AUDIT_SCHEMA',
  auditSigningKey: 'MAATSTAF_AUDIT_SIGNING_KEY',
  corsOrigins: 'MAATSTAF_CORS_ORIGINS',
  rateLimitMax: 'MAATSTAF_RATE_LIMIT_MAX',
  rateLimitWindowMs: 'MAATSTAF_RATE_LIMIT_WINDOW_MS',
  rateLimitAnonymousMax: 'MAATSTAF_RATE_LIMIT_ANONYMOUS_MAX',
  trustProxy: 'MAATSTAF_TRUST_PROXY',
  requestTimeoutMs: 'MAATSTAF_REQUEST_TIMEOUT_MS',
  headersTimeoutMs: 'MAATSTAF_HEADERS_TIMEOUT_MS',
  keepAliveTimeoutMs: 'MAATSTAF_KEEP_ALIVE_TIMEOUT_MS',
  compressionMinBytes: 'MAATSTAF_COMPRESSION_MIN_BYTES',
  bodyLimitBytes: 'MAATSTAF_BODY_LIMIT_BYTES',
  maxUrlLength: 'MAATSTAF_MAX_URL_LENGTH',
  maxQueryMetrics: 'MAATSTAF_MAX_QUERY_METRICS',
  maxQueryGroupBy: 'MAATSTAF_MAX_QUERY_GROUP_BY',
  maxQueryRows: 'MAATSTAF_MAX_QUERY_ROWS',
  maxExportRows: 'MAATSTAF_MAX_EXPORT_ROWS',
  odataPageSize: 'MAATSTAF_ODATA_PAGE_SIZE',
  csvFormulaEscape: 'MAATSTAF_CSV_FORMULA_ESCAPE',
  anonymousExportMaxRows: 'MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS',
  dimensionOnlyMaxRows: 'MAATSTAF_DIMENSION_ONLY_MAX_ROWS',
  demo: 'MAATSTAF_DEMO',
  apiKeysFile: 'MAATSTAF_API_KEYS_FILE',
  apiKeys: 'MAATSTAF_API_KEYS',
  anonymous: 'MAATSTAF_ANONYMOUS',
  oidcIssuer: 'MAATSTAF_OIDC_ISSUER',
  oidcAudience: 'MAATSTAF_OIDC_AUDIENCE',
  oidcJwksUrl: 'MAATSTAF_OIDC_JWKS_URL',
  oidcAlgorithms: 'MAATSTAF_OIDC_ALGORITHMS',
  oidcClockSkewS: 'MAATSTAF_OIDC_CLOCK_SKEW_S',
  oidcRolesClaim: 'MAATSTAF_OIDC_ROLES_CLAIM',
  oidcSubjectClaim: 'MAATSTAF_OIDC_SUBJECT_CLAIM',
  oidcRoleMap: 'MAATSTAF_OIDC_ROLE_MAP',
  accessPolicy: 'MAATSTAF_ACCESS_POLICY',
  rollupWriteUrl: 'MAATSTAF_ROLLUP_WRITE_URL',
  rollupSchema: 'MAATSTAF_ROLLUP_SCHEMA',
  rollupRefreshCheckMs: 'MAATSTAF_ROLLUP_REFRESH_CHECK_MS',
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
  if (key === 'apiKeys' || key === 'auditSigningKey') return '…';
  return key === 'databaseUrl' || key === 'redisUrl' || key === 'auditDatabaseUrl' || key === 'rollupWriteUrl' ? redactUrl(text) : text;
}

export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
