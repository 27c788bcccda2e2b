/**
 * URL list parameters for spreadsheet tools: `?metrics=a,b`, `?metrics=a&metrics=b` and a mix all
 * mean the same list. Runs before validation, so the schemas can simply say "array of strings".
 * The result is a new, frozen object per distinct query string (request-memo.ts): a repeated URL
 * is split once and then validated from memory.
 */
import type { preValidationHookHandler } from 'fastify';
import { createTextMemo } from './request-memo.js';

const split = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]));

/** `commaLists` are split on commas; `repeated` are only wrapped into arrays (filters hold commas). */
export function listParams(commaLists: readonly string[], repeated: readonly string[] = []): preValidationHookHandler {
  const seen = createTextMemo<Record<string, unknown>>();
  // Synchronous (callback style): it runs on every GET of a result.
  return (request, _reply, done) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return done();
    const at = request.url.indexOf('?');
    const text = at < 0 ? '' : request.url.slice(at + 1);
    const known = seen.get(text);
    if (known) {
      request.query = known;
      return done();
    }
    const lists: Record<string, unknown> = { ...query };
    for (const key of commaLists) {
      if (lists[key] === undefined) continue;
      lists[key] = split(lists[key])
        .map((s) => (typeof s === 'string' ? s.trim() : s))
        .filter((s) => s !== '');
    }
    for (const key of repeated) {
      if (lists[key] !== undefined && !Array.isArray(lists[key])) lists[key] = [lists[key]];
    }
    request.query = seen.remember(text, lists);
    done();
  };
}
