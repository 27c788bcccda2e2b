/**
 * Plan → one PostgreSQL statement: every node but the root as a named CTE, the root as the final
 * SELECT; a scan folded into its aggregation (and an aggregation into the root) needs no CTE of its own.
 */
import type { CompiledQuery } from '../core/query.js';
import type { QueryPlan } from '../planner/plan/plan-nodes.js';
import { ident } from './render-exprs.js';
import { indexPlan, renderFusedAggregate, renderFusedRoot } from './render-fused.js';
import { renderNode } from './render-node.js';
import { sql, type SqlFragment } from './sql-fragment.js';

export function compilePlan(plan: QueryPlan): CompiledQuery {
  const ctx = { timeZone: plan.timeZone };
  const root = plan.nodes.find((n) => n.id === plan.root);
  if (!root) throw new Error(`plan root ${plan.root} missing`);
  const ix = indexPlan(plan.nodes);
  const absorbed: string[] = [];
  const rootSql = (root.kind === 'order-limit' && renderFusedRoot(ix, root, ctx, absorbed)) || renderNode(root, ctx);
  // Readers come after what they read: rendering from the end knows what was folded away before reaching it.
  const rendered: [string, SqlFragment][] = [];
  for (let i = plan.nodes.length - 1; i >= 0; i--) {
    const n = plan.nodes[i]!;
    if (n.id === plan.root || absorbed.includes(n.id)) continue;
    rendered.push([n.id, n.kind === 'aggregate' ? renderFusedAggregate(ix, n, ctx, absorbed) : renderNode(n, ctx)]);
  }
  const ctes = rendered.reverse().map(([id, body]) => sql`${ident(id)} AS (\n${body}\n)`);
  const statement = ctes.length ? sql`WITH\n${sql.join(ctes, sql.raw(',\n'))}\n${rootSql}` : rootSql;
  const compiled = statement.compile();
  const models = [...new Set(plan.nodes.flatMap((n) => (n.kind === 'source' ? [n.model] : [])))].sort();
  return { sql: compiled.sql, params: compiled.parameters, columns: plan.columns, models };
}
