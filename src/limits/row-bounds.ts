/**
 * Row bounds of answers that could otherwise be arbitrarily large exports: anything an anonymous
 * caller asks (MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS) and any query without metrics, which lists
 * combinations of dimension values (MAATSTAF_DIMENSION_ONLY_MAX_ROWS). A bounded query runs with
 * `limit` = bound + 1 unless it asks for a smaller limit itself: at most bound rows means the answer
 * is complete, more means it is refused (QUERY_LIMIT_EXCEEDED) without sending any of it.
 */
import { MaatstafError } from '../core/errors.js';
import type { MetricQueryInput } from '../core/query.js';
import type { QueryLimits } from './limited-engine.js';

export interface RowBound {
  readonly maxRows: number;
  /** The refusal when an answer has more rows. */
  exceeded(): MaatstafError;
}

const limitError = (message: string, maxRows: number): MaatstafError =>
  new MaatstafError('QUERY_LIMIT_EXCEEDED', message, { name: 'limit', path: 'limit', suggestions: [`limit: ${maxRows}`] });

function anonymousBound(maxRows: number): RowBound {
  return {
    maxRows,
    exceeded: () =>
      limitError(
        `an anonymous answer has at most ${maxRows} rows (MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS); add filters, a coarser grain or a limit, or send an API key or token`,
        maxRows,
      ),
  };
}

function dimensionOnlyBound(maxRows: number): RowBound {
  return {
    maxRows,
    exceeded: () =>
      limitError(
        `a query without metrics has at most ${maxRows} rows (MAATSTAF_DIMENSION_ONLY_MAX_ROWS); add filters, fewer group-by items, a coarser grain or a limit`,
        maxRows,
      ),
  };
}

/** A query names no metrics (absent or an empty list): it lists dimension value combinations. */
function isDimensionOnly(input: MetricQueryInput): boolean {
  const metrics = (input as { metrics?: unknown } | null)?.metrics;
  return metrics === undefined || (Array.isArray(metrics) && metrics.length === 0);
}

/** The tightest bound that applies to this query and caller, or undefined. */
export function rowBoundOf(input: MetricQueryInput, limits: QueryLimits, anonymous: boolean): RowBound | undefined {
  const anon = anonymous && (limits.anonymousMaxRows ?? 0) > 0 ? limits.anonymousMaxRows! : undefined;
  const dims = (limits.dimensionOnlyMaxRows ?? 0) > 0 && isDimensionOnly(input) ? limits.dimensionOnlyMaxRows! : undefined;
  if (dims !== undefined && (anon === undefined || dims < anon)) return dimensionOnlyBound(dims);
  return anon === undefined ? undefined : anonymousBound(anon);
}

/**
 * The query with `limit` at most bound + 1 (its own smaller limit is kept; a non-number is left to
 * validation). With an `offset`, the rows reachable are offset + limit: a page beyond the bound is
 * refused, so paging never reads further into an answer than one bounded answer would show.
 */
export function withRowBound(input: MetricQueryInput, bound: RowBound): MetricQueryInput {
  const given = (input as { limit?: unknown } | null)?.limit;
  const offset = (input as { offset?: unknown } | null)?.offset;
  if (typeof offset === 'number' && offset > 0) {
    if (typeof given !== 'number' || offset + given > bound.maxRows) throw bound.exceeded();
    return input;
  }
  if (given !== undefined && (typeof given !== 'number' || given <= bound.maxRows)) return input;
  return { ...(input as object), limit: bound.maxRows + 1 } as MetricQueryInput;
}
