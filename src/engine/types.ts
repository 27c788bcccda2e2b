import type { CompiledQuery, MetricQuery, MetricQueryInput, OutputColumn, RollupUse, RowRule } from '../core/query.js';
import type { DataSensitivity } from '../definitions/governance/data-sensitivity.js';
import type { Definitions } from '../definitions/model.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import type { SuppressedCells } from '../privacy/suppress.js';
import type { ForecastMeta } from '../forecast/index.js';

export interface QueryResultMeta {
  readonly definitionsVersion: string;
  /** sha256 of SQL + params, first 16 hex chars: equal numbers come from equal SQL. */
  readonly sqlHash: string;
  readonly rowCount: number;
  readonly durationMs: number;
  /** Set by the result cache (src/cache): served from memory, from the warehouse, or an expired answer while the warehouse failed. */
  readonly cache?: 'hit' | 'miss' | 'stale';
  /**
   * Present when the query has metrics protected by `min_group_size` (src/privacy): the withheld
   * (null) cells, one entry per row and reason; empty when nothing was withheld.
   */
  readonly suppressed?: readonly SuppressedCells[];
  /** Present when the query asked for `forecast` or `anomalies` (src/forecast): method, seasons, history and backtest. */
  readonly forecast?: ForecastMeta;
  /** Set when rollups are declared: the rollup the answer was read from, or null (the raw tables). */
  readonly rollup?: RollupUse | null;
}

/** HTTP caching hints set by the result cache; REST turns them into ETag and Cache-Control. */
export interface QueryResultFreshness {
  /** Identifies the data: sqlHash + hash of the rows. */
  readonly etag: string;
  /** Seconds a client may reuse the answer without asking again. */
  readonly maxAgeSeconds: number;
}

export interface QueryResult {
  readonly columns: readonly OutputColumn[];
  readonly rows: readonly Record<string, unknown>[];
  readonly meta: QueryResultMeta;
  readonly freshness?: QueryResultFreshness;
}

/** What the access layer adds to a query for the layers below it. */
export interface ConstraintOptions {
  /**
   * The row rule of the caller's roles (src/access): the answer covers only those rows. Part of the
   * cache key; planned as a filter of origin `rowRule`. Absent = every row.
   */
  readonly rowRule?: RowRule;
}

/** Per-call context an interface passes with a query. */
export interface RunOptions extends ConstraintOptions {
  /**
   * The caller's access scope (src/access): part of the cache key, so answers never cross roles.
   * Absent = the public scope.
   */
  readonly scope?: string;
  /** Aborted when the client goes away: a query still running on the warehouse is cancelled. */
  readonly signal?: AbortSignal;
  /** The id of the request that asks (the audit log records it). */
  readonly requestId?: string;
  /** The client's own x-request-id, recorded beside requestId (never instead of it). */
  readonly clientRequestId?: string;
}

/** Options of Engine.peek: what selects the cached answer, and the most rows an answer may have. */
export interface PeekOptions extends Pick<RunOptions, 'scope' | 'rowRule'> {
  /** An answer with more rows is not handed out (and not counted as a hit): `run` refuses it. */
  readonly maxRows?: number;
}

/** Options of a streamed query (Engine.stream). */
export interface StreamOptions extends RunOptions {
  /** Rows per warehouse FETCH (default 1000). */
  readonly batchSize?: number;
}

/**
 * A query answered in batches (CSV export): the columns are known up front, the rows arrive as
 * the warehouse produces them, the row count only at the end. Iterate `batches` once; stopping
 * early closes the warehouse cursor.
 */
export interface QueryStream {
  readonly columns: readonly OutputColumn[];
  readonly meta: Pick<QueryResultMeta, 'definitionsVersion' | 'sqlHash'>;
  readonly batches: AsyncIterable<readonly Record<string, unknown>[]>;
}

/**
 * What the engine layers know about one query before it runs: what it reads and how sensitive that
 * is (from the UNCHECKED plan: the semantic models in its SQL, whoever asks), and what the caller's
 * access adds to it. Every layer answers `Engine.classify`; the audit layer records from it.
 */
export interface QueryClassification {
  /** The canonical query (names lower-cased and trimmed), when the query validates. */
  readonly query?: MetricQuery;
  /** Canonical metric names asked for (as sent, canonicalised, when the query does not validate). */
  readonly metrics: readonly string[];
  /** Semantic models its SQL reads; empty when it does not compile. */
  readonly models: readonly string[];
  /**
   * The most sensitive of the models read and the metrics asked for (data-sensitivity.ts). A query
   * that does not compile is classified by the metrics it names (a metric without `sensitivity`
   * counts as `internal`, as in the access policy).
   */
  readonly sensitivity: DataSensitivity;
  /** The row rule the caller's roles add to this query (the access layer); absent when none or refused. */
  readonly rowRule?: RowRule;
}

/**
 * The one engine every interface (REST, GraphQL, CLI) calls. The base engine (engine.ts) and each
 * of its layers (src/layers/caller-engine.ts: cache, access, limits, audit) implement ALL of it
 * explicitly, so a method forgotten in a layer is a type error, not a silent bypass.
 */
export interface Engine {
  readonly definitions: Definitions;
  readonly graph: SemanticGraph;
  /** True when `graph` and `definitions` are narrowed to one caller's grants (the access layer and those above it). */
  readonly restricted: boolean;
  compile(query: MetricQueryInput, options?: ConstraintOptions): CompiledQuery;
  run(query: MetricQueryInput, options?: RunOptions): Promise<QueryResult>;
  /**
   * The same query streamed in batches, or undefined when it must be answered whole by `run`:
   * protected metrics (small-cell suppression needs every row), answers the result cache already
   * holds, audited personal data (its entry is stored before any row leaves), or a warehouse
   * without cursors. Errors of the query itself may surface at the first batch.
   */
  stream(query: MetricQueryInput, options?: StreamOptions): Promise<QueryStream | undefined>;
  /**
   * The answer `run` would give from the result cache, when it holds a fresh one: synchronous and
   * without I/O, so a cached answer costs no promise chain and no abort signal. Undefined when
   * there is none, or when `run` has work to do for this query (an audit entry, a refresh-key
   * check, an error to report): the caller then calls `run`. Never throws.
   */
  peek(query: MetricQueryInput, options?: PeekOptions): QueryResult | undefined;
  /** What the query reads, how sensitive that is and what access adds (QueryClassification). Never throws. */
  classify(query: MetricQueryInput): QueryClassification;
}
