/**
 * The canonical cache key of a query: two requests share a cached answer only when they would
 * get the same rows from the same definitions for the same caller.
 */
import { createHash } from 'node:crypto';
import { normaliseQuery, type MetricQueryInput, type RowRule } from '../core/query.js';
import { parseQuery } from '../engine/engine.js';
import { createJsonMemo } from '../core/json-memo.js';

/** Access scope of callers without one (a later access-control issue fills it per caller). */
export const PUBLIC_SCOPE = 'public';

/**
 * sha256 (hex) of the normalised query, the definitions version, the caller's access scope and the
 * row rule access adds. Throws INVALID_QUERY (like the engine) when the query does not validate.
 */
export function queryCacheKey(input: MetricQueryInput, definitionsVersion: string, scope: string = PUBLIC_SCOPE, rowRule?: RowRule): string {
  const rule = rowRule?.filter ?? '';
  // Cache hits are the hot path: a query seen before skips validation, normalising and hashing.
  return recentKeys.get(memoPrefix(definitionsVersion, rule ? `${scope}\u0000${rule}` : scope), input, () =>
    createHash('sha256')
      .update(JSON.stringify([definitionsVersion, scope, normaliseQuery(parseQuery(input)), ...(rule ? [rule] : [])]))
      .digest('hex'),
  );
}

const recentKeys = createJsonMemo<string>();

// One prefix string per (version, scope): a string built per request is hashed anew at every lookup.
const prefixes = new Map<string, Map<string, string>>();
function memoPrefix(definitionsVersion: string, scope: string): string {
  let byScope = prefixes.get(definitionsVersion);
  if (!byScope) {
    if (prefixes.size >= 64) prefixes.clear();
    prefixes.set(definitionsVersion, (byScope = new Map()));
  }
  let prefix = byScope.get(scope);
  if (prefix === undefined) {
    if (byScope.size >= 1024) byScope.clear();
    byScope.set(scope, (prefix = `${definitionsVersion}\u0000${scope}`));
  }
  return prefix;
}
