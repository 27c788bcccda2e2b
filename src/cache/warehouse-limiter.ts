/**
 * Warehouse protection: at most `maxConcurrent` queries run at once; up to `maxQueued` wait in
 * FIFO order; beyond that a query fails at once with WAREHOUSE_BUSY (503, Retry-After) instead of
 * piling up on the warehouse.
 */
import { queryCancelledError, throwIfCancelled } from '../core/cancellation.js';
import { MaatstafError } from '../core/errors.js';
import type { Warehouse, WarehouseQueryOptions, WarehouseResult, WarehouseStreamOptions } from '../warehouse/warehouse.js';

export interface LimiterOptions {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
}

/** Observes the limiter (metrics). */
export interface LimiterEvents {
  onQueueChange?(running: number, queued: number): void;
  /** Warehouse time of one query in ms, and whether it failed. */
  onQuery?(durationMs: number, failed: boolean): void;
}

export interface Limiter {
  /** With `signal`: a query still waiting for a slot leaves the queue when it aborts (QUERY_CANCELLED). */
  run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly running: number;
  readonly queued: number;
}

export function createLimiter(opts: LimiterOptions, events: LimiterEvents = {}): Limiter {
  const maxConcurrent = Math.max(1, opts.maxConcurrent);
  let running = 0;
  const waiting: (() => void)[] = [];
  const changed = () => events.onQueueChange?.(running, waiting.length);

  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) {
      running++;
      next();
    }
    changed();
  };

  return {
    async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      throwIfCancelled(signal);
      if (running >= maxConcurrent) {
        if (waiting.length >= opts.maxQueued) {
          throw new MaatstafError('WAREHOUSE_BUSY', 'the warehouse is busy (too many queries waiting); try again shortly');
        }
        // The slot is handed over by release(), so `running` never exceeds the bound.
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            const at = waiting.indexOf(granted);
            if (at >= 0) waiting.splice(at, 1);
            changed();
            reject(queryCancelledError());
          };
          const granted = () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          };
          waiting.push(granted);
          signal?.addEventListener('abort', onAbort, { once: true });
          changed();
        });
      } else {
        running++;
        changed();
      }
      try {
        return await work();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
  };
}

/**
 * The warehouse with its queries going through the limiter (ping and close do not queue: health
 * checks must answer while the warehouse is busy).
 */
export function limitWarehouse(warehouse: Warehouse, limiter: Limiter, events: LimiterEvents = {}): Warehouse {
  return {
    kind: warehouse.kind,
    db: warehouse.db,
    schema: warehouse.schema,
    query: <R>(sql: string, params?: readonly unknown[], options?: WarehouseQueryOptions) =>
      limiter.run(async () => {
        const started = performance.now();
        try {
          const result = await warehouse.query<R>(sql, params, options);
          events.onQuery?.(performance.now() - started, false);
          return result;
        } catch (e) {
          events.onQuery?.(performance.now() - started, true);
          throw e;
        }
      }, options?.signal),
    ...(warehouse.stream ? { stream: <R>(sql: string, params?: readonly unknown[], options?: WarehouseStreamOptions) => limitedStream<R>(warehouse, limiter, events, sql, params, options) } : {}),
    ping: () => warehouse.ping(),
    close: () => warehouse.close(),
  };
}

/**
 * A streamed query holds its limiter slot from the first batch until the stream ends (its cursor
 * and connection are busy all that time, also while a slow client reads).
 */
async function* limitedStream<R>(
  warehouse: Warehouse,
  limiter: Limiter,
  events: LimiterEvents,
  sql: string,
  params: readonly unknown[] | undefined,
  options: WarehouseStreamOptions | undefined,
): AsyncGenerator<WarehouseResult<R>, void, undefined> {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let granted!: () => void;
  const slotGranted = new Promise<void>((resolve) => (granted = resolve));
  // The slot is held by a limiter job that waits until the stream is done.
  const holding = limiter.run(() => {
    granted();
    return finished;
  }, options?.signal);
  // Rejects with WAREHOUSE_BUSY or QUERY_CANCELLED when no slot was granted.
  await Promise.race([slotGranted, holding]);
  const started = performance.now();
  let failed = false;
  try {
    yield* warehouse.stream!<R>(sql, params, options);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    events.onQuery?.(performance.now() - started, failed);
    finish();
    await holding.catch(() => {});
  }
}
