/**
 * The speed layer as an Engine decorator: REST and GraphQL call it like the plain engine and get
 * cached answers, coalesced cold queries and stale-if-error for free.
 */
import { isMaatstafError } from '../core/errors.js';
import type { MetricQueryInput } from '../core/query.js';
import type { Engine, PeekOptions, QueryResult, QueryStream, RunOptions, StreamOptions } from '../engine/types.js';
import { createCoalescer, type Coalescer } from './coalesce.js';
import { createJsonMemo } from '../core/json-memo.js';
import { PUBLIC_SCOPE, queryCacheKey } from './query-key.js';
import type { DataVersion } from './refresh-keys.js';
import type { CachedEntry, ResultCache } from './result-cache.js';
import type { SharedTier } from './shared-tier.js';

/** `shared_hit`: answered from the Redis tier (another replica ran the query). */
export type CacheOutcome = 'hit' | 'shared_hit' | 'miss' | 'stale' | 'coalesced';

/** What the one caller that does the work (per key) hands to everyone waiting on it. */
export type Answer =
  | { readonly from: 'warehouse'; readonly entry: CachedEntry | undefined; readonly result: QueryResult }
  | { readonly from: 'shared'; readonly entry: CachedEntry };

export interface CachedEngineOptions {
  readonly cache: ResultCache;
  /** Access scope of the caller (a later access-control issue passes one per caller). */
  readonly scope?: string;
  /** Told how each query was answered (metrics). */
  readonly onOutcome?: (outcome: CacheOutcome) => void;
  /** Shared between engines built over the same cache (a reload must not break in-flight sharing). */
  readonly coalescer?: Coalescer<Answer>;
  /** Redis tier shared by replicas (optional). */
  readonly shared?: SharedTier;
  /** Data version from the semantic models' refresh keys; part of the cache key. */
  readonly dataVersion?: DataVersion;
}

/** Warehouse failures that an expired answer may cover (the query itself was fine). */
const STALE_IF = new Set(['WAREHOUSE_UNAVAILABLE', 'STATEMENT_TIMEOUT', 'WAREHOUSE_BUSY']);

/** The answer for a cached entry, with its cache outcome and HTTP freshness hints. */
function withCache(entry: CachedEntry, cache: 'hit' | 'miss' | 'stale', maxAgeMs: number): QueryResult {
  const { result } = entry;
  return {
    columns: result.columns,
    rows: result.rows,
    meta: { ...result.meta, cache },
    freshness: { etag: `${result.meta.sqlHash}-${entry.dataHash}`, maxAgeSeconds: Math.max(0, Math.floor(maxAgeMs / 1000)) },
  };
}

