/**
 * In-process result cache: an LRU bounded in bytes (size = JSON length of the result). An entry
 * is fresh for `ttlMs`; after that it is kept (while room allows) for `staleIfErrorMs` more, to
 * answer when the warehouse fails (stale-if-error).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { QueryResult } from '../engine/types.js';

export interface ResultCacheOptions {
  /** Fresh lifetime in ms; 0 disables the cache. */
  readonly ttlMs: number;
  /** Byte bound over all entries; 0 disables the cache. */
  readonly maxBytes: number;
  /** How long after expiry an entry may still answer while the warehouse fails; 0 = never. */
  readonly staleIfErrorMs: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

export interface CachedEntry {
  readonly result: QueryResult;
  readonly storedAt: number;
  /** sha256 of the rows (first 16 hex): part of the ETag. */
  readonly dataHash: string;
}

export type Lookup =
  | { readonly kind: 'fresh'; readonly entry: CachedEntry }
  | { readonly kind: 'expired'; readonly entry: CachedEntry }
  | { readonly kind: 'absent' };

export interface ResultCache {
  readonly enabled: boolean;
  readonly ttlMs: number;
  get(key: string): Lookup;
  set(key: string, result: QueryResult): CachedEntry | undefined;
  /** Stores an entry made elsewhere (the shared tier), keeping its age. */
  put(key: string, entry: CachedEntry): void;
  clear(): void;
  /** Entries and bytes held (fresh and expired). */
  stats(): { readonly entries: number; readonly bytes: number };
}

export function createResultCache(opts: ResultCacheOptions): ResultCache {
  const now = opts.now ?? Date.now;
  const enabled = opts.ttlMs > 0 && opts.maxBytes > 0;
  // Bounded by size only: freshness (fresh, stale-if-error, gone) is decided here from storedAt, and
  // an entry past both windows is dropped when next looked up (lru-cache's own TTL would check the
  // clock a second time on every hit).
  const lru = enabled ? new LRUCache<string, CachedEntry>({ maxSize: opts.maxBytes }) : undefined;

  return {
    enabled,
    ttlMs: opts.ttlMs,
    get(key) {
      const entry = lru?.get(key);
      if (!entry) return { kind: 'absent' };
      const age = now() - entry.storedAt;
      if (age >= opts.ttlMs + Math.max(0, opts.staleIfErrorMs)) {
        lru?.delete(key);
        return { kind: 'absent' };
      }
      return age < opts.ttlMs ? { kind: 'fresh', entry } : { kind: 'expired', entry };
    },
    set(key, result) {
      if (!lru) return undefined;
      const rowsJson = JSON.stringify(result.rows);
      const size = rowsJson.length + JSON.stringify(result.columns).length + 200;
      // Larger than the whole cache: not cached (lru-cache would refuse it anyway).
      if (size > opts.maxBytes) return undefined;
      const entry: CachedEntry = { result, storedAt: now(), dataHash: createHash('sha256').update(rowsJson).digest('hex').slice(0, 16) };
      lru.set(key, entry, { size });
      return entry;
    },
    put(key, entry) {
      if (!lru) return;
      const size = JSON.stringify(entry.result.rows).length + JSON.stringify(entry.result.columns).length + 200;
      if (size <= opts.maxBytes) lru.set(key, entry, { size });
    },
    clear() {
      lru?.clear();
    },
    stats() {
      return { entries: lru?.size ?? 0, bytes: lru?.calculatedSize ?? 0 };
    },
  };
}
