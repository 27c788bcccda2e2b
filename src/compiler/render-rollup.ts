/** The two plan nodes only rollup answers use (src/planner/rollups): the rollup read and the metric projection. */
import type { ProjectNode, RollupSourceNode } from '../planner/plan/plan-nodes.js';
import { ident, metricExprSql, relationFragment, sourceExprSql, type RenderContext } from './render-exprs.js';
import { sql, type SqlFragment } from './sql-fragment.js';

const NL = sql.raw('\n');
const LIST = sql.raw(',\n  ');

export function renderRollupSource(n: RollupSourceNode, ctx: RenderContext): SqlFragment {
  const cols = sql.join(
    n.select.map((c) => sql`${sourceExprSql(c.expr, ctx)} AS ${ident(c.name)}`),
    LIST,
  );
  const present = sql.join(
    n.present.map((c) => sql`${ident(c)} > 0`),
    sql.raw(' OR '),
  );
  return sql`SELECT${NL}  ${cols}${NL}FROM ${relationFragment(n.relation)}${NL}WHERE ${present}`;
}

export function renderProject(n: ProjectNode): SqlFragment {
  const cols = [...n.keys.map(ident), ...n.metrics.map((m) => sql`${metricExprSql(m.expr)} AS ${ident(m.name)}`)];
  return sql`SELECT${NL}  ${sql.join(cols, LIST)}${NL}FROM ${ident(n.input)}`;
}
