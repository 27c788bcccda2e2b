/**
 * URL list parameters for spreadsheet tools: `?metrics=a,b`, `?metrics=a&metrics=b` and a mix all
 * mean the same list. Runs before validation, so the schemas can simply say "array of strings".
 */
import type { preValidationAsyncHookHandler } from 'fastify';

const split = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]));

/** `commaLists` are split on commas; `repeated` are only wrapped into arrays (filters hold commas). */
export function listParams(commaLists: readonly string[], repeated: readonly string[] = []): preValidationAsyncHookHandler {
  return async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return;
    for (const key of commaLists) {
      if (query[key] === undefined) continue;
      query[key] = split(query[key])
        .map((s) => (typeof s === 'string' ? s.trim() : s))
        .filter((s) => s !== '');
    }
    for (const key of repeated) {
      if (query[key] !== undefined && !Array.isArray(query[key])) query[key] = [query[key]];
    }
  };
}
