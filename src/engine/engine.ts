/**
 * The engine: one object that every interface calls. It validates the query model, compiles with
 * the pure compiler, runs on the warehouse, and shapes values the same way for every consumer.
 */
import { createHash } from 'node:crypto';
import { isQueryCancelled, queryCancelledError } from '../core/cancellation.js';
import { MaatstafError } from '../core/errors.js';
import { createJsonMemo } from '../core/json-memo.js';
import { canonicalName, canonicalQuery, MetricQuerySchema, validationCodeAt, type CompiledQuery, type ConstrainedQuery, type RollupCandidateInfo, type MetricQuery, type MetricQueryInput, type RowRule } from '../core/query.js';
import { compileQuery } from '../compiler/index.js';
import { classifyData } from '../definitions/governance/data-sensitivity.js';
import { protectedCompiler } from '../privacy/index.js';
import { cellKeySecretFromEnv } from '../privacy/cell-key.js';
import { suppressRows } from '../privacy/suppress.js';
import type { Definitions } from '../definitions/model.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { asksForecast, runForecast, type HistoryAnswer } from './forecast-query.js';
import { formatRows } from './format-values.js';
import { createStreamer } from './stream-query.js';
import type { RollupCatalog } from './rollups/rollup-catalog.js';
import { underSecret } from './rollups/rollup-key.js';
import type { ConstraintOptions, Engine, QueryClassification, QueryResult, RunOptions } from './types.js';
import { mapWarehouseError } from './warehouse-errors.js';

export interface EngineDeps {
  readonly graph: SemanticGraph;
  readonly warehouse: Warehouse;
  /** Called with the original warehouse error and SQL when a query fails (server log only). */
  readonly onWarehouseError?: (err: unknown, compiled: CompiledQuery) => void;
  /** Secret of the cell-key method (src/privacy/cell-key.ts); default from MAATSTAF_CELL_KEY_SECRET. */
  readonly cellKeySecret?: string;
  /** Declared rollups and their builds (src/engine/rollups); answers may read them, `meta.rollup` says which. */
  readonly rollups?: RollupCatalog;
  /** Called after each run with the rollups tried (Prometheus counters of hits and misses by rule). */
  readonly onRollupDecision?: (tried: readonly RollupCandidateInfo[]) => void;
}

/** Zod-validates an untrusted query; the first problem becomes an INVALID_QUERY error with its path. */
export function parseQuery(input: unknown): MetricQuery {
  const parsed = MetricQuerySchema.safeParse(input);
  if (parsed.success) return canonicalQuery(parsed.data);
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  const name = issue.path.length ? String(issue.path[issue.path.length - 1]) : undefined;
  return fail(new MaatstafError(validationCodeAt(path), `${path || 'query'}: ${issue.message}`, { ...(path ? { path } : {}), ...(name ? { name } : {}) }));
}

function fail(e: MaatstafError): never {
  throw e;
}

/** Metric names of a query as sent (canonicalised), even when it does not validate: what a refusal names. */
function metricsAsSent(input: unknown): string[] {
  const raw = (input as { metrics?: unknown } | null)?.metrics;
  return Array.isArray(raw) ? raw.filter((m): m is string => typeof m === 'string').slice(0, 100).map(canonicalName) : [];
}

function modelsOrNone(models: () => readonly string[]): readonly string[] {
  try {
    return models();
  } catch {
    return [];
  }
}

export function sqlHash(compiled: CompiledQuery): string {
  return createHash('sha256').update(compiled.sql).update('\u0000').update(JSON.stringify(compiled.params)).digest('hex').slice(0, 16);
}

