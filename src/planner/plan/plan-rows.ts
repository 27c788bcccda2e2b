/**
 * Row-level data for a set of items (spec 4.2): a source node reading the left model, plus joins
 * to the models that supply non-local items — LEFT OUTER for metric rows (never dropped, never
 * multiplied), FULL OUTER for dimension-only queries. A two-link item is joined as a small
 * sub-tree (`N ⟕ P` on the second entity) that is then joined to the left rows on the first.
 */
import { MaatstafError } from '../../core/errors.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { specKey } from '../../semantic-graph/item-spec.js';
import type { ModelNode } from '../../semantic-graph/model-node.js';
import type { ResolvedItem } from '../resolve/resolved-query.js';
import { INTERNAL, elementExpr, levelColumn, partitionColumn, partitionSelect, relativeName, timeExpr, type LevelColumn } from './element-columns.js';
import { assignJoinTargets, type JoinNeed, type JoinTarget } from './join-assignment.js';
import type { PlanBuilder } from './plan-builder.js';
import type { JoinClause, NodeId, SourceColumn } from './plan-nodes.js';
import { SPINE_TIME, planCustomGranularityLookup } from './plan-time-spine.js';

export interface RowsRequest {
  readonly model: ModelNode;
  /** Items to expose as columns named by `item.name`. */
  readonly items: readonly ResolvedItem[];
  /** The dimension metric_time maps to on these rows (a simple metric's aggregation time dimension). */
  readonly metricTimeDimension?: string;
  /** More columns from the left model (e.g. the value to aggregate). */
  readonly extra: readonly SourceColumn[];
  readonly joinType: 'left' | 'full';
  /**
   * A node CROSS JOINed to the left model's rows before the other joins (the time spine of a
   * dimension-only query): as in MetricFlow, rows that only a FULL OUTER join adds get no time.
   */
  readonly crossJoin?: NodeId;
}

/** The item's name with its first `depth` entity links removed (its name inside a joined sub-tree). */
function nameAtDepth(item: ResolvedItem, depth: number): string {
  const spec = item.spec;
  if (depth === 0 || spec.kind === 'metric_time') return item.name;
  return relativeName([...spec.links.slice(depth), spec.element].join('__'), item.time);
}

function elementName(item: ResolvedItem): string {
  if (item.spec.kind === 'metric_time') throw new Error('metric_time is never joined in');
  return item.spec.element;
}

function uniqueByName<C extends { readonly name: string }>(columns: readonly C[]): C[] {
  const seen = new Map<string, C>();
  for (const c of columns) if (!seen.has(c.name)) seen.set(c.name, c);
  return [...seen.values()];
}

function ownedAt(need: JoinNeed, depth: number): boolean {
  return need.entries.some((e) => e.hops.length === depth);
}

interface Level {
  readonly model: ModelNode;
  readonly depth: number;
  /** Entity this level is joined on (absent for the left rows). */
  readonly via?: string;
  readonly parent?: ModelNode;
  /** Columns read directly from this model (or looked up in a spine for custom granularities). */
  readonly direct: readonly LevelColumn[];
  readonly needs: readonly JoinNeed[];
  /** The left rows' metric time, for validity conditions of SCD joins (depth 0 only). */
  readonly scdTime?: SourceColumn;
  /** Partition columns the level above joins on; `partner` is the model on its side (for the grain). */
  readonly expose?: readonly PartitionExposure[];
  /** See RowsRequest.crossJoin (depth 0 only). */
  readonly crossJoin?: NodeId;
}

interface PartitionExposure {
  readonly name: string;
  readonly partner: ModelNode;
}

/**
 * The partition dimensions a joined sub-tree carries, by name, with the model that supplies each:
 * its own model's first, then those of the models it joins in. MetricFlow matches partitions by
 * element name on the whole joined data set, whatever the entity links (`partitions.py`): a daily
 * snapshot two hops away is still joined on its partition.
 */
function subtreePartitions(graph: SemanticGraph, model: ModelNode, needs: readonly JoinNeed[], depth: number): Map<string, ModelNode> {
  const found = new Map<string, ModelNode>([...model.partitions.keys()].map((p) => [p, model]));
  for (const t of assignJoinTargets(graph, needs, depth)) {
    const child = graph.model(t.model)!;
    const childNeeds = t.needs.filter((n) => !ownedAt(n, depth + 1));
    for (const [p, owner] of subtreePartitions(graph, child, childNeeds, depth + 1)) if (!found.has(p)) found.set(p, owner);
  }
  return found;
}

