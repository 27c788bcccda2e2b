/** Saved query specs → SavedQueryDef with group_by/order_by in the query model's dunder form. */
import type { SavedQueryDef, SavedQueryOrderBy } from '../model.js';
import { parseGroupByItem, toDunderName } from '../object-syntax/group-by-item.js';
import type { SavedQuerySpec } from '../schema/saved-query.schema.js';
import type { Located } from '../spec-set.js';
import { filterList, ownMeta } from './meta.js';

export function normaliseSavedQuery({ spec, loc }: Located<SavedQuerySpec>, isGrain: (s: string) => boolean): SavedQueryDef {
  const qp = spec.query_params;
  const orderBy = (qp.order_by ?? []).map((text): SavedQueryOrderBy => {
    const ref = parseGroupByItem(text);
    return { name: ref.kind === 'metric' ? ref.name : toDunderName(ref, isGrain), descending: ref.descending ?? false };
  });
  return {
    name: spec.name,
    ...(spec.label !== undefined && { label: spec.label }),
    ...(spec.description !== undefined && { description: spec.description }),
    metrics: (qp.metrics ?? []).map((m) => m.toLowerCase()),
    groupBy: (qp.group_by ?? []).map((text) => toDunderName(parseGroupByItem(text), isGrain)),
    where: filterList(qp.where),
    orderBy,
    ...(qp.limit !== undefined && { limit: qp.limit }),
    tags: spec.tags === undefined ? [] : typeof spec.tags === 'string' ? [spec.tags] : [...spec.tags],
    meta: ownMeta(spec),
    loc,
  };
}
