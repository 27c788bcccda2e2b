/**
 * Which elements can be reached from a semantic model's rows (spec 3.3): its own elements (under
 * its linkable-entity prefixes), and elements of other models joined along same-named entities,
 * at most two links deep. Every entry records the join path so the planner can build it.
 */
import type { DimensionDef, EntityDef } from '../definitions/model.js';
import type { TimeGrain } from '../core/time.js';
import { specKey, type ElementSpec } from './item-spec.js';
import { canJoin } from './join-rules.js';
import type { ModelNode } from './model-node.js';

/** MetricFlow's MAX_JOIN_HOPS: at most two entity links in a joined item's name. */
export const MAX_JOIN_HOPS = 2;

/** One join: through `entity` into `model`. */
export interface JoinHop {
  readonly entity: string;
  readonly model: string;
}

export interface ReachableElement {
  readonly spec: ElementSpec;
  /** `specKey(spec)`. */
  readonly key: string;
  /** The model that owns the element. */
  readonly owner: string;
  /** Joins from the left model to the owner; empty for the left model's own elements. */
  readonly hops: readonly JoinHop[];
  /** Base grain of a time dimension. */
  readonly baseGrain?: TimeGrain;
}

export interface ModelLookup {
  readonly models: ReadonlyMap<string, ModelNode>;
  /** Models holding an entity of this name, sorted by model name. */
  modelsWithEntity(entity: string): readonly ModelNode[];
}

function dimensionElement(owner: string, links: readonly string[], d: DimensionDef, hops: readonly JoinHop[]): ReachableElement {
  const spec: ElementSpec = { kind: d.type === 'time' ? 'time_dimension' : 'dimension', links, element: d.name };
  return { spec, key: specKey(spec), owner, hops, ...(d.type === 'time' && d.grain ? { baseGrain: d.grain } : {}) };
}

function entityElement(owner: string, links: readonly string[], e: EntityDef, hops: readonly JoinHop[]): ReachableElement {
  const spec: ElementSpec = { kind: 'entity', links, element: e.name };
  return { spec, key: specKey(spec), owner, hops };
}

/** The dimensions and entities of `m` seen through `links`; entities already named in the links are skipped. */
function elementsOf(m: ModelNode, links: readonly string[], hops: readonly JoinHop[]): ReachableElement[] {
  const out: ReachableElement[] = [];
  for (const d of m.def.dimensions) out.push(dimensionElement(m.name, links, d, hops));
  for (const e of m.def.entities) if (!links.includes(e.name)) out.push(entityElement(m.name, links, e, hops));
  return out;
}

/** A model's own items: every entity bare, and its dimensions/entities under each linkable entity. */
export function localElements(m: ModelNode): ReachableElement[] {
  const out: ReachableElement[] = m.def.entities.map((e) => entityElement(m.name, [], e, []));
  for (const link of m.linkableEntities) out.push(...elementsOf(m, [link], []));
  return out;
}

/**
 * Models the rows of `from` can be joined to through its entity `entity`, excluding `exclude`.
 * SCD models (validity windows) may be joined at any hop: the validity condition compares the
 * left rows' metric time (spec 6.3), as MetricFlow does (`listing__lux_listing__is_confirmed_lux`).
 */
export function joinTargets(lookup: ModelLookup, from: ModelNode, entity: string, exclude: readonly string[]): ModelNode[] {
  const left = from.entities.get(entity);
  if (!left) return [];
  return lookup
    .modelsWithEntity(entity)
    .filter((n) => !exclude.includes(n.name) && canJoin(left.type, n.entities.get(entity)!.type, !!n.validity, !!from.validity));
}

/**
 * Everything reachable from `m`: local elements first, then one-hop, then two-hop joins (so the
 * first entry per key needs the fewest joins). The same key may appear several times with
 * different join paths; the planner chooses among them.
 */
export function reachableElements(lookup: ModelLookup, m: ModelNode): ReachableElement[] {
  const out = localElements(m);
  const twoHop: ReachableElement[] = [];
  for (const e of m.def.entities) {
    for (const n of joinTargets(lookup, m, e.name, [m.name])) {
      const hop1: JoinHop = { entity: e.name, model: n.name };
      out.push(...elementsOf(n, [e.name], [hop1]));
      for (const f of n.def.entities) {
        if (f.name === e.name) continue;
        for (const p of joinTargets(lookup, n, f.name, [m.name, n.name])) {
          twoHop.push(...elementsOf(p, [e.name, f.name], [hop1, { entity: f.name, model: p.name }]));
        }
      }
    }
  }
  return [...out, ...twoHop];
}
