/**
 * Interprets object-syntax calls (`TimeDimension('metric_time', 'week')`, `Entity('customer')`, …)
 * and plain dunder names as group-by item references, and renders them in the dunder form the query
 * model uses (`metric_time__week`, `customer__country`, `order__ordered_at__extract_year`).
 */
import { didYouMean } from '../did-you-mean.js';
import { ObjectSyntaxError, parseObjectCall, type CallValue, type ObjectCall } from './call-parser.js';

/** `any`: a plain dunder string, which may name a dimension, time dimension or entity. */
export type ItemKind = 'dimension' | 'time_dimension' | 'entity' | 'metric' | 'any';

export interface GroupByItemRef {
  readonly kind: ItemKind;
  /** The name as written (lower-cased); may contain entity links and a grain/`extract_` suffix. */
  readonly name: string;
  readonly entityPath: readonly string[];
  readonly grain?: string;
  readonly datePart?: string;
  readonly descending?: boolean;
  /** `Metric(name, group_by=[…])`: the entities it is grouped by. */
  readonly groupBy: readonly string[];
}

interface CallSignature {
  readonly kind: ItemKind;
  /** Parameter names in positional order (after the name). */
  readonly params: readonly string[];
  readonly methods: readonly string[];
}

const SIGNATURES: Record<string, CallSignature> = {
  Dimension: { kind: 'dimension', params: ['entity_path'], methods: ['grain', 'date_part', 'descending'] },
  TimeDimension: {
    kind: 'time_dimension',
    params: ['time_granularity_name', 'entity_path', 'descending', 'date_part_name'],
    methods: ['grain', 'date_part', 'descending'],
  },
  Entity: { kind: 'entity', params: ['entity_path'], methods: ['descending'] },
  Metric: { kind: 'metric', params: ['group_by'], methods: ['descending'] },
};

export const OBJECT_CALLS = Object.keys(SIGNATURES);

/** Is this text object syntax (`Name(…)`) rather than a plain name? */
export function isObjectSyntax(text: string): boolean {
  return /^\s*[A-Za-z_]\w*\s*\(/.test(text);
}

/** Parses a saved-query group_by/order_by entry; throws ObjectSyntaxError when malformed. */
export function parseGroupByItem(text: string): GroupByItemRef {
  if (!isObjectSyntax(text)) return { kind: 'any', name: text.trim().toLowerCase(), entityPath: [], groupBy: [] };
  return interpretObjectCall(parseObjectCall(text));
}

export function interpretObjectCall(call: ObjectCall): GroupByItemRef {
  const sig = SIGNATURES[call.fn];
  if (!sig) throw new ObjectSyntaxError(`unknown call '${call.fn}' (expected ${OBJECT_CALLS.join(', ')})${didYouMean(call.fn, OBJECT_CALLS)}`);
  const [name, ...rest] = call.args;
  if (typeof name !== 'string' || name === '') throw new ObjectSyntaxError(`${call.fn}() needs a quoted name as its first argument`);
  if (rest.length > sig.params.length) throw new ObjectSyntaxError(`${call.fn}() takes at most ${sig.params.length + 1} arguments`);
  const params: Record<string, CallValue> = {};
  rest.forEach((v, i) => (params[sig.params[i]!] = v));
  for (const [key, v] of Object.entries(call.kwargs)) {
    if (!sig.params.includes(key)) throw new ObjectSyntaxError(`${call.fn}() has no argument '${key}'${didYouMean(key, sig.params)}`);
    params[key] = v;
  }
  let grain = optionalString(params['time_granularity_name'], 'time_granularity_name');
  let datePart = optionalString(params['date_part_name'], 'date_part_name');
  let descending = optionalBoolean(params['descending'], 'descending');
  for (const m of call.methods) {
    if (!sig.methods.includes(m.name)) throw new ObjectSyntaxError(`${call.fn}() has no method '${m.name}'${didYouMean(m.name, sig.methods)}`);
    const arg = m.args[0];
    if (m.args.length !== 1 || Object.keys(m.kwargs).length > 0) throw new ObjectSyntaxError(`.${m.name}() takes one argument`);
    if (m.name === 'grain') grain = requiredString(arg, '.grain()');
    else if (m.name === 'date_part') datePart = requiredString(arg, '.date_part()');
    else descending = optionalBoolean(arg, '.descending()') ?? true;
  }
  return {
    kind: sig.kind,
    name: name.toLowerCase(),
    entityPath: stringList(params['entity_path'], 'entity_path'),
    groupBy: stringList(params['group_by'], 'group_by'),
    ...(grain !== undefined && { grain: grain.toLowerCase() }),
    ...(datePart !== undefined && { datePart: datePart.toLowerCase() }),
    ...(descending !== undefined && { descending }),
  };
}

function optionalString(v: CallValue | undefined, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  return requiredString(v, what);
}

function requiredString(v: CallValue | undefined, what: string): string {
  if (typeof v !== 'string') throw new ObjectSyntaxError(`${what} must be a quoted string`);
  return v;
}

function optionalBoolean(v: CallValue | undefined, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ObjectSyntaxError(`${what} must be True or False`);
  return v;
}

function stringList(v: CallValue | undefined, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
    throw new ObjectSyntaxError(`${what} must be a list of quoted names`);
  }
  return v.map((x) => x.toLowerCase());
}

export interface DunderParts {
  readonly links: readonly string[];
  readonly element: string;
  readonly grain?: string;
  readonly datePart?: string;
}

/** Splits `customer__signup_at__month` into links, element and grain (or `extract_<part>`). */
export function splitDunder(name: string, isGrain: (s: string) => boolean): DunderParts {
  const parts = name.toLowerCase().split('__');
  const last = parts[parts.length - 1]!;
  if (parts.length > 1 && isGrain(last)) return { links: parts.slice(0, -2), element: parts[parts.length - 2]!, grain: last };
  const extract = /^extract_(\w+)$/.exec(last);
  if (parts.length > 1 && extract) return { links: parts.slice(0, -2), element: parts[parts.length - 2]!, datePart: extract[1]! };
  return { links: parts.slice(0, -1), element: last };
}

/** The item's name in dunder form; an explicit grain/date part wins over a suffix in the name. */
export function toDunderName(ref: GroupByItemRef, isGrain: (s: string) => boolean): string {
  if (ref.kind === 'metric') return [...ref.groupBy.slice(0, 1), ref.name].join('__');
  const split = splitDunder(ref.name, isGrain);
  const parts = [...ref.entityPath, ...split.links, split.element];
  const datePart = ref.datePart ?? (ref.grain === undefined ? split.datePart : undefined);
  const grain = ref.grain ?? split.grain;
  if (datePart !== undefined) parts.push(`extract_${datePart}`);
  else if (grain !== undefined) parts.push(grain);
  return parts.join('__');
}
