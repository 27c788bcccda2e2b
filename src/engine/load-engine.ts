import { formatIssue } from '../core/errors.js';
import { loadDefinitions } from '../definitions/index.js';
import { buildSemanticGraph } from '../semantic-graph/index.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { createEngine, type EngineDeps } from './engine.js';
import { introspectTimeTypes } from './introspect-time-types.js';
import type { Engine } from './types.js';

export interface LoadedEngine {
  readonly engine?: Engine;
  /** Why no engine could be built: every definition error, one per line. */
  readonly error?: string;
  /** Non-fatal problems: definition warnings, unreadable relations. */
  readonly warnings: readonly string[];
}

/** Loads a definitions folder, learns the warehouse's time column types, and builds the engine. */
export async function loadEngine(
  metricsDir: string,
  warehouse: Warehouse,
  opts: Pick<EngineDeps, 'onWarehouseError'> = {},
): Promise<LoadedEngine> {
  const result = await loadDefinitions(metricsDir);
  const warnings = result.issues.filter((i) => i.severity === 'warning').map(formatIssue);
  if (!result.definitions) {
    const errors = result.issues.filter((i) => i.severity === 'error').map(formatIssue);
    return { error: errors.join('\n') || `no definitions in ${metricsDir}`, warnings };
  }
  const types = await introspectTimeTypes(result.definitions, warehouse);
  const graph = buildSemanticGraph(result.definitions, { timeColumnTypes: types.lookup });
  return { engine: createEngine({ graph, warehouse, ...opts }), warnings: [...warnings, ...types.problems] };
}
