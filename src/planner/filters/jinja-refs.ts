/**
 * Turns a parsed Jinja call into a typed FilterRef, binding arguments the way Python would
 * (positional, then keyword) against MetricFlow's signatures:
 *   Dimension(name, entity_path=[])                .grain(g) .date_part(p)
 *   TimeDimension(time_dimension_name, time_granularity_name=None, entity_path=[],
 *                 descending=None, date_part_name=None)  .grain(g) .date_part(p)
 *   Entity(entity_name, entity_path=[])
 *   Metric(metric_name, group_by=[...])            group_by required, exactly one item
 * Whether the named items exist is decided later, by resolution against the definitions.
 */
import { suggest } from '../../core/suggest.js';
import { DATE_PARTS, TIME_GRAINS, isTimeGrain } from '../../core/time.js';
import { FilterProblem, quoteFragment } from './filter-problem.js';
import type { FilterRef } from './filter-tree.js';
import type { CallArgs, CallValue, ObjectCall } from '../../definitions/object-syntax/call-parser.js';

interface Signature {
  /** Parameter names in positional order; the first one is the item's name. */
  readonly params: readonly string[];
  readonly methods: readonly string[];
}

const SIGNATURES: Readonly<Record<string, Signature>> = {
  Dimension: { params: ['name', 'entity_path'], methods: ['grain', 'date_part'] },
  TimeDimension: {
    params: ['time_dimension_name', 'time_granularity_name', 'entity_path', 'descending', 'date_part_name'],
    methods: ['grain', 'date_part'],
  },
  Entity: { params: ['entity_name', 'entity_path'], methods: [] },
  Metric: { params: ['metric_name', 'group_by'], methods: [] },
};

/** The Jinja call names a filter may use. */
export const JINJA_CALL_NAMES: readonly string[] = Object.keys(SIGNATURES);

/** MetricFlow's dunder-name shape (spec 3.2), allowing one-letter names. */
const DUNDER_NAME = /^[a-z]([a-z0-9_]*[a-z0-9])?$/;
const GRAIN_NAME = /^[a-z][a-z0-9_]*$/;
/** Date parts MetricFlow accepts (`week` exists only as an output name). */
const FILTER_DATE_PARTS: readonly string[] = DATE_PARTS.filter((p) => p !== 'week');
const DESCENDING_ERROR = "'descending' is not allowed in filters (it only applies to order_by)";

function bind(callee: string, sig: Signature, args: CallArgs): Map<string, CallValue> {
  const bound = new Map<string, CallValue>();
  if (args.args.length > sig.params.length) {
    throw new FilterProblem(`${callee}() takes at most ${sig.params.length} arguments (${args.args.length} given)`);
  }
  args.args.forEach((v, i) => bound.set(sig.params[i]!, v));
  for (const [name, value] of Object.entries(args.kwargs)) {
    // `name=` is accepted for the first parameter of every call, as MetricFlow's factories name it differently.
    const param = name === 'name' ? sig.params[0]! : name;
    if (!sig.params.includes(param)) {
      throw new FilterProblem(`${callee}() has no argument '${name}'`, { offending: name, suggestions: suggest(name, sig.params) });
    }
    if (bound.has(param)) throw new FilterProblem(`${callee}() got more than one value for '${param}'`);
    bound.set(param, value);
  }
  return bound;
}

function stringArg(callee: string, param: string, v: CallValue | undefined, required: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw new FilterProblem(`${callee}() needs '${param}', e.g. {{ Dimension('customer__country') }}`);
    return undefined;
  }
  if (typeof v !== 'string') throw new FilterProblem(`${callee}(): '${param}' must be a quoted string`);
  return v.toLowerCase();
}

/** A list or tuple of names (Jinja allows either where MetricFlow expects a sequence). */
function listArg(callee: string, param: string, v: CallValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new FilterProblem(`${callee}(): '${param}' must be a list of quoted names, e.g. ${param}=['order']`);
  return (v as readonly CallValue[]).map((item) => {
    if (typeof item !== 'string') throw new FilterProblem(`${callee}(): '${param}' must be a list of quoted names`);
    return checkName(callee, item.toLowerCase());
  });
}

function checkName(callee: string, name: string): string {
  if (!DUNDER_NAME.test(name)) {
    throw new FilterProblem(
      `${callee}(): ${quoteFragment(name)} is not a valid name (lower-case letters, digits and underscores, such as 'customer__country')`,
      { offending: name },
    );
  }
  return name;
}

function checkGrain(callee: string, grain: string): string {
  if (!GRAIN_NAME.test(grain)) {
    throw new FilterProblem(`${callee}(): ${quoteFragment(grain)} is not a valid time grain`, {
      offending: grain,
      suggestions: suggest(grain, TIME_GRAINS),
    });
  }
  return grain;
}

function checkDatePart(callee: string, part: string): string {
  if (!FILTER_DATE_PARTS.includes(part)) {
    throw new FilterProblem(`${callee}(): ${quoteFragment(part)} is not a date part (allowed: ${FILTER_DATE_PARTS.join(', ')})`, {
      offending: part,
      suggestions: suggest(part, FILTER_DATE_PARTS),
    });
  }
  return part;
}

