/**
 * Request coalescing: concurrent calls with the same key share one in-flight promise, so a burst
 * of identical cold queries costs one warehouse round-trip.
 */
import { queryCancelledError } from '../core/cancellation.js';

export interface Coalescer<T> {
  /**
   * Runs `work` unless a call with `key` is already in flight; then joins it.
   *
   * Cancellation: a caller whose `signal` aborts stops waiting at once (QUERY_CANCELLED). The
   * shared work's own signal (`work`'s argument) aborts only when every caller has gone; a caller
   * without a signal keeps it alive to the end.
   */
  run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Calls in flight now. */
  readonly size: number;
}

export function createCoalescer<T>(): Coalescer<T> {
  interface Flight {
    readonly promise: Promise<T>;
    readonly controller: AbortController;
    /** Callers still waiting for the answer. */
    waiters: number;
  }
  const inFlight = new Map<string, Flight>();
  return {
    run(key, work, signal) {
      if (signal?.aborted) return Promise.reject(queryCancelledError());
      let flight = inFlight.get(key);
      if (!flight) {
        const controller = new AbortController();
        const promise = work(controller.signal).finally(() => {
          if (inFlight.get(key) === flight) inFlight.delete(key);
        });
        // When every caller left, nobody awaits the cancelled work's rejection.
        promise.catch(() => {});
        flight = { promise, controller, waiters: 0 };
        inFlight.set(key, flight);
      }
      const joined = flight;
      joined.waiters++;
      if (!signal) return joined.promise;
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          joined.waiters--;
          if (joined.waiters === 0) {
            // Later arrivals start afresh instead of joining work that is being cancelled.
            if (inFlight.get(key) === joined) inFlight.delete(key);
            joined.controller.abort();
          }
          reject(queryCancelledError());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        joined.promise.then(
          (value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (e: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
          },
        );
      });
    },
    get size() {
      return inFlight.size;
    },
  };
}
