/**
 * Static cost and depth of an operation, computed before it runs. Cost: each field costs 1, fields that run a
 * warehouse query or compile one cost more, and a list field multiplies the cost of what is
 * selected inside it (we cannot know its length before running, so it counts as LIST_FACTOR items).
 * Introspection fields are free: graphql-js' MaxIntrospectionDepthRule bounds them.
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql/index.js';

/** Cost hints a field carries in its `extensions.cost`. */
export interface FieldCost {
  /** The field's own cost; default 1. */
  readonly cost?: number;
  /** Multiplier for the cost of the selections inside the field; default 1. */
  readonly listFactor?: number;
}

/** Runs one SQL query on the warehouse. */
export const RUNS_QUERY_COST = 100;
/** Compiles SQL without running it. */
export const COMPILES_COST = 10;
/** Assumed length of a list. */
export const LIST_FACTOR = 10;

/** `extensions` for a field definition. */
export function costHint(hint: FieldCost): { readonly cost: FieldCost } {
  return { cost: hint };
}

export const RUNS_QUERY = costHint({ cost: RUNS_QUERY_COST });
export const COMPILES = costHint({ cost: COMPILES_COST });
export const LIST = costHint({ listFactor: LIST_FACTOR });

function hintOf(field: GraphQLField<unknown, unknown>): Required<FieldCost> {
  const hint = (field.extensions as { cost?: FieldCost } | undefined)?.cost;
  return { cost: hint?.cost ?? 1, listFactor: hint?.listFactor ?? 1 };
}

export interface OperationSize {
  readonly cost: number;
  /** Deepest field nesting (root fields are depth 1), introspection not counted. */
  readonly depth: number;
}

/**
 * Cost and depth of a selection set. Each fragment is measured once and reused, so fragments
 * spread many times cannot make this check itself slow; fragment cycles (invalid anyway) count 0.
 */
export function measureSelections(context: ValidationContext, selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined): OperationSize {
  const fragments = new Map<string, OperationSize>();
  const inProgress = new Set<string>();

  const measure = (set: SelectionSetNode, type: GraphQLNamedType | undefined): OperationSize => {
    let cost = 0;
    let depth = 0;
    for (const selection of set.selections) {
      switch (selection.kind) {
        case 'Field': {
          if (selection.name.value.startsWith('__')) break;
          const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : undefined;
          if (!field) break; // unknown fields are reported by the standard rules
          const hint = hintOf(field as GraphQLField<unknown, unknown>);
          const inner = selection.selectionSet ? measure(selection.selectionSet, getNamedType(field.type)) : { cost: 0, depth: 0 };
          cost += hint.cost + hint.listFactor * inner.cost;
          depth = Math.max(depth, 1 + inner.depth);
          break;
        }
        case 'InlineFragment': {
          const inner = measure(selection.selectionSet, selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) : type);
          cost += inner.cost;
          depth = Math.max(depth, inner.depth);
          break;
        }
        case 'FragmentSpread': {
          const inner = fragment(selection.name.value);
          cost += inner.cost;
          depth = Math.max(depth, inner.depth);
          break;
        }
      }
    }
    return { cost, depth };
  };

  const fragment = (name: string): OperationSize => {
    const known = fragments.get(name);
    if (known) return known;
    const def = context.getFragment(name);
    if (!def || inProgress.has(name)) return { cost: 0, depth: 0 };
    inProgress.add(name);
    const size = measure(def.selectionSet, context.getSchema().getType(def.typeCondition.name.value));
    inProgress.delete(name);
    fragments.set(name, size);
    return size;
  };

  return measure(selectionSet, parent);
}
