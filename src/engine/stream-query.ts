/**
 * Engine.stream: the query compiled exactly as for `run`, its rows read from the warehouse through
 * a cursor (Warehouse.stream) and formatted batch by batch the same way, so a streamed CSV holds
 * the same values as a buffered one. Queries with protected metrics or over personal models are
 * never streamed: small-cell suppression (complementary suppression, rounding, dropping small
 * combinations, the limit after suppression) needs all rows.
 */
import { isQueryCancelled, queryCancelledError } from '../core/cancellation.js';
import type { CompiledQuery, MetricQueryInput, RowRule } from '../core/query.js';
import type { ProtectedQuery } from '../privacy/index.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { formatRows } from './format-values.js';
import type { QueryStream, StreamOptions } from './types.js';
import { mapWarehouseError } from './warehouse-errors.js';

export interface StreamDeps {
  readonly warehouse: Warehouse;
  readonly timeZone: string;
  readonly definitionsVersion: string;
  readonly plan: (input: MetricQueryInput, rowRule: RowRule | undefined) => ProtectedQuery;
  readonly sqlHash: (compiled: CompiledQuery) => string;
  readonly onWarehouseError?: (err: unknown, compiled: CompiledQuery) => void;
}

export function createStreamer(deps: StreamDeps) {
  return async function stream(input: MetricQueryInput, options: StreamOptions = {}): Promise<QueryStream | undefined> {
    const { warehouse } = deps;
    const plan = deps.plan(input, options.rowRule);
    if (!warehouse.stream || plan.protectedColumns.length > 0 || plan.rowThresholds.length > 0 || plan.rounding.length > 0 || plan.limit !== undefined || plan.offset !== undefined) return undefined;
    const { compiled } = plan;
    const { signal } = options;
    const source = warehouse.stream(compiled.sql, compiled.params, {
      ...(signal ? { signal } : {}),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    });
    async function* batches(): AsyncGenerator<Record<string, unknown>[], void, undefined> {
      try {
        for await (const batch of source) yield formatRows(batch.rows, compiled.columns, deps.timeZone);
      } catch (e) {
        // As in run: a client that left is no warehouse failure; anything else is mapped client-safe.
        if (signal?.aborted || isQueryCancelled(e)) throw isQueryCancelled(e) ? e : queryCancelledError(e);
        deps.onWarehouseError?.(e, compiled);
        throw mapWarehouseError(e);
      }
    }
    return {
      columns: compiled.columns,
      meta: { definitionsVersion: deps.definitionsVersion, sqlHash: deps.sqlHash(compiled) },
      batches: batches(),
    };
  };
}
