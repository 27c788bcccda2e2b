/** The compiler's entry point: request → resolved query → plan → SQL with bound parameters. Pure. */
import type { CompiledQuery, RollupCandidateInfo } from '../core/query.js';
import { explainPlan } from '../planner/plan/explain-plan.js';
import { planQuery } from '../planner/plan/plan-query.js';
import type { QueryPlan } from '../planner/plan/plan-nodes.js';
import { resolveQuery, type QueryInput } from '../planner/resolve/resolve-query.js';
import type { ResolvedQuery } from '../planner/resolve/resolved-query.js';
import { matchRollups, planRollup, relevantRollups, type RollupCandidate, type RollupTry } from '../planner/rollups/index.js';
import type { SemanticGraph } from '../semantic-graph/graph.js';
import { compilePlan } from './compile-plan.js';

/** The declared rollups and their latest builds, read at each compile (builds and time move on). */
export interface RollupSource {
  candidates(): readonly RollupCandidate[];
  /** Epoch milliseconds. */
  now(): number;
}

export interface CompileOptions {
  readonly rollups?: RollupSource;
}

const info = (t: RollupTry): RollupCandidateInfo => ({ name: t.name, used: !t.failed, ...(t.failed ? { rule: t.failed.rule, reason: t.failed.detail } : {}) });

/** Compiles a query to one deterministic PostgreSQL statement. Throws MaatstafError on invalid queries. */
export function compileQuery(graph: SemanticGraph, query: QueryInput & { readonly useRollups?: boolean }, options: CompileOptions = {}): CompiledQuery {
  const resolved = resolveQuery(graph, query);
  const raw = compilePlan(planQuery(graph, resolved));
  // Rollups store distinct cells: they cannot give every row (applyGroupBy: false); minMaxOnly reads the raw values too.
  const rowShaped = resolved.minMaxOnly || resolved.applyGroupBy === false;
  const candidates = options.rollups && !rowShaped ? relevantRollups(resolved, options.rollups.candidates()) : [];
  if (!candidates.length) return raw;
  if (query.useRollups === false) {
    return { ...raw, rollupCandidates: candidates.map((c) => ({ name: c.shape.def.name, used: false, rule: 'disabled', reason: 'the query asks for useRollups: false' })) };
  }
  const now = options.rollups!.now();
  const { match, tried } = matchRollups(resolved, candidates, { timeZone: graph.timeZone, now });
  if (!match) return { ...raw, rollupCandidates: tried.map(info) };
  const compiled = compilePlan(planRollup(graph, resolved, match, raw.columns));
  const { builtAt } = match.candidate.state;
  return {
    ...compiled,
    // What the answer is about (classification, refresh keys): the models the rollup summarises.
    models: raw.models,
    rollup: { name: match.candidate.shape.def.name, builtAt: new Date(builtAt).toISOString(), ageSeconds: Math.max(0, Math.round((now - builtAt) / 1000)) },
    rollupCandidates: tried.map(info),
  };
}

/** Every intermediate artifact, for `explain`. */
export interface QueryExplanation {
  readonly resolved: ResolvedQuery;
  readonly plan: QueryPlan;
  /** The plan as readable text, one block per node. */
  readonly planText: string;
  readonly compiled: CompiledQuery;
}

export function explainQuery(graph: SemanticGraph, query: QueryInput): QueryExplanation {
  const resolved = resolveQuery(graph, query);
  const plan = planQuery(graph, resolved);
  return { resolved, plan, planText: explainPlan(plan), compiled: compilePlan(plan) };
}
