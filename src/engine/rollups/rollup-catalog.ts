/**
 * The declared rollups of an engine: their shapes (what each stores) and their latest builds, read
 * from the build record table through the READ connection (serving never writes). The compiler
 * reads `candidates()` at every compile; `ensureFresh()` re-reads the build records at most every
 * `recheckMs`, so a build finished by `maatstaf rollups build` is used within that time.
 */
import type { DefinitionIssue } from '../../core/errors.js';
import type { RollupSource } from '../../compiler/index.js';
import { effectiveMinGroupSizes } from '../../definitions/governance/subject.js';
import type { RollupDef } from '../../definitions/rollups/parse-rollups.js';
import { shapeRollup, type RollupCandidate, type RollupShape, type RollupState } from '../../planner/rollups/index.js';
import { cellKeyMetricName, exactSubjectsName, subjectMetricName, withSubjectMetrics } from '../../privacy/subject-metrics.js';
import { buildSemanticGraph, type SemanticGraph } from '../../semantic-graph/index.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { BUILDS_TABLE, quoteIdent } from './rollup-tables.js';

export const DEFAULT_ROLLUP_SCHEMA = 'maatstaf_rollups';

export interface RollupCatalog extends RollupSource {
  readonly schema: string;
  readonly shapes: readonly RollupShape[];
  /** The graph the shapes (and build queries) resolve against: with the privacy layer's subject counts when a stored metric is protected. */
  readonly graph: SemanticGraph;
  /** Declaration errors (file:line); a rollup with errors is left out. */
  readonly issues: readonly DefinitionIssue[];
  state(name: string): RollupState | undefined;
  /** Re-reads the build records now. */
  refresh(): Promise<void>;
  /** Re-reads them when the last read is older than `recheckMs`. */
  ensureFresh(): Promise<void>;
}

export interface RollupCatalogOptions {
  readonly graph: SemanticGraph;
  readonly rollups: readonly RollupDef[];
  /** Where build records are read; undefined: no build is ever seen (compile-only engines). */
  readonly warehouse?: Warehouse;
  readonly schema?: string;
  readonly recheckMs?: number;
  readonly now?: () => number;
}

/**
 * The subject-count metrics the privacy layer asks for beside a stored protected metric: of a keyed
 * model the exact count and the cell key (its perturbed count is derived from those two), else the count.
 */
function privacyCompanions(graph: SemanticGraph): { graph: SemanticGraph; extra: (m: string) => string[] } {
  const ks = effectiveMinGroupSizes(graph.definitions);
  if (!ks.size) return { graph, extra: () => [] };
  const subjectGraph = buildSemanticGraph(withSubjectMetrics(graph.definitions), { timeColumnTypes: (m, d) => graph.timeColumnType(m, d) });
  const simple = (n: string) => subjectGraph.metric(n)?.type === 'simple';
  return { graph: subjectGraph, extra: (m) => (ks.has(m) ? [subjectMetricName(m), exactSubjectsName(m), cellKeyMetricName(m)].filter(simple) : []) };
}

export function createRollupCatalog(opts: RollupCatalogOptions): RollupCatalog {
  const schema = opts.schema ?? DEFAULT_ROLLUP_SCHEMA;
  const now = opts.now ?? Date.now;
  const recheckMs = opts.recheckMs ?? 10_000;
  const { graph, extra } = opts.rollups.length ? privacyCompanions(opts.graph) : { graph: opts.graph, extra: () => [] };
  const issues: DefinitionIssue[] = [];
  const shapes = opts.rollups.flatMap((def) => {
    const r = shapeRollup(graph, def, extra);
    issues.push(...r.issues);
    return r.shape ? [r.shape] : [];
  });
  let states = new Map<string, RollupState>();
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;

  const read = async (): Promise<void> => {
    if (!opts.warehouse || !shapes.length) return;
    try {
      const { rows } = await opts.warehouse.query<{ name: string; hash: string; built_ms: number | string; time_zone: string }>(
        `SELECT name, hash, CAST(EXTRACT(EPOCH FROM built_at) * 1000 AS BIGINT) AS built_ms, time_zone FROM ${quoteIdent(schema)}.${quoteIdent(BUILDS_TABLE)}`,
      );
      states = new Map(
        rows.map((r) => [r.name, { builtAt: Number(r.built_ms), timeZone: r.time_zone, hash: r.hash, relation: { schema, alias: r.name } }]),
      );
    } catch {
      states = new Map(); // no build record table yet: nothing built
    }
    readAt = now();
  };

  return {
    schema,
    shapes,
    graph,
    issues,
    now,
    candidates: (): RollupCandidate[] => shapes.map((shape) => {
      const state = states.get(shape.def.name);
      return state ? { shape, state } : { shape };
    }),
    state: (name) => states.get(name),
    refresh: async () => {
      reading = read().finally(() => (reading = undefined));
      await reading;
    },
    async ensureFresh() {
      if (!opts.warehouse || !shapes.length || now() - readAt < recheckMs) return;
      await (reading ??= read().finally(() => (reading = undefined)));
    },
  };
}
