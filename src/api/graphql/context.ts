/**
 * What every resolver receives: the engine as it was when the request arrived (a definitions
 * reload mid-request never mixes two engines), the request id, and a per-request memo so a
 * metric asked for in several places is described once.
 */
import { MaatstafError } from '../../core/errors.js';
import type { Engine } from '../../engine/types.js';
import type { ServerState } from '../../server/state.js';

export interface GraphqlContext {
  /** The loaded engine; NOT_READY (as REST) while the definitions do not load. */
  engine(): Engine;
  /** The HTTP request id (`x-request-id`), reported as `meta.queryId` like REST. */
  readonly requestId: string;
  /** Computes a value once per request. */
  memo<T>(key: string, compute: () => T): T;
}

/** A fresh context for one request. */
export function createContext(state: ServerState, requestId: string): GraphqlContext {
  const engine = state.engine;
  const memo = new Map<string, unknown>();
  return {
    engine() {
      if (engine) return engine;
      throw new MaatstafError('NOT_READY', 'the metric definitions are not loaded; see /readyz');
    },
    requestId,
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
}
