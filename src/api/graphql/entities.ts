/** The entities (join keys) of the definitions, with the semantic models that carry them. */
import type { Definitions, EntityType } from '../../definitions/model.js';

export interface EntityRole {
  readonly semanticModel: string;
  readonly type: EntityType;
}

export interface EntitySummary {
  readonly name: string;
  readonly label?: string;
  readonly description?: string;
  /** Where the entity appears, by model name. */
  readonly semanticModels: readonly EntityRole[];
}

/** Every entity by name; label and description from the first model that gives one. */
export function listEntities(defs: Definitions): EntitySummary[] {
  const byName = new Map<string, { label?: string; description?: string; roles: EntityRole[] }>();
  const models = [...defs.semanticModels].sort((a, b) => a.name.localeCompare(b.name));
  for (const model of models) {
    for (const entity of model.entities) {
      const entry = byName.get(entity.name) ?? { roles: [] };
      entry.label ??= entity.label;
      entry.description ??= entity.description;
      entry.roles.push({ semanticModel: model.name, type: entity.type });
      byName.set(entity.name, entry);
    }
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({
      name,
      ...(e.label !== undefined ? { label: e.label } : {}),
      ...(e.description !== undefined ? { description: e.description } : {}),
      semanticModels: e.roles,
    }));
}
