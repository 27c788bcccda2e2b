/**
 * Spec 2, rules 5–6: an element name means the same kind of thing everywhere, same-named dimensions
 * agree on type and is_partition, and (primary entity, dimension) pairs are unique, which is what
 * makes `customer__country` unambiguous.
 */
import type { SemanticModelSpec } from '../schema/semantic-model.schema.js';
import type { Rule } from './context.js';
import { elementIndex } from '../spec-set.js';

type Kind = 'entity' | 'dimension' | 'measure';

interface Seen {
  readonly kind: Kind;
  readonly model: string;
  readonly type?: string;
  readonly isPartition?: boolean;
}

/** The model's primary entity: the `type: primary` entity, else `primary_entity`. */
export function primaryEntityOf(spec: SemanticModelSpec): string | undefined {
  return spec.entities?.find((e) => e.type.toLowerCase() === 'primary')?.name ?? spec.primary_entity;
}

export const elementConsistencyRule: Rule = (ctx) => {
  const seen = new Map<string, Seen>();
  const pairs = new Map<string, string>();
  for (const { spec, loc } of ctx.index.specs.semanticModels) {
    const visit = (kind: Kind, list: 'entities' | 'dimensions' | 'measures') =>
      spec[list]?.forEach((el, i) => {
        const sub = `${list}[${elementIndex(el, i)}]`;
        const prev = seen.get(el.name);
        const type = kind === 'dimension' ? (el as { type: string }).type.toLowerCase() : undefined;
        const isPartition = kind === 'dimension' ? Boolean((el as { is_partition?: boolean }).is_partition) : undefined;
        if (!prev) {
          seen.set(el.name, { kind, model: spec.name, ...(type !== undefined && { type }), ...(isPartition !== undefined && { isPartition }) });
          return;
        }
        if (prev.kind !== kind) {
          ctx.error(loc, `${sub}.name`, `'${el.name}' is ${article(kind)} here but ${article(prev.kind)} in semantic model '${prev.model}'`);
        } else if (kind === 'dimension' && prev.type !== type) {
          ctx.error(loc, `${sub}.type`, `dimension '${el.name}' is ${type} here but ${prev.type} in semantic model '${prev.model}'`);
        } else if (kind === 'dimension' && prev.isPartition !== isPartition) {
          ctx.error(loc, `${sub}.is_partition`, `dimension '${el.name}' must have the same is_partition as in semantic model '${prev.model}'`);
        }
      });
    visit('entity', 'entities');
    visit('dimension', 'dimensions');
    visit('measure', 'measures');

    const primary = primaryEntityOf(spec);
    if (primary === undefined) continue;
    spec.dimensions?.forEach((d, i) => {
      const key = `${primary}__${d.name}`;
      const other = pairs.get(key);
      if (other !== undefined && other !== spec.name) {
        ctx.error(loc, `dimensions[${elementIndex(d, i)}].name`, `'${key}' is also defined by semantic model '${other}' (same primary entity and dimension name)`);
      } else pairs.set(key, spec.name);
    });
  }
};

function article(kind: Kind): string {
  return kind === 'entity' ? 'an entity' : `a ${kind}`;
}
