/** Spec 2, rules 2–3: reserved names and SQL keywords. (Rule 1, name syntax, is in the schemas.) */
import { TIME_GRAINS } from '../../core/time.js';
import { parseRef } from '../normalise/relation.js';
import type { Rule } from './context.js';
import { elementIndex } from '../spec-set.js';

const RESERVED_NAMES = new Set<string>([...TIME_GRAINS, 'metric_time', 'mf_internal_uuid']);

const SQL_KEYWORDS = new Set([
  'and', 'as', 'create', 'distinct', 'for', 'from', 'full', 'having', 'in', 'inner', 'into', 'is', 'join',
  'left', 'like', 'natural', 'not', 'null', 'on', 'or', 'right', 'select', 'union', 'using', 'where', 'with',
]);

export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

const reservedMessage = (what: string, name: string) =>
  `${what} name '${name}' is reserved (time grain names, metric_time and mf_internal_uuid cannot be used as names)`;

export const reservedNamesRule: Rule = (ctx) => {
  const { specs } = ctx.index;
  for (const { spec, loc } of specs.semanticModels) {
    if (isReservedName(spec.name)) ctx.error(loc, 'name', reservedMessage('semantic model', spec.name));
    const parts = spec.node_relation
      ? [spec.node_relation.database, spec.node_relation.schema_name, spec.node_relation.alias]
      : [spec.model === undefined ? undefined : parseRef(spec.model)?.alias];
    for (const part of parts) {
      if (part !== undefined && SQL_KEYWORDS.has(part.toLowerCase())) {
        ctx.error(loc, spec.node_relation ? 'node_relation' : 'model', `relation name part '${part}' is a reserved SQL keyword`);
      }
    }
    for (const [list, what] of [['entities', 'entity'], ['dimensions', 'dimension'], ['measures', 'measure']] as const) {
      spec[list]?.forEach((el, i) => {
        const sub = `${list}[${elementIndex(el, i)}].name`;
        if (isReservedName(el.name)) ctx.error(loc, sub, reservedMessage(what, el.name));
        else if (SQL_KEYWORDS.has(el.name)) ctx.error(loc, sub, `${what} name '${el.name}' is a reserved SQL keyword`);
      });
    }
  }
  for (const { spec, loc } of specs.metrics) if (isReservedName(spec.name)) ctx.error(loc, 'name', reservedMessage('metric', spec.name));
  for (const { spec, loc } of specs.savedQueries) {
    if (isReservedName(spec.name)) ctx.error(loc, 'name', reservedMessage('saved query', spec.name));
  }
  for (const [name, loc] of ctx.index.customGrains) {
    if (isReservedName(name)) ctx.error(loc, 'name', reservedMessage('custom granularity', name));
  }
};