/** Internal columns of SCD joins (spec 6.3). */
const SCD_TIME = `${INTERNAL}scd_time`;
const VALID_FROM = `${INTERNAL}valid_from`;
const VALID_TO = `${INTERNAL}valid_to`;

/** Key column joining a row to the spine row that holds its custom granularity. */
function spineKey(name: string): string {
  return `${INTERNAL}spine_key__${name}`;
}

function planLevel(b: PlanBuilder, graph: SemanticGraph, level: Level, joinType: 'left' | 'full'): NodeId {
  const { model, depth } = level;
  const targets = assignJoinTargets(graph, level.needs, depth);
  const viaKey: SourceColumn[] = level.via ? [{ name: level.via, expr: elementExpr(graph, model, level.via) }] : [];
  const expose = level.expose ?? [];
  const parentPartitions = expose.filter((e) => model.partitions.has(e.name)).map((e) => partitionSelect(graph, model, e.partner, e.name));
  const deepExposures = expose.filter((e) => !model.partitions.has(e.name));
  const computed = level.direct.flatMap((c) => ('expr' in c ? [c] : []));
  const customs = level.direct.flatMap((c) => ('custom' in c ? [c] : []));
  const targetModels = targets.map((t) => graph.model(t.model)!);
  const childNeeds = targets.map((t) => t.needs.filter((n) => !ownedAt(n, depth + 1)));
  // SCD models joined in one hop further down: their validity is checked on this level's join (spec 6.3).
  const deepScd = targetModels.map((child, i) => assignJoinTargets(graph, childNeeds[i]!, depth + 1).some((t) => graph.model(t.model)!.validity));
  const scdTargets = targetModels.some((m) => m.validity) || deepScd.some(Boolean);
  // Below the first hop, an SCD model's window goes up to the level holding the metric time.
  const passValidityUp = level.parent !== undefined;
  if (scdTargets && (joinType === 'full' || (!level.scdTime && !passValidityUp) || (passValidityUp && targetModels.filter((m) => m.validity).length > 1))) {
    throw new MaatstafError('UNSUPPORTED_QUERY', `Dimensions of SCD type II models can only be queried with metrics (${targetModels.filter((m) => m.validity).map((m) => m.name).join(', ')}).`);
  }
  // An SCD model's validity window, raw (spec 5.2), for the join condition on the level above.
  const validity: SourceColumn[] =
    level.parent && model.validity
      ? [
          { name: VALID_FROM, expr: { kind: 'element', expr: model.validity.start.expr } },
          { name: VALID_TO, expr: { kind: 'element', expr: model.validity.end.expr } },
        ]
      : [];
  const keep = uniqueByName([...viaKey, ...computed, ...parentPartitions, ...validity, ...(scdTargets && level.scdTime ? [level.scdTime] : [])]);
  const joinKeys = targets.map((t) => ({ name: t.entity, expr: elementExpr(graph, model, t.entity) }));
  const childSubtrees = targetModels.map((child, i) => subtreePartitions(graph, child, childNeeds[i]!, depth + 1));
  const shared = childSubtrees.map((sub) => [...model.partitions.keys()].filter((p) => sub.has(p)).sort());
  const childPartitions = shared.flatMap((names, i) => names.map((p) => partitionSelect(graph, model, childSubtrees[i]!.get(p)!, p)));
  // A partition the level above needs and this model lacks comes from the first child whose sub-tree has it.
  const deepFrom = new Map(deepExposures.map((e) => [e.name, childSubtrees.findIndex((sub) => sub.has(e.name))]));
  const spineKeys = customs.map((c) => ({
    name: spineKey(c.name),
    expr: timeExpr(graph, model, c.custom.dimension, { kind: 'grain', grain: c.custom.granularity.spine.grain }),
  }));
  const select = uniqueByName([...keep, ...joinKeys, ...childPartitions, ...spineKeys]);
  const source = b.add({ kind: 'source', model: model.name, relation: model.def.relation, select, columns: select.map((c) => c.name) }, model.name);
  if (targets.length === 0 && customs.length === 0 && level.crossJoin === undefined) return source;
  const crosses: JoinClause[] =
    level.crossJoin === undefined ? [] : [{ type: 'cross', right: level.crossJoin, on: [], take: b.columnsOf(level.crossJoin).map((c) => ({ from: c, as: c })) }];

  // Custom granularities: a LEFT OUTER lookup in the defining spine, whatever the join type.
  const lookups: JoinClause[] = customs.map((c) => ({
    type: 'left',
    right: planCustomGranularityLookup(b, c.custom.granularity),
    on: [{ left: spineKey(c.name), right: SPINE_TIME }],
    take: [{ from: c.custom.granularity.name, as: c.name }],
  }));

  const joins: JoinClause[] = targets.map((t: JoinTarget, i) => {
    const child = targetModels[i]!;
    const direct = t.needs
      .filter((n) => ownedAt(n, depth + 1))
      .map((n) => levelColumn(graph, child, nameAtDepth(n.item, depth + 1), elementName(n.item), n.item.time));
    const passedUp = deepExposures.filter((e) => deepFrom.get(e.name) === i);
    const childExpose = [...shared[i]!.map((name) => ({ name, partner: model })), ...passedUp.filter((e) => !shared[i]!.includes(e.name))];
    const right = planLevel(b, graph, { model: child, depth: depth + 1, via: t.entity, parent: model, direct, needs: childNeeds[i]!, expose: childExpose }, joinType);
    const partitions = shared[i]!.map((p) => ({ left: partitionColumn(p), right: partitionColumn(p) }));
    return {
      type: joinType,
      right,
      on: [{ left: t.entity, right: t.entity }, ...partitions],
      take: [
        ...t.needs.map((n) => ({ from: nameAtDepth(n.item, depth + 1), as: nameAtDepth(n.item, depth) })),
        ...passedUp.map((e) => ({ from: partitionColumn(e.name), as: partitionColumn(e.name) })),
        ...(child.validity && passValidityUp ? [VALID_FROM, VALID_TO].map((c) => ({ from: c, as: c })) : []),
      ],
      ...((child.validity && !passValidityUp) || deepScd[i] ? { validity: { leftTime: SCD_TIME, start: VALID_FROM, end: VALID_TO } } : {}),
    };
  });
  const keepNames = keep.map((c) => c.name);
  const all = [...crosses, ...lookups, ...joins];
  const columns = [...new Set([...keepNames, ...all.flatMap((j) => j.take.map((t) => t.as))])];
  return b.add({ kind: 'join', left: source, keep: keepNames, joins: all, columns });
}

