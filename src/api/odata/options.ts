/**
 * The system query options of an entity-set request, parsed (with @odata/parser where the syntax
 * is OData's own) and checked against the entity set. Every option is either understood or
 * refused: unsupported ones ($apply, $expand, $search, …) are 501, unknown ones 400.
 */
import { defaultParser } from '@odata/parser';
import { MaatstafError } from '../../core/errors.js';
import { suggest } from '../../core/suggest.js';
import type { ODataEntitySet } from './entity-sets.js';
import { notImplemented } from './filter.js';

export interface ODataOrder {
  readonly name: string;
  readonly descending: boolean;
}

export interface ODataOptions {
  /** Properties asked for, in the order asked; undefined = all. */
  readonly select?: readonly string[];
  readonly filter?: string;
  readonly orderBy: readonly ODataOrder[];
  readonly top?: number;
  readonly skip: number;
  readonly count: boolean;
  readonly skipToken?: string;
}

const SUPPORTED = new Set(['$select', '$filter', '$orderby', '$top', '$skip', '$count', '$skiptoken', '$format']);
/** OData options this read-only, flat service does not implement: 501, never ignored. */
const NOT_IMPLEMENTED = new Set(['$apply', '$expand', '$search', '$compute', '$levels', '$index', '$deltatoken', '$schemaversion', '$id', '$batch']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_SKIP = 100_000_000;

const invalid = (message: string, name: string, suggestions: readonly string[] = []): MaatstafError =>
  new MaatstafError('INVALID_QUERY', message, { name, path: name, ...(suggestions.length ? { suggestions } : {}) });

/** One value per option: a repeated option is ambiguous. */
function single(query: Record<string, unknown>, key: string): string | undefined {
  const v = query[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`${key} is given more than once`, key);
  return v;
}

/** Checks the option names of a request; `allowed` limits them further ($count, service document). */
export function checkOptionNames(query: Record<string, unknown>, allowed: ReadonlySet<string> = SUPPORTED): void {
  for (const key of Object.keys(query)) {
    const lower = key.toLowerCase();
    if (NOT_IMPLEMENTED.has(lower)) throw notImplemented(`the query option ${key}`, key);
    if (!allowed.has(lower) || lower !== key) {
      const known = [...allowed];
      throw invalid(`unknown or unsupported query option '${key}' here${lower !== key && allowed.has(lower) ? ` (options are lower case: ${lower})` : ''}`, key, suggest(key, known));
    }
  }
  const format = single(query, '$format');
  if (format !== undefined && !/^(json|application\/json(;.*)?)$/i.test(format)) throw notImplemented(`$format=${format} (only json)`, '$format');
}

function count(text: string | undefined, key: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) > max) throw invalid(`${key} must be a whole number from 0 to ${max}, got '${text}'`, key);
  return Number(text);
}

function property(set: ODataEntitySet, name: string, option: string): string {
  if (!IDENTIFIER.test(name)) throw notImplemented(`the ${option} item '${name}' (plain property names only)`, name);
  if (!set.properties.some((p) => p.name === name)) {
    throw invalid(`unknown property '${name}' of ${set.name} in ${option}`, name, suggest(name, set.properties.map((p) => p.name)));
  }
  return name;
}

type Item = { raw: string; value?: { expr?: { raw: string }; direction?: number } };

function parseList(option: string, text: string): Item[] {
  try {
    const q = defaultParser.query(`${option}=${text}`) as unknown as { value: { options: { value: { items: Item[] } }[] } };
    return q.value.options[0]!.value.items;
  } catch {
    throw invalid(`${option} is not valid OData: ${text.slice(0, 200)}`, option);
  }
}

function parseSelect(set: ODataEntitySet, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = parseList('$select', text).map((i) => i.raw.trim());
  if (items.includes('*')) {
    if (items.length > 1) throw invalid('$select=* cannot be combined with other items', '$select');
    return undefined;
  }
  const names = items.map((n) => property(set, n, '$select'));
  return [...new Set(names)];
}

function parseOrderBy(set: ODataEntitySet, text: string | undefined): ODataOrder[] {
  if (text === undefined) return [];
  const seen = new Set<string>();
  return parseList('$orderby', text).flatMap((item) => {
    const name = property(set, (item.value?.expr?.raw ?? item.raw).trim(), '$orderby');
    if (seen.has(name)) return [];
    seen.add(name);
    return [{ name, descending: item.value?.direction === -1 }];
  });
}

/** The options of `GET /odata/{set}` (filter text is translated later, with the time zone). */
export function parseOptions(set: ODataEntitySet, query: Record<string, unknown>): ODataOptions {
  checkOptionNames(query);
  const countText = single(query, '$count');
  if (countText !== undefined && countText !== 'true' && countText !== 'false') throw invalid(`$count must be true or false, got '${countText}'`, '$count');
  const select = parseSelect(set, single(query, '$select'));
  const filter = single(query, '$filter');
  const top = count(single(query, '$top'), '$top', MAX_SKIP);
  const skipToken = single(query, '$skiptoken');
  return {
    ...(select ? { select } : {}),
    ...(filter !== undefined ? { filter } : {}),
    orderBy: parseOrderBy(set, single(query, '$orderby')),
    ...(top !== undefined ? { top } : {}),
    skip: count(single(query, '$skip'), '$skip', MAX_SKIP) ?? 0,
    count: countText === 'true',
    ...(skipToken !== undefined ? { skipToken } : {}),
  };
}
