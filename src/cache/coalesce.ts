/**
 * Request coalescing: concurrent calls with the same key share one in-flight promise, so a burst
 * of identical cold queries costs one warehouse round-trip.
 */
export interface Coalescer<T> {
  /** Runs `work` unless a call with `key` is already in flight; then joins it. */
  run(key: string, work: () => Promise<T>): Promise<T>;
  /** Calls in flight now. */
  readonly size: number;
}

export function createCoalescer<T>(): Coalescer<T> {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key, work) {
      const running = inFlight.get(key);
      if (running) return running;
      const started = work().finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
    get size() {
      return inFlight.size;
    },
  };
}