export function createEngine(deps: EngineDeps): Engine {
  const { graph, warehouse } = deps;
  const definitions: Definitions = graph.definitions;

  // Small-cell suppression (src/privacy): protected metrics compile with hidden subject-count columns.
  const cellKeySecret = 'cellKeySecret' in deps ? deps.cellKeySecret : cellKeySecretFromEnv(process.env);
  const rollups = deps.rollups?.shapes.length ? deps.rollups : undefined;
  const compileProtected = protectedCompiler(graph, { ...(cellKeySecret !== undefined ? { cellKeySecret } : {}), ...(rollups ? { rollups: underSecret(rollups, cellKeySecret) } : {}) });
  /** The validated query with the access layer's row rule (planned apart from its `where`). */
  const constrained = (input: MetricQueryInput, rowRule: RowRule | undefined): ConstrainedQuery => {
    const query = parseQuery(input);
    return rowRule ? { ...query, rowRule } : query;
  };
  const compile = (input: MetricQueryInput, options?: ConstraintOptions): CompiledQuery => compileProtected(constrained(input, options?.rowRule)).compiled;

  // Classification by the semantic models the UNCHECKED plan reads (the caller's grants play no part).
  const data = classifyData(definitions);
  // Every layer classifies (audit on each run, cached answers included): a repeated query compiles once.
  const classified = createJsonMemo<QueryClassification>();
  const classifyNow = (input: MetricQueryInput): QueryClassification => {
    let query: MetricQuery;
    try {
      query = parseQuery(input);
    } catch {
      const metrics = metricsAsSent(input);
      return { metrics, models: [], sensitivity: data.classify([], metrics) };
    }
    const { metrics } = query;
    try {
      const plan = compileProtected(query);
      return { query, metrics, models: plan.compiled.models, sensitivity: plan.sensitivity };
    } catch {
      // Refused by the privacy rules (still a read attempt of what it names) or not compilable at all.
      const models = modelsOrNone(() => compileQuery(graph, query).models);
      return { query, metrics, models, sensitivity: data.classify(models, metrics) };
    }
  };

  const streamer = createStreamer({
    warehouse,
    timeZone: graph.timeZone,
    definitionsVersion: definitions.version,
    plan: (input, rowRule) => compileProtected(constrained(input, rowRule)),
    sqlHash,
    ...(deps.onWarehouseError ? { onWarehouseError: deps.onWarehouseError } : {}),
  });

  return {
    definitions,
    graph,
    restricted: false,
    compile,
    // A forecast needs the whole history before its first row: answered by run.
    stream: (input, options) => (asksForecast(parseQuery(input)) ? Promise.resolve(undefined) : streamer(input, options)),
    // No result cache below the cache layer: every answer comes from `run`.
    peek: () => undefined,
    classify: (input) => classified.get('', input, () => classifyNow(input)),
    async run(input: MetricQueryInput, options?: RunOptions): Promise<QueryResult> {
      const query = parseQuery(input);
      await rollups?.ensureFresh();
      if (asksForecast(query)) return runForecast(graph, query, (history) => answer(history, options));
      return (await answer(query, options)).result;
    },
  };

  /** The query's answer, with what small-cell protection withheld (a forecast needs to know). */
  async function answer(query: MetricQuery, options?: RunOptions): Promise<HistoryAnswer> {
    const plan = compileProtected(options?.rowRule ? { ...query, rowRule: options.rowRule } : query);
    const signal = options?.signal;
    const { compiled } = plan;
    const started = performance.now();
    let rows: Record<string, unknown>[];
    try {
      rows = (await warehouse.query(compiled.sql, plan.runParams ?? compiled.params, signal ? { signal } : undefined)).rows;
    } catch (e) {
      // The client left and its query was cancelled: not a warehouse failure, nothing to log.
      if (signal?.aborted || isQueryCancelled(e)) throw isQueryCancelled(e) ? e : queryCancelledError(e);
      deps.onWarehouseError?.(e, compiled);
      throw mapWarehouseError(e);
    }
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    if (compiled.rollupCandidates) deps.onRollupDecision?.(compiled.rollupCandidates);
    const formatted = formatRows(rows, compiled.columns, graph.timeZone);
    // Before any cache sees the answer: every consumer (REST, CSV, GraphQL, CLI) gets the same withheld cells.
    const safe = plan.protectedColumns.length || plan.rounding.length || plan.rowThresholds.length ? suppressRows(formatted, rows, plan) : undefined;
    const result: QueryResult = {
      columns: compiled.columns,
      rows: safe?.rows ?? formatted,
      meta: {
        definitionsVersion: definitions.version,
        sqlHash: sqlHash(compiled),
        rowCount: (safe?.rows ?? formatted).length,
        durationMs,
        ...(plan.protectedColumns.length || plan.rowThresholds.length ? { suppressed: safe!.suppressed } : {}),
        ...(rollups ? { rollup: compiled.rollup ?? null } : {}),
      },
    };
    const withheld = safe !== undefined && (safe.suppressed.length > 0 || safe.rows.length < formatted.length);
    return { result, withheld, personal: plan.protectedColumns.map((p) => p.column) };
  }
}
