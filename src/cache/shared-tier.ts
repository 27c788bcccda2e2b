/**
 * Second cache tier in Redis (REDIS_URL), shared by replicas. It is an optimisation only: every
 * call is bounded in time and never throws; while Redis is down queries are answered from memory
 * and the warehouse, the outage is logged once, and ioredis reconnects by itself.
 */
import { Redis } from 'ioredis';
import type { QueryResult } from '../engine/types.js';
import type { CachedEntry } from './result-cache.js';

export interface SharedTier {
  /** The entry, or undefined when absent, unreadable or Redis is unavailable. */
  get(key: string): Promise<CachedEntry | undefined>;
  /** Stores in the background; failures are ignored (logged once per outage). */
  set(key: string, entry: CachedEntry): void;
  close(): Promise<void>;
}

export interface RedisTierOptions {
  readonly url: string;
  /** Keys are `<prefix><sha256>`; default `maatstaf:cache:`. */
  readonly prefix?: string;
  /** How long Redis keeps an entry (fresh + stale-if-error time), ms. */
  readonly keepMs: number;
  /** Per-command bound, ms (default 250): a slow Redis must not slow queries down. */
  readonly commandTimeoutMs?: number;
  readonly log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

interface StoredEntry {
  readonly result: QueryResult;
  readonly storedAt: number;
  readonly dataHash: string;
}

export function createRedisTier(opts: RedisTierOptions): SharedTier {
  const prefix = opts.prefix ?? 'maatstaf:cache:';
  let down = false;
  const redis = new Redis(opts.url, {
    // Fail fast while disconnected instead of queueing commands behind a dead connection.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.commandTimeoutMs ?? 250,
    retryStrategy: (attempt) => Math.min(attempt * 250, 5_000),
    lazyConnect: false,
  });
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    opts.log?.warn({ err: err.message }, 'redis cache tier unavailable; serving from memory and the warehouse');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    opts.log?.info({}, 'redis cache tier available again');
  });

  return {
    async get(key) {
      if (redis.status !== 'ready') return undefined;
      try {
        const text = await redis.get(prefix + key);
        if (!text) return undefined;
        const stored = JSON.parse(text) as StoredEntry;
        return typeof stored.storedAt === 'number' && stored.result?.meta ? stored : undefined;
      } catch {
        return undefined;
      }
    },
    set(key, entry) {
      if (redis.status !== 'ready') return;
      const stored: StoredEntry = { result: { columns: entry.result.columns, rows: entry.result.rows, meta: entry.result.meta }, storedAt: entry.storedAt, dataHash: entry.dataHash };
      redis.set(prefix + key, JSON.stringify(stored), 'PX', Math.max(1, opts.keepMs)).catch(() => {});
    },
    async close() {
      redis.disconnect();
    },
  };
}
