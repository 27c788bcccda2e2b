/** `model: ref('fct_orders')` and `node_relation:` → the warehouse relation. */
import type { Relation } from '../model.js';
import type { SemanticModelSpec } from '../schema/semantic-model.schema.js';

/**
 * Parses dbt's `ref('model')`, `ref("model")`, `ref('package', 'model')` and `ref('model', v=2)`.
 * The relation's alias is the model name (dbt's default alias).
 */
export function parseRef(text: string): { readonly alias: string; readonly package?: string } | undefined {
  const m = /^\s*(?:\{\{\s*)?ref\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?(?:,\s*(?:v|version)\s*=\s*[^)]*)?\)\s*(?:\}\}\s*)?$/.exec(text);
  if (!m) return undefined;
  return m[4] !== undefined ? { alias: m[4], package: m[2]! } : { alias: m[2]! };
}

/** The relation of a semantic model; `ref()` models live in the project schema (settings). */
export function modelRelation(spec: SemanticModelSpec, projectSchema: string | undefined): Relation {
  if (spec.node_relation) {
    const { database, schema_name, alias } = spec.node_relation;
    return { ...(database !== undefined && { database }), schema: schema_name, alias };
  }
  return refRelation(parseRef(spec.model ?? '')?.alias ?? spec.name, projectSchema);
}

export function refRelation(alias: string, projectSchema: string | undefined): Relation {
  return { ...(projectSchema !== undefined && { schema: projectSchema }), alias };
}
