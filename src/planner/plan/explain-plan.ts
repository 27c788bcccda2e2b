/** A readable text form of a plan, one block per node (plan snapshots, `explain`). */
import type { MetricExpr, PlanNode, QueryPlan, SourceColumn, SourceExpr, SpineSource, TimeJoinCondition } from './plan-nodes.js';
import type { Relation } from '../../definitions/model.js';

function relation(r: Relation): string {
  return [r.database, r.schema, r.alias].filter(Boolean).join('.');
}

function sourceExpr(e: SourceExpr): string {
  const text = e.expr.column ?? `(${e.expr.sql})`;
  switch (e.kind) {
    case 'element':
      return text;
    case 'time-trunc':
      return `trunc(${text}: ${e.columnType}, ${e.grain})`;
    case 'date-part':
      return `extract(${e.part} from ${text}: ${e.columnType})`;
  }
}

function selectLines(select: readonly SourceColumn[]): string[] {
  return select.map((c) => `  ${c.name} = ${sourceExpr(c.expr)}`);
}

function spine(s: SpineSource): string {
  return s.kind === 'table' ? `${relation(s.relation)}.${s.column} (${s.grain})` : `generate_series(${s.start}, ${s.stop}, 1 ${s.step})`;
}

function metricExpr(e: MetricExpr): string {
  switch (e.kind) {
    case 'fill-nulls':
      return `coalesce(${e.column}, ${e.value})`;
    case 'ratio':
      return `${e.numerator} / nullif(${e.denominator}, 0)`;
    case 'column':
      return e.column;
    case 'derived':
      return e.sql;
  }
}

function timeCondition(c: TimeJoinCondition, s: string, r: string): string {
  switch (c.kind) {
    case 'trailing-window':
      return `${r} <= ${s} and ${r} > ${s} - ${c.window.count} ${c.window.grain}`;
    case 'grain-to-date':
      return `${r} <= ${s} and ${r} >= trunc(${s}, ${c.grain})`;
    case 'all-time':
      return `${r} <= ${s}`;
    case 'offset-window':
      return `${r} = ${s} - ${c.window.count} ${c.window.grain}`;
    case 'offset-to-grain':
      return `${r} = trunc(${s}, ${c.grain})`;
    case 'offset-custom':
      return `${r} = ${s.slice(0, s.lastIndexOf('.'))}.${c.column}`;
  }
}

