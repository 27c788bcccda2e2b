import { formatIssue } from '../core/errors.js';
import { isManifestPath, loadDefinitions } from '../definitions/index.js';
import { loadRollups } from '../definitions/rollups/load-rollups.js';
import { buildSemanticGraph } from '../semantic-graph/index.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { createEngine, type EngineDeps } from './engine.js';
import { introspectTimeTypes } from './introspect-time-types.js';
import { createRollupCatalog, type RollupCatalog } from './rollups/rollup-catalog.js';
import type { Engine } from './types.js';

export interface LoadedEngine {
  readonly engine?: Engine;
  /** Why no engine could be built: every definition error, one per line. */
  readonly error?: string;
  /** Non-fatal problems: definition warnings, unreadable relations. */
  readonly warnings: readonly string[];
  /** The declared rollups (rollups.yml beside the definitions) and their builds. */
  readonly rollups?: RollupCatalog;
}

export interface LoadEngineOptions extends Pick<EngineDeps, 'onWarehouseError' | 'onRollupDecision'> {
  /** Schema of the rollup tables and build records (default maatstaf_rollups). */
  readonly rollupSchema?: string;
}

/** Loads a definitions folder, learns the warehouse's time column types, and builds the engine. */
export async function loadEngine(
  metricsDir: string,
  warehouse: Warehouse,
  opts: LoadEngineOptions = {},
): Promise<LoadedEngine> {
  const result = await loadDefinitions(metricsDir);
  const warnings = result.issues.filter((i) => i.severity === 'warning').map(formatIssue);
  if (!result.definitions) {
    const errors = result.issues.filter((i) => i.severity === 'error').map(formatIssue);
    return { error: errors.join('\n') || `no definitions in ${metricsDir}`, warnings };
  }
  const types = await introspectTimeTypes(result.definitions, warehouse);
  const graph = buildSemanticGraph(result.definitions, { timeColumnTypes: types.lookup });
  const declared = isManifestPath(metricsDir) ? { rollups: [], issues: [] } : await loadRollups(metricsDir);
  const { rollupSchema, ...deps } = opts;
  const catalog = createRollupCatalog({ graph, rollups: declared.rollups, warehouse, ...(rollupSchema ? { schema: rollupSchema } : {}) });
  const rollupErrors = [...declared.issues, ...catalog.issues].filter((i) => i.severity === 'error');
  if (rollupErrors.length) return { error: rollupErrors.map(formatIssue).join('\n'), warnings };
  await catalog.refresh();
  return { engine: createEngine({ graph, warehouse, ...deps, rollups: catalog }), rollups: catalog, warnings: [...warnings, ...types.problems] };
}
