/** Plan → one PostgreSQL statement: every node but the root as a named CTE, the root as the final SELECT. */
import type { CompiledQuery } from '../core/query.js';
import type { QueryPlan } from '../planner/plan/plan-nodes.js';
import { ident } from './render-exprs.js';
import { renderNode } from './render-node.js';
import { sql } from './sql-fragment.js';

export function compilePlan(plan: QueryPlan): CompiledQuery {
  const ctx = { timeZone: plan.timeZone };
  const root = plan.nodes.find((n) => n.id === plan.root);
  if (!root) throw new Error(`plan root ${plan.root} missing`);
  const ctes = plan.nodes.filter((n) => n.id !== plan.root).map((n) => sql`${ident(n.id)} AS (\n${renderNode(n, ctx)}\n)`);
  const statement = ctes.length ? sql`WITH\n${sql.join(ctes, sql.raw(',\n'))}\n${renderNode(root, ctx)}` : renderNode(root, ctx);
  const compiled = statement.compile();
  const models = [...new Set(plan.nodes.flatMap((n) => (n.kind === 'source' ? [n.model] : [])))].sort();
  return { sql: compiled.sql, params: compiled.parameters, columns: plan.columns, models };
}
