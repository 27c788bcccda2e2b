/** Plan → one PostgreSQL statement: every node but the root as a named CTE, the root as the final SELECT. */
import { sql } from 'kysely';
import type { CompiledQuery } from '../core/query.js';
import type { QueryPlan } from '../planner/plan/plan-nodes.js';
import { coldKysely } from './cold-kysely.js';
import { ident } from './render-exprs.js';
import { renderNode } from './render-node.js';

export function compilePlan(plan: QueryPlan): CompiledQuery {
  const ctx = { timeZone: plan.timeZone };
  const root = plan.nodes.find((n) => n.id === plan.root);
  if (!root) throw new Error(`plan root ${plan.root} missing`);
  const ctes = plan.nodes.filter((n) => n.id !== plan.root).map((n) => sql`${ident(n.id)} AS (\n${renderNode(n, ctx)}\n)`);
  const statement = ctes.length ? sql`WITH\n${sql.join(ctes, sql.raw(',\n'))}\n${renderNode(root, ctx)}` : renderNode(root, ctx);
  const compiled = statement.compile(coldKysely);
  return { sql: compiled.sql, params: compiled.parameters, columns: plan.columns };
}
