/**
 * Memoisation by the JSON text of an input, for pure per-query work that is costly (access check
 * with name resolution, classification by the compiled plan, cache key): a dashboard sends the same
 * few queries over and over, and each should cost that work once. Only plain JSON input (what
 * JSON.parse makes) is remembered, so the text stands for exactly that input; failures (throws)
 * are never remembered.
 */
import { LRUCache } from 'lru-cache';

/** Strings, finite numbers, booleans, null, arrays and plain objects of those. */
export function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const v of Object.values(value)) if (v !== undefined && !isPlainJson(v)) return false;
  return true;
}

export interface JsonMemo<O> {
  /** `compute()` once per distinct (`prefix`, input); `prefix` separates contexts (versions, scopes). */
  get(prefix: string, input: unknown, compute: () => O): O;
}

/** A memo bounded by the characters of its keys (values are assumed small). */
export function createJsonMemo<O extends NonNullable<unknown>>(maxChars = 4 * 1024 * 1024): JsonMemo<O> {
  const lru = new LRUCache<string, O>({ maxSize: maxChars, sizeCalculation: (_value, key) => key.length + 64 });
  return {
    get(prefix, input, compute) {
      const text = isPlainJson(input) ? `${prefix}\u0000${JSON.stringify(input)}` : undefined;
      let value = text === undefined ? undefined : lru.get(text);
      if (value === undefined) {
        value = compute();
        if (text !== undefined) lru.set(text, value);
      }
      return value;
    },
  };
}
