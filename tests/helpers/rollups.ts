/** Rollup test set-up: declarations parsed from text, a catalog over a seeded test warehouse, a build, an engine. */
import { randomBytes } from 'node:crypto';
import { parseRollups } from '../../src/definitions/rollups/parse-rollups.js';
import { createEngine } from '../../src/engine/engine.js';
import { buildRollups, type BuildReport } from '../../src/engine/rollups/build-rollups.js';
import { createRollupCatalog, type RollupCatalog } from '../../src/engine/rollups/rollup-catalog.js';
import type { Engine } from '../../src/engine/types.js';
import type { SemanticGraph } from '../../src/semantic-graph/index.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

export interface RollupSetup {
  readonly catalog: RollupCatalog;
  readonly engine: Engine;
  readonly schema: string;
  build(opts?: { names?: string[]; full?: boolean }): Promise<BuildReport[]>;
  /** Drops the rollup schema. */
  drop(): Promise<void>;
}

export function rollupSetup(graph: SemanticGraph, wh: Warehouse, yaml: string, opts: { now?: () => number; cellKeySecret?: string } = {}): RollupSetup {
  const parsed = parseRollups('rollups.yml', yaml);
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => `${e.file}:${e.line} ${e.path}: ${e.message}`).join('\n'));
  const schema = `r_${randomBytes(4).toString('hex')}`;
  const catalog = createRollupCatalog({ graph, rollups: parsed.rollups, warehouse: wh, schema, recheckMs: 0, ...(opts.now ? { now: opts.now } : {}) });
  if (catalog.issues.length) throw new Error(catalog.issues.map((e) => `${e.path}: ${e.message}`).join('\n'));
  const engine = createEngine({ graph, warehouse: wh, rollups: catalog, ...(opts.cellKeySecret ? { cellKeySecret: opts.cellKeySecret } : {}) });
  return {
    catalog,
    engine,
    schema,
    build: async (b = {}) => {
      const reports = await buildRollups({ catalog, write: wh, ...(b.names ? { names: b.names } : {}), ...(b.full ? { full: true } : {}), ...(opts.now ? { now: opts.now } : {}), ...(opts.cellKeySecret ? { cellKeySecret: opts.cellKeySecret } : {}) });
      await catalog.refresh();
      return reports;
    },
    drop: async () => {
      await wh.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

/** Rows in a stable order (by their JSON), for comparing answers without ORDER BY. */
export function sortedRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