/** Wraps `inner`; `compile`, `classify`, `definitions` and `graph` pass through unchanged. The key covers scope and row rule. */
export function createCachedEngine(inner: Engine, opts: CachedEngineOptions): Engine {
  const { cache } = opts;
  const scope = opts.scope ?? PUBLIC_SCOPE;
  const coalescer = opts.coalescer ?? createCoalescer<Answer>();
  const report = (o: CacheOutcome) => opts.onOutcome?.(o);
  const { shared } = opts;

  const remainingMs = (entry: CachedEntry) => cache.ttlMs - (Date.now() - entry.storedAt);

  // The semantic models a query reads (compiled once per distinct query): its data version covers those only.
  const modelsRead = createJsonMemo<readonly string[]>();
  // Version strings per data version: reused, not rebuilt per request.
  const versions = new Map<string, string>();
  const keyWith = (query: MetricQueryInput, data: string, options: PeekOptions | undefined): string => {
    let version = data ? versions.get(data) : inner.definitions.version;
    if (version === undefined) {
      if (versions.size >= 1024) versions.clear();
      versions.set(data, (version = `${inner.definitions.version}:${data}`));
    }
    return queryCacheKey(query, version, options?.scope ?? scope, options?.rowRule);
  };
  // (The row rule may join another model: it is part of what is read.)
  const modelsOf = (query: MetricQueryInput, options: PeekOptions | undefined) =>
    modelsRead.get(options?.rowRule?.filter ?? '', query, () => inner.compile(query, options?.rowRule ? { rowRule: options.rowRule } : {}).models);
  const keyOf = async (query: MetricQueryInput, runOptions?: RunOptions): Promise<string> => {
    const { dataVersion } = opts;
    return keyWith(query, dataVersion ? await dataVersion.forModels(modelsOf(query, runOptions)) : '', runOptions);
  };
  /** The key without waiting, or undefined when the data version needs a check first. */
  const keyNow = (query: MetricQueryInput, options?: PeekOptions): string | undefined => {
    const { dataVersion } = opts;
    const data = dataVersion ? dataVersion.forModelsNow(modelsOf(query, options)) : '';
    return data === undefined ? undefined : keyWith(query, data, options);
  };

  return {
    definitions: inner.definitions,
    graph: inner.graph,
    restricted: inner.restricted,
    compile: (query, options) => inner.compile(query, options),
    // What a query reads does not depend on where its answer comes from.
    classify: (query) => inner.classify(query),
    /**
     * Exports bypass the cache: an answer the cache holds is served by `run` (undefined here), any
     * other is streamed from the warehouse and not stored (it may be far larger than the cache).
     */
    async stream(query: MetricQueryInput, streamOptions?: StreamOptions): Promise<QueryStream | undefined> {
      if (cache.enabled && cache.get(await keyOf(query, streamOptions)).kind === 'fresh') return undefined;
      return inner.stream(query, streamOptions);
    },
    peek(query: MetricQueryInput, options?: PeekOptions): QueryResult | undefined {
      if (!cache.enabled) return undefined;
      let key: string | undefined;
      try {
        key = keyNow(query, options);
      } catch {
        return undefined; // an invalid query: run reports its error
      }
      const found = key === undefined ? undefined : cache.get(key);
      if (found?.kind !== 'fresh') return undefined;
      const maxRows = options?.maxRows;
      if (maxRows !== undefined && found.entry.result.rows.length > maxRows) return undefined;
      report('hit');
      return withCache(found.entry, 'hit', remainingMs(found.entry));
    },
    async run(query: MetricQueryInput, runOptions?: RunOptions): Promise<QueryResult> {
      const key = await keyOf(query, runOptions);
      const found = cache.get(key);
      if (found.kind === 'fresh') {
        report('hit');
        return withCache(found.entry, 'hit', remainingMs(found.entry));
      }
      let leader = false;
      let staleCandidate = found.kind === 'expired' ? found.entry : undefined;
      try {
        const signal = runOptions?.signal;
        const answer = await coalescer.run(key, async (workSignal): Promise<Answer> => {
          leader = true;
          if (shared && cache.enabled) {
            const remote = await shared.get(key);
            if (remote && remainingMs(remote) > 0) {
              cache.put(key, remote);
              return { from: 'shared', entry: remote };
            }
            if (remote && (!staleCandidate || remote.storedAt > staleCandidate.storedAt)) staleCandidate = remote;
          }
          // The shared query's signal: aborted only when every coalesced caller has gone.
          const result = await inner.run(query, { ...runOptions, signal: workSignal });
          const entry = cache.set(key, result);
          if (entry) shared?.set(key, entry);
          return { from: 'warehouse', entry, result };
        }, signal);
        if (answer.from === 'shared') {
          report(leader ? 'shared_hit' : 'coalesced');
          return withCache(answer.entry, 'hit', remainingMs(answer.entry));
        }
        report(leader ? 'miss' : 'coalesced');
        if (answer.entry) return withCache(answer.entry, 'miss', cache.ttlMs);
        return { ...answer.result, meta: { ...answer.result.meta, cache: 'miss' } };
      } catch (e) {
        // The last good answer beats an error when only the warehouse failed.
        if (staleCandidate && isMaatstafError(e) && STALE_IF.has(e.code)) {
          report('stale');
          return withCache(staleCandidate, 'stale', 0);
        }
        throw e;
      }
    },
  };
}
