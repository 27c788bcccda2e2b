/**
 * One error catalogue for the whole server. Every error a client can see carries a stable `code`,
 * an HTTP status, the offending name and suggestions. Anything that is not a MaatstafError is a bug
 * and is reported as INTERNAL without details.
 */
export const ERROR_CODES = {
  // Query errors (400 unless noted)
  INVALID_QUERY: 400,
  UNKNOWN_METRIC: 404,
  UNKNOWN_SAVED_QUERY: 404,
  UNKNOWN_GROUP_BY: 400,
  UNKNOWN_DIMENSION: 404,
  INVALID_GRAIN: 400,
  INVALID_DATE_PART: 400,
  AMBIGUOUS_GROUP_BY: 400,
  AMBIGUOUS_JOIN_PATH: 400,
  INCOMPATIBLE_GROUP_BY: 400,
  INVALID_FILTER: 400,
  INVALID_TIME_RANGE: 400,
  INVALID_ORDER_BY: 400,
  INVALID_LIMIT: 400,
  DUPLICATE_METRIC: 400,
  UNSUPPORTED_QUERY: 400,
  // Forecasts (src/forecast), all 400: the query cannot be forecast as asked.
  /** A forecast needs exactly one metric_time grain (hour, day, week, month, quarter or year) in groupBy, and no metric_time date part. */
  FORECAST_TIME_GRAIN: 400,
  /** Less history than two of the longest season (or too few periods for any model). */
  FORECAST_HISTORY_TOO_SHORT: 400,
  /** forecast.horizon is not a whole number of periods between 1 and the limit. */
  FORECAST_HORIZON_OUT_OF_RANGE: 400,
  /** A ratio or average metric (forecast its numerator and denominator), or a metric with missing periods that must not be imputed. */
  FORECAST_UNSUPPORTED_METRIC: 400,
  /** The group-bys beside metric_time make more series than one query may forecast. */
  FORECAST_TOO_MANY_SERIES: 400,
  NOT_ACCEPTABLE: 406,
  PAYLOAD_TOO_LARGE: 413,
  /** The URL (path + query string) is longer than the server accepts (hardening). */
  URI_TOO_LONG: 414,
  /** The request (headers and body) did not arrive within the server's request timeout (a slow client). */
  REQUEST_TIMEOUT: 408,
  NOT_FOUND: 404,
  /** A request option the server does not implement (OData `$apply`, `$expand`, `$search`, …): never silently ignored. */
  NOT_IMPLEMENTED: 501,
  /** A paging link whose previous row is no longer where it was (the data changed between pages): start again. */
  PAGE_EXPIRED: 410,
  // Access (src/access)
  /** A credential was sent but is not valid (unknown key, bad token), or one is required. */
  UNAUTHENTICATED: 401,
  /** A bearer token cannot be verified now: the identity provider's key set (JWKS) is unreachable. */
  AUTH_UNAVAILABLE: 503,
  /** The caller may not use this metric / group-by item; never says whether a forbidden metric exists. */
  FORBIDDEN: 403,
  /**
   * The query would read personal data in a shape whose small groups the engine cannot protect
   * (src/privacy): the message names the coarsest grain or grouping that is allowed.
   */
  PRIVACY_PROTECTED: 403,
  /** Too many requests from this key or address (rate limit). */
  RATE_LIMITED: 429,
  /** More metrics, group-by items or rows than the configured per-query limits. */
  QUERY_LIMIT_EXCEEDED: 400,
  // Definition errors
  INVALID_DEFINITIONS: 500,
  // Warehouse
  WAREHOUSE_UNAVAILABLE: 503,
  /** Too many queries waiting for the warehouse (MAATSTAF_MAX_QUEUED_QUERIES). */
  WAREHOUSE_BUSY: 503,
  STATEMENT_TIMEOUT: 504,
  /**
   * The client closed the connection before the answer was ready; its warehouse query was
   * cancelled (src/core/cancellation.ts). Nobody receives this answer; 499 as nginx logs it.
   */
  QUERY_CANCELLED: 499,
  /** The audit store cannot record the query: queries of personal data fail closed. */
  AUDIT_UNAVAILABLE: 503,
  WAREHOUSE_ERROR: 502,
  NOT_READY: 503,
  // Configuration (CLI exit code 2)
  INVALID_CONFIG: 500,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetails {
  /** The offending item as the caller wrote it (metric name, group-by name, setting, …). */
  readonly name?: string;
  /** Where in the request: `metrics[1]`, `groupBy[0]`, `where[0]`. */
  readonly path?: string;
  /** Closest valid names, best first. */
  readonly suggestions?: readonly string[];
  /** Items that would be valid here (e.g. group-by names available for the metrics). */
  readonly available?: readonly string[];
  /** Every problem found, when a request had several (the error's own code and message are the first's). */
  readonly issues?: readonly QueryIssue[];
}

/** One problem in a request; resolution collects them all and throws one MaatstafError. */
export interface QueryIssue extends Omit<ErrorDetails, 'issues'> {
  readonly code: ErrorCode;
  readonly message: string;
}

export class MaatstafError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MaatstafError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.details = details;
  }
}

export function isMaatstafError(e: unknown): e is MaatstafError {
  return e instanceof MaatstafError;
}

/** A problem found in definition files: always points at a file and line. */
export interface DefinitionIssue {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly line: number;
  /** YAML path, e.g. `metrics[2].type_params.measure`. */
  readonly path: string;
  readonly message: string;
  /** The file is not valid YAML (reported first; cross-file checks wait until every file parses). */
  readonly syntax?: true;
}

export function formatIssue(issue: DefinitionIssue): string {
  const where = issue.path ? ` ${issue.path}` : '';
  return `${issue.file}:${issue.line}${where}: ${issue.message}`;
}

/** Thrown when definitions do not validate; carries every issue found, not just the first. */
export class DefinitionsError extends MaatstafError {
  readonly issues: readonly DefinitionIssue[];

  constructor(issues: readonly DefinitionIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super('INVALID_DEFINITIONS', `${errors.length} definition error(s):\n${errors.map(formatIssue).join('\n')}`);
    this.name = 'DefinitionsError';
    this.issues = issues;
  }
}
