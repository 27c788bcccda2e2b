/**
 * URL list parameters for spreadsheet tools: `?metrics=a,b`, `?metrics=a&metrics=b` and a mix all
 * mean the same list. Runs before validation, so the schemas can simply say "array of strings".
 * The result is a frozen object per parsed query string (src/server/querystring.ts hands out one
 * per repeated URL): a repeated URL is split once and then validated from memory.
 */
import type { preValidationHookHandler } from 'fastify';
import { freezeInput, isFrozenInput } from '../../core/frozen-input.js';

const split = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]));

/** `commaLists` are split on commas; `repeated` are only wrapped into arrays (filters hold commas). */
export function listParams(commaLists: readonly string[], repeated: readonly string[] = []): preValidationHookHandler {
  // The URL parser hands out one frozen object per repeated query string (src/server/querystring.ts):
  // its lists are split once and then found by identity.
  const byParsed = new WeakMap<object, Record<string, unknown>>();
  // Synchronous (callback style): it runs on every GET of a result.
  return (request, _reply, done) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return done();
    const parsed = isFrozenInput(query) ? query : undefined;
    let lists = parsed && byParsed.get(parsed);
    if (!lists) {
      const fresh: Record<string, unknown> = { ...query };
      for (const key of commaLists) {
        if (fresh[key] === undefined) continue;
        fresh[key] = split(fresh[key])
          .map((s) => (typeof s === 'string' ? s.trim() : s))
          .filter((s) => s !== '');
      }
      for (const key of repeated) {
        if (fresh[key] !== undefined && !Array.isArray(fresh[key])) fresh[key] = [fresh[key]];
      }
      lists = freezeInput(fresh);
      if (parsed) byParsed.set(parsed, lists);
    }
    request.query = lists;
    done();
  };
}
