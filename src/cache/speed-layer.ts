/**
 * Assembles the speed layer from the settings: one result cache and one coalescer shared by every
 * engine the server builds (reloads included), and one concurrency limiter per warehouse.
 */
import type { Engine } from '../engine/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { createCachedEngine, type Answer, type CacheOutcome } from './cached-engine.js';
import { createCoalescer } from './coalesce.js';
import { createDataVersion, refreshKeysOf } from './refresh-keys.js';
import { createResultCache, type ResultCache } from './result-cache.js';
import type { SharedTier } from './shared-tier.js';
import { createLimiter, limitWarehouse, type Limiter, type LimiterEvents } from './warehouse-limiter.js';

export interface SpeedLayerSettings {
  /** MAATSTAF_CACHE_TTL_MS; 0 disables the result cache. */
  readonly cacheTtlMs: number;
  /** MAATSTAF_CACHE_MAX_BYTES; 0 disables the result cache. */
  readonly cacheMaxBytes: number;
  /** MAATSTAF_STALE_IF_ERROR_MS; 0 = never answer with an expired result. */
  readonly staleIfErrorMs: number;
  /** MAATSTAF_MAX_CONCURRENT_QUERIES. */
  readonly maxConcurrentQueries: number;
  /** MAATSTAF_MAX_QUEUED_QUERIES. */
  readonly maxQueuedQueries: number;
  /** MAATSTAF_REFRESH_CHECK_MS: semantic models' `meta.refresh_key` SQL runs at most this often. */
  readonly refreshCheckMs?: number;
}

export const DEFAULT_SPEED_LAYER: SpeedLayerSettings = {
  cacheTtlMs: 60_000,
  cacheMaxBytes: 64 * 1024 * 1024,
  staleIfErrorMs: 3_600_000,
  maxConcurrentQueries: 8,
  maxQueuedQueries: 100,
  refreshCheckMs: 10_000,
};

/** Observers for metrics (src/observability). */
export interface SpeedLayerEvents extends LimiterEvents {
  onOutcome?(outcome: CacheOutcome): void;
}

/**
 * The result cache as an engine layer (src/layers/caller-engine.ts puts it right above the loaded
 * engine): one cached engine per loaded engine, shared by every caller (their scopes keep their
 * answers apart), so coalescing and the refresh-key checks are shared too.
 */
export interface CacheLayer {
  wrap(engine: Engine): Engine;
}

export interface SpeedLayer {
  readonly cache: ResultCache;
  readonly limiter: Limiter;
  /** The warehouse behind the concurrency limit. */
  protectWarehouse(warehouse: Warehouse): Warehouse;
  /**
   * The engine behind the result cache and coalescing. With `warehouse`, semantic models'
   * `meta.refresh_key` SQL runs on it to notice new data. After a reload, clear `cache` first
   * (the composition root does: src/server/create-server.ts).
   */
  wrapEngine(engine: Engine, warehouse?: Warehouse): Engine;
  /** `wrapEngine` as a layer: built once per loaded engine, refresh keys checked on `warehouse`. */
  layer(warehouse?: Warehouse): CacheLayer;
}

export function createSpeedLayer(settings: SpeedLayerSettings = DEFAULT_SPEED_LAYER, events: SpeedLayerEvents = {}, shared?: SharedTier): SpeedLayer {
  const cache = createResultCache({ ttlMs: settings.cacheTtlMs, maxBytes: settings.cacheMaxBytes, staleIfErrorMs: settings.staleIfErrorMs });
  const limiter = createLimiter({ maxConcurrent: settings.maxConcurrentQueries, maxQueued: settings.maxQueuedQueries }, events);
  const coalescer = createCoalescer<Answer>();
  const wrapEngine = (engine: Engine, warehouse?: Warehouse): Engine => {
    const keys = warehouse ? refreshKeysOf(engine.definitions) : [];
    const dataVersion = warehouse && keys.length ? createDataVersion({ warehouse, keys, intervalMs: settings.refreshCheckMs ?? 10_000 }) : undefined;
    return createCachedEngine(engine, {
      cache,
      coalescer,
      ...(shared ? { shared } : {}),
      ...(dataVersion ? { dataVersion } : {}),
      ...(events.onOutcome ? { onOutcome: events.onOutcome } : {}),
    });
  };

  const layer = (warehouse?: Warehouse): CacheLayer => {
    // Keyed by the loaded engine: a reload's new engine gets its own (the old one is not kept alive).
    const built = new WeakMap<Engine, Engine>();
    return {
      wrap(engine) {
        let cached = built.get(engine);
        if (!cached) built.set(engine, (cached = wrapEngine(engine, warehouse)));
        return cached;
      },
    };
  };

  return {
    cache,
    limiter,
    protectWarehouse: (warehouse) => limitWarehouse(warehouse, limiter, events),
    wrapEngine,
    layer,
  };
}
