/**
 * URL list parameters for spreadsheet tools: `?metrics=a,b`, `?metrics=a&metrics=b` and a mix all
 * mean the same list. A route's querystring schema declares its list parameters (`withListParams`)
 * and the validator splits them just before validating (`listSplittingValidatorCompiler`), so the
 * schemas can simply say "array of strings".
 */
import type { FastifySchemaCompiler } from 'fastify';

export interface ListParams {
  /** Split on commas. */
  readonly commaLists: readonly string[];
  /** Only wrapped into arrays (filters hold commas). */
  readonly repeated: readonly string[];
}

const declared = new WeakMap<object, ListParams>();

/** Declares the list parameters of a querystring schema; returns the schema itself. */
export function withListParams<S extends object>(schema: S, commaLists: readonly string[], repeated: readonly string[] = []): S {
  const known = declared.get(schema);
  const spec = { commaLists, repeated };
  if (known && JSON.stringify(known) !== JSON.stringify(spec)) {
    throw new Error('a querystring schema is declared with two different sets of list parameters');
  }
  declared.set(schema, spec);
  return schema;
}

/** The list parameters declared for `schema`, if any. */
export function listParamsOf(schema: unknown): ListParams | undefined {
  return schema !== null && typeof schema === 'object' ? declared.get(schema) : undefined;
}

const split = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]));

/** A copy of the parsed URL parameters with the lists split (commas) or wrapped (repeated). */
export function splitListParams(query: unknown, lists: ListParams): unknown {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) return query;
  const fresh: Record<string, unknown> = { ...(query as Record<string, unknown>) };
  for (const key of lists.commaLists) {
    if (fresh[key] === undefined) continue;
    fresh[key] = split(fresh[key])
      .map((s) => (typeof s === 'string' ? s.trim() : s))
      .filter((s) => s !== '');
  }
  for (const key of lists.repeated) {
    if (fresh[key] !== undefined && !Array.isArray(fresh[key])) fresh[key] = [fresh[key]];
  }
  return fresh;
}

/** `compile` whose querystring validators split the declared list parameters first. */
export function listSplittingValidatorCompiler<S>(compile: FastifySchemaCompiler<S>): FastifySchemaCompiler<S> {
  return (route) => {
    const validate = compile(route) as (data: unknown) => unknown;
    const lists = route.httpPart === 'querystring' ? listParamsOf(route.schema) : undefined;
    return (lists ? (data: unknown) => validate(splitListParams(data, lists)) : validate) as ReturnType<FastifySchemaCompiler<S>>;
  };
}