/** Plans the rows for `req`; returns the node whose columns are the item names plus `extra`. */
export function planRows(b: PlanBuilder, graph: SemanticGraph, req: RowsRequest): NodeId {
  const direct: LevelColumn[] = [];
  const needs: JoinNeed[] = [];
  const reachable = graph.reachable(req.model.name);
  for (const item of req.items) {
    const spec = item.spec;
    if (spec.kind === 'metric_time') {
      if (!req.metricTimeDimension) throw new Error('metric_time needs an aggregation time dimension here');
      direct.push(levelColumn(graph, req.model, item.name, req.metricTimeDimension, item.time));
      continue;
    }
    const key = specKey(spec);
    const entries = reachable.filter((r) => r.key === key);
    if (entries.length === 0) throw new Error(`${item.name} is not reachable from ${req.model.name}`);
    if (entries.some((e) => e.hops.length === 0)) direct.push(levelColumn(graph, req.model, item.name, spec.element, item.time));
    else needs.push({ item, entries });
  }
  const dim = req.metricTimeDimension;
  const scdTime: SourceColumn | undefined = dim ? { name: SCD_TIME, expr: elementExpr(graph, req.model, dim) } : undefined;
  const level: Level = {
    model: req.model,
    depth: 0,
    direct: [...uniqueByName(direct), ...req.extra],
    needs,
    ...(scdTime ? { scdTime } : {}),
    ...(req.crossJoin !== undefined ? { crossJoin: req.crossJoin } : {}),
  };
  return planLevel(b, graph, level, req.joinType);
}
