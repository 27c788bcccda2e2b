/**
 * Per-query limits (configurable; MAATSTAF_MAX_QUERY_*): metrics and group-by items per query and
 * rows per answer. The query schema already caps lists at MAX_METRICS / MAX_GROUP_BY; these are the
 * operator's tighter limits. Exceeding one answers 400 QUERY_LIMIT_EXCEEDED naming the limit.
 * The row limit is for answers held in memory (JSON, GraphQL, buffered CSV); a streamed CSV export
 * (Engine.stream) is bounded by the separate, optional `maxExportRows` instead.
 *
 * Bounded answers (row-bounds.ts): anonymous callers and queries without metrics get at most
 * `anonymousMaxRows` / `dimensionOnlyMaxRows` rows in every format. Such a query runs with a SQL
 * LIMIT of the bound + 1 (the warehouse never produces more) and is answered whole, never streamed,
 * so going over the bound is a 400 before any row is sent rather than a cut-off download.
 */
import { MaatstafError } from '../core/errors.js';
import { rowBoundOf, withRowBound, type RowBound } from './row-bounds.js';
import type { MetricQueryInput } from '../core/query.js';
import type { ConstraintOptions, Engine, PeekOptions, QueryResult, QueryStream, RunOptions, StreamOptions } from '../engine/types.js';

export interface QueryLimits {
  readonly maxMetrics: number;
  readonly maxGroupBy: number;
  readonly maxRows: number;
  /** MAATSTAF_MAX_EXPORT_ROWS: most rows of a streamed CSV export; 0 or absent = no limit. */
  readonly maxExportRows?: number;
  /** MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS: most rows of any answer to an anonymous caller; 0 or absent = no bound. */
  readonly anonymousMaxRows?: number;
  /** MAATSTAF_DIMENSION_ONLY_MAX_ROWS: most rows of a query without metrics, for every caller; 0 or absent = no bound. */
  readonly dimensionOnlyMaxRows?: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxMetrics: 20, maxGroupBy: 10, maxRows: 100_000 };

const lengthOf = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

/** Throws QUERY_LIMIT_EXCEEDED when the query asks for more metrics or group-by items than allowed. */
export function checkQueryShape(input: MetricQueryInput, limits: QueryLimits): void {
  const q = input as { metrics?: unknown; groupBy?: unknown };
  const metrics = lengthOf(q.metrics);
  if (metrics > limits.maxMetrics) {
    throw new MaatstafError('QUERY_LIMIT_EXCEEDED', `a query may name at most ${limits.maxMetrics} metrics (got ${metrics}); split it into several queries`, {
      name: 'metrics',
      path: 'metrics',
    });
  }
  const groupBy = lengthOf(q.groupBy);
  if (groupBy > limits.maxGroupBy) {
    throw new MaatstafError('QUERY_LIMIT_EXCEEDED', `a query may group by at most ${limits.maxGroupBy} items (got ${groupBy})`, {
      name: 'groupBy',
      path: 'groupBy',
    });
  }
}

/** Throws QUERY_LIMIT_EXCEEDED when an answer has more rows than allowed. */
export function checkRowCount(result: QueryResult, limits: QueryLimits): void {
  if (result.rows.length > limits.maxRows) {
    throw new MaatstafError(
      'QUERY_LIMIT_EXCEEDED',
      `the answer has more than ${limits.maxRows} rows; add filters, a coarser grain or a limit`,
      { name: 'limit', path: 'limit', suggestions: [`limit: ${limits.maxRows}`] },
    );
  }
}

/** Throws QUERY_LIMIT_EXCEEDED when a bounded answer (see row-bounds.ts) has more rows than its bound. */
function checkRowBound(result: QueryResult, bound: RowBound): void {
  if (result.rows.length > bound.maxRows) throw bound.exceeded();
}

/**
 * The engine with the limits applied to every run (compile is checked for shape only). `anonymous`:
 * the engine of the anonymous caller, whose answers are bounded by `anonymousMaxRows`.
 */
export function createLimitedEngine(inner: Engine, limits: QueryLimits, opts: { readonly anonymous?: boolean } = {}): Engine {
  const boundOf = (input: MetricQueryInput) => rowBoundOf(input, limits, opts.anonymous === true);
  const run = async (input: MetricQueryInput, options?: RunOptions): Promise<QueryResult> => {
    checkQueryShape(input, limits);
    const bound = boundOf(input);
    const result = await inner.run(bound ? withRowBound(input, bound) : input, options);
    if (bound) checkRowBound(result, bound);
    checkRowCount(result, limits);
    return result;
  };
  const compile = (input: MetricQueryInput, options?: ConstraintOptions) => {
    checkQueryShape(input, limits);
    return inner.compile(input, options);
  };
  const stream = async (input: MetricQueryInput, options?: StreamOptions): Promise<QueryStream | undefined> => {
    checkQueryShape(input, limits);
    // Bounded answers are never streamed: `run` answers them whole (or refuses them) within the bound.
    if (boundOf(input)) return undefined;
    const found = await inner.stream(input, options);
    const max = limits.maxExportRows ?? 0;
    if (!found || max <= 0) return found;
    return { ...found, batches: capRows(found.batches, max) };
  };
  const withMaxRows: PeekOptions = { maxRows: limits.maxRows };
  const peek = (input: MetricQueryInput, options?: PeekOptions): QueryResult | undefined => {
    try {
      checkQueryShape(input, limits);
    } catch {
      return undefined; // run answers QUERY_LIMIT_EXCEEDED
    }
    const bound = boundOf(input);
    const maxRows = Math.min(bound?.maxRows ?? Infinity, limits.maxRows);
    // Told to the cached engine, so an answer run will refuse is not counted as a hit first.
    const peekOptions = options || bound ? { ...options, maxRows: Math.min(options?.maxRows ?? Infinity, maxRows) } : withMaxRows;
    const result = inner.peek(bound ? withRowBound(input, bound) : input, peekOptions);
    return result && result.rows.length <= maxRows ? result : undefined;
  };
  return {
    definitions: inner.definitions,
    graph: inner.graph,
    restricted: inner.restricted,
    compile,
    run,
    stream,
    peek,
    // Limits change whether a query may run, not what it reads.
    classify: (input) => inner.classify(input),
  };
}

/**
 * Fails with QUERY_LIMIT_EXCEEDED once more than `max` rows have come. Found at the first batch it
 * is an ordinary 400; later the download is aborted (the status line is already sent).
 */
async function* capRows(source: QueryStream['batches'], max: number): AsyncGenerator<readonly Record<string, unknown>[], void, undefined> {
  let seen = 0;
  for await (const batch of source) {
    seen += batch.length;
    if (seen > max) {
      throw new MaatstafError('QUERY_LIMIT_EXCEEDED', `the export has more than ${max} rows; add filters, a coarser grain or a limit`, {
        name: 'limit',
        path: 'limit',
        suggestions: [`limit: ${max}`],
      });
    }
    yield batch;
  }
}
