/** The compiler's entry point: request → resolved query → plan → SQL with bound parameters. Pure. */
import type { CompiledQuery } from '../core/query.js';
import { explainPlan } from '../planner/plan/explain-plan.js';
import { planQuery } from '../planner/plan/plan-query.js';
import type { QueryPlan } from '../planner/plan/plan-nodes.js';
import { resolveQuery, type QueryInput } from '../planner/resolve/resolve-query.js';
import type { ResolvedQuery } from '../planner/resolve/resolved-query.js';
import type { SemanticGraph } from '../semantic-graph/graph.js';
import { compilePlan } from './compile-plan.js';

/** Compiles a query to one deterministic PostgreSQL statement. Throws MaatstafError on invalid queries. */
export function compileQuery(graph: SemanticGraph, query: QueryInput): CompiledQuery {
  return compilePlan(planQuery(graph, resolveQuery(graph, query)));
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