function explainNode(n: PlanNode): string[] {
  switch (n.kind) {
    case 'source':
      return [`${n.id}: source ${n.model} (${relation(n.relation)})`, ...selectLines(n.select)];
    case 'time-spine':
      return [`${n.id}: time-spine ${spine(n.spine)}${n.bounds ? ` within ${n.bounds.node}${n.bounds.hasEnd ? '' : ' (start only)'}` : ''}`, ...selectLines(n.select)];
    case 'time-floor':
      return [`${n.id}: time-floor ${n.input} ${n.column} = greatest(${n.column}, ${n.start})`];
    case 'time-bounds': {
      const w = (x: { count: number; grain: string }) => `${x.count} ${x.grain}`;
      const start = `min(${n.column})${n.startShift ? ` + ${w(n.startShift)}` : ''}`;
      const end = !n.end ? 'unbounded' : 'periodOf' in n.end ? `end of ${n.end.periodOf} of max(${n.column})` : `max(${n.column})${n.end.after.map((x) => ` + ${w(x)}`).join('')}`;
      return [`${n.id}: time-bounds ${n.input} [${start}, ${end})`];
    }
    case 'join':
      return [
        `${n.id}: join ${n.left} keep [${n.keep.join(', ')}]`,
        ...n.joins.map(
          (j) =>
            `  ${j.type} ${j.right}${j.on.length ? ` on ${j.on.map((o) => `${o.left} = ${o.right}`).join(' and ')}` : ''}` +
            (j.validity ? ` valid at ${j.validity.leftTime} in [${j.validity.start}, ${j.validity.end})` : '') +
            ` take [${j.take.map((t) => (t.from === t.as ? t.as : `${t.from} as ${t.as}`)).join(', ')}]`,
        ),
      ];
    case 'filter':
      return [`${n.id}: filter ${n.input}`, ...n.filters.map((f) => `  ${f.origin}: ${f.filter.text.trim()} [${f.refColumns.join(', ')}]`)];
    case 'time-constraint':
      return [`${n.id}: time-constraint ${n.input} ${n.start !== undefined ? `${n.start} <= ` : ''}${n.column} < ${n.endExclusive}`];
    case 'time-join':
      return [
        `${n.id}: time-join ${n.spine} keep [${n.keep.join(', ')}]`,
        `  inner ${n.rows} on ${timeCondition(n.condition, `${n.spine}.${n.spineTime}`, `${n.rows}.${n.rowTime}`)} take [${n.take.join(', ')}]`,
      ];
    case 'running-window': {
      const frame = n.frame.kind === 'to-date' ? `to date${n.frame.grain ? ` per ${n.frame.grain}` : ''}` : `trailing ${n.frame.window.count} ${n.frame.window.grain}`;
      return [
        `${n.id}: running-window ${n.spine} keep [${n.keep.join(', ')}]`,
        `  ${n.agg}(${n.rows}.${n.value}) by [${n.others.join(', ')}] over ${n.rows}.${n.rowTime} ${frame} as ${n.as}`,
      ];
    }
    case 'custom-periods':
      return [`${n.id}: custom-periods ${n.input} ${n.position}, ${n.period} of ${n.label} by ${n.time}`];
    case 'custom-offset':
      return [`${n.id}: custom-offset ${n.input} ${n.as} = ${n.by === 'position' ? n.periodColumns.time : n.periodColumns.label} ${n.count} ${n.by === 'position' ? 'period(s) earlier, same position,' : 'period(s) earlier'} of ${n.match} in ${n.periods}`];
    case 'conversion-join':
      return [
        `${n.id}: conversion-join ${n.base} to ${n.conversion} take [${n.attribute.join(', ')}, ${n.value}]`,
        `  on ${[...n.on.map((o) => `${o.base} = ${o.conversion}`), `${n.baseTime} <= ${n.conversionTime}`, ...(n.window ? [`${n.baseTime} > ${n.conversionTime} - ${n.window.count} ${n.window.grain}`] : [])].join(' and ')}`,
      ];
    case 'semi-additive':
      return [`${n.id}: semi-additive ${n.input} keep ${n.timeColumn} = ${n.choice}(${n.timeColumn}) by [${n.partitionBy.join(', ')}]`];
    case 'period-agg':
      return [`${n.id}: period-agg ${n.input} ${n.as} = ${n.agg}(${n.value}) by [${n.keys.join(', ')}] order by ${n.orderBy}`];
    case 'aggregate':
      return [
        `${n.id}: aggregate ${n.input} by [${n.groupBy.join(', ')}]`,
        ...n.aggregations.map((a) => `  ${a.as} = ${a.agg}${a.percentile !== undefined ? `(${a.percentile}${a.discretePercentile ? ', discrete' : ''})` : ''}(${a.input})`),
      ];
    case 'compute-metric':
      return [`${n.id}: compute-metric ${n.input} ${n.metric} = ${metricExpr(n.expr)}`];
    case 'combine':
      return [
        `${n.id}: combine on [${n.keys.join(', ')}]`,
        ...n.inputs.map((i) => `  ${i.node} take [${i.take.map((t) => `${t.from === t.as ? t.as : `${t.from} as ${t.as}`}${t.fillNullsWith !== undefined ? ` fill ${t.fillNullsWith}` : ''}`).join(', ')}]`),
      ];
    case 'rollup-source':
      return [`${n.id}: rollup ${relation(n.relation)} where any of [${n.present.join(', ')}] > 0`, ...selectLines(n.select)];
    case 'project':
      return [`${n.id}: project ${n.input} by [${n.keys.join(', ')}]`, ...n.metrics.map((m) => `  ${m.name} = ${metricExpr(m.expr)}`)];
    case 'min-max':
      return [`${n.id}: min-max ${n.input} [${n.column}]`];
    case 'distinct':
      return [`${n.id}: distinct ${n.input} [${n.columns.join(', ')}]`];
    case 'order-limit':
      return [
        `${n.id}: order-limit ${n.input} [${n.columns.join(', ')}]` +
          (n.orderBy.length ? ` order by ${n.orderBy.map((o) => `${o.column}${o.descending ? ' desc' : ''}`).join(', ')}` : '') +
          (n.limit !== undefined ? ` limit ${n.limit}` : '') +
          (n.offset !== undefined ? ` offset ${n.offset}` : ''),
      ];
  }
}

export function explainPlan(plan: QueryPlan): string {
  return plan.nodes.flatMap(explainNode).join('\n');
}
