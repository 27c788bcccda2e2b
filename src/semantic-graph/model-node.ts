import type { DimensionDef, EntityDef, SemanticModelDef } from '../definitions/model.js';

/** A semantic model indexed for lookups. */
export interface ModelNode {
  readonly name: string;
  readonly def: SemanticModelDef;
  readonly entities: ReadonlyMap<string, EntityDef>;
  readonly dimensions: ReadonlyMap<string, DimensionDef>;
  /**
   * Entities that prefix the model's own dimensions (spec 3.3): the primary entity (real or the
   * virtual `primary_entity`), unique and natural entities.
   */
  readonly linkableEntities: readonly string[];
  /** Partition dimensions: joins between two models that both have one of the same name add an equality. */
  readonly partitions: ReadonlyMap<string, DimensionDef>;
  /** SCD type II validity window (spec 6.3): the start and end time dimensions. */
  readonly validity?: { readonly start: DimensionDef; readonly end: DimensionDef };
}

export function buildModelNode(def: SemanticModelDef): ModelNode {
  const entities = new Map(def.entities.map((e) => [e.name, e]));
  const dimensions = new Map(def.dimensions.map((d) => [d.name, d]));
  const linkable: string[] = [];
  for (const e of def.entities) if (e.type !== 'foreign') linkable.push(e.name);
  if (def.primaryEntity && !linkable.includes(def.primaryEntity)) linkable.unshift(def.primaryEntity);
  const partitions = new Map(def.dimensions.filter((d) => d.isPartition).map((d) => [d.name, d]));
  const start = def.dimensions.find((d) => d.validity?.isStart);
  const end = def.dimensions.find((d) => d.validity?.isEnd);
  return { name: def.name, def, entities, dimensions, linkableEntities: linkable, partitions, ...(start && end ? { validity: { start, end } } : {}) };
}