/** MetricFlow's rule: `entity__dimension` (one entity link) unless the element is metric_time; a grain suffix may follow. */
function checkDimensionName(callee: string, name: string, grain: string | undefined): void {
  const parts = name.split('__');
  const suffix = parts.length > 1 && isTimeGrain(parts.at(-1)!) ? parts.pop() : undefined;
  if (parts.at(-1) !== 'metric_time' && parts.length !== 2) {
    throw new FilterProblem(
      `${callee}(): ${quoteFragment(name)} must have the form <entity>__<dimension>, e.g. 'customer__country' (or be metric_time)`,
      { offending: name },
    );
  }
  if (suffix !== undefined && grain !== undefined && grain !== suffix) {
    throw new FilterProblem(
      `${callee}(): the name ${quoteFragment(name)} ends in grain '${suffix}' but grain '${grain}' was also given; remove the suffix`,
      { offending: name },
    );
  }
}

/** Applies `.grain(...)` / `.date_part(...)` to the grain/date part from the arguments. */
function applyMethods(call: ObjectCall, sig: Signature, start: { grain?: string; datePart?: string }): { grain?: string; datePart?: string } {
  let { grain, datePart } = start;
  for (const method of call.methods) {
    if (method.name === 'descending') throw new FilterProblem(DESCENDING_ERROR);
    if (!sig.methods.includes(method.name)) {
      const allowed = sig.methods.length ? `; allowed: ${sig.methods.map((m) => `.${m}()`).join(', ')}` : '';
      throw new FilterProblem(`${call.fn}() has no method '.${method.name}()'${allowed}`, {
        offending: method.name,
        suggestions: suggest(method.name, sig.methods),
      });
    }
    const param = method.name === 'grain' ? 'time_granularity' : 'date_part_name';
    const value = stringArg(`.${method.name}`, param, bind(`.${method.name}`, { params: [param], methods: [] }, method).get(param), true)!;
    if (method.name === 'grain') {
      if (grain !== undefined) throw new FilterProblem(`${call.fn}(): the grain was already set`);
      grain = checkGrain(call.fn, value);
    } else {
      if (datePart !== undefined) throw new FilterProblem(`${call.fn}(): the date part was already set`);
      datePart = checkDatePart(call.fn, value);
    }
  }
  return { ...(grain !== undefined ? { grain } : {}), ...(datePart !== undefined ? { datePart } : {}) };
}

/** Converts one parsed call into a FilterRef, or throws a FilterProblem that says what is wrong. */
export function toFilterRef(call: ObjectCall): FilterRef {
  const sig = SIGNATURES[call.fn];
  if (sig === undefined || !Object.hasOwn(SIGNATURES, call.fn)) {
    throw new FilterProblem(`unknown Jinja call '${call.fn}' (allowed: ${JINJA_CALL_NAMES.join(', ')})`, {
      offending: call.fn,
      suggestions: suggest(call.fn, JINJA_CALL_NAMES),
    });
  }
  const args = bind(call.fn, sig, call);
  const name = checkName(call.fn, stringArg(call.fn, sig.params[0]!, args.get(sig.params[0]!), true)!);
  const descending = args.get('descending');
  if (descending !== undefined && descending !== null) throw new FilterProblem(DESCENDING_ERROR);

  switch (call.fn) {
    case 'Dimension':
    case 'TimeDimension': {
      const grainArg = stringArg(call.fn, 'time_granularity_name', args.get('time_granularity_name'), false);
      const partArg = stringArg(call.fn, 'date_part_name', args.get('date_part_name'), false);
      const extra = applyMethods(call, sig, {
        ...(grainArg !== undefined ? { grain: checkGrain(call.fn, grainArg) } : {}),
        ...(partArg !== undefined ? { datePart: checkDatePart(call.fn, partArg) } : {}),
      });
      checkDimensionName(call.fn, name, extra.grain);
      const kind = call.fn === 'Dimension' ? 'dimension' : 'time_dimension';
      return { kind, name, entityPath: listArg(call.fn, 'entity_path', args.get('entity_path')), ...extra };
    }
    case 'Entity': {
      applyMethods(call, sig, {});
      const last = name.split('__').at(-1)!;
      if (name.includes('__') && isTimeGrain(last)) {
        throw new FilterProblem(`Entity(): ${quoteFragment(name)} must not end in a time grain`, { offending: name });
      }
      return { kind: 'entity', name, entityPath: listArg(call.fn, 'entity_path', args.get('entity_path')) };
    }
    case 'Metric': {
      applyMethods(call, sig, {});
      const groupBy = listArg(call.fn, 'group_by', args.get('group_by'));
      if (groupBy.length !== 1) {
        throw new FilterProblem(
          `Metric(): group_by must name exactly one entity, e.g. {{ Metric('${name}', group_by=['customer']) }}`,
          { offending: name },
        );
      }
      return { kind: 'metric', name, groupBy };
    }
    default:
      throw new FilterProblem(`unknown Jinja call '${call.fn}'`);
  }
}
