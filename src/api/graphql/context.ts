/**
 * What every resolver receives: the engine as it was when the request arrived (a definitions
 * reload mid-request never mixes two engines), the request id, and a per-request memo so a
 * metric asked for in several places is described once.
 */
import { ANONYMOUS, type Caller } from '../../access/caller.js';
import { engineForLoaded } from '../../layers/caller-engine.js';
import { MaatstafError } from '../../core/errors.js';
import type { Engine, RunOptions } from '../../engine/types.js';
import type { ServerState } from '../../http/state.js';

export interface GraphqlContext {
  /** The loaded engine; NOT_READY (as REST) while the definitions do not load. */
  engine(): Engine;
  /** The HTTP request id (the server's; `x-request-id` of the answer), reported as `meta.queryId` like REST. */
  readonly requestId: string;
  /** The client's own `x-request-id`, recorded beside requestId. */
  readonly clientRequestId?: string;
  /** Computes a value once per request. */
  memo<T>(key: string, compute: () => T): T;
  /** Fires when the client closes the connection before the answer: running queries are cancelled. */
  readonly signal?: AbortSignal;
}

/**
 * A fresh context for one request. The engine is the caller's access-checked view
 * (src/layers/caller-engine.ts), so every resolver (catalogue and queries) sees only what the caller may use.
 */
export function createContext(
  state: ServerState,
  ids: { readonly requestId: string; readonly clientRequestId?: string },
  caller: Caller = ANONYMOUS,
  signal?: AbortSignal,
): GraphqlContext {
  const { requestId, clientRequestId } = ids;
  const loaded = state.engine;
  // The settings as the request found them (a policy reload mid-request does not mix two policies).
  const { cache, access, audit, queryLimits } = state;
  let engine: Engine | undefined;
  const memo = new Map<string, unknown>();
  return {
    engine() {
      if (!loaded) throw new MaatstafError('NOT_READY', 'the metric definitions are not loaded; see /readyz');
      return (engine ??= engineForLoaded({ cache, access, audit, queryLimits }, loaded, caller, { interface: 'graphql', ...ids }));
    },
    requestId,
    ...(clientRequestId !== undefined ? { clientRequestId } : {}),
    ...(signal ? { signal } : {}),
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
}

/** Engine.run options for a resolver: the request's client-gone signal and ids. */
export function runOptions(ctx: GraphqlContext): RunOptions {
  return {
    requestId: ctx.requestId,
    ...(ctx.clientRequestId !== undefined ? { clientRequestId: ctx.clientRequestId } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}
