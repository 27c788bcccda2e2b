/**
 * Greedy join planning (spec 4.2): for the items that must be joined in through an entity, pick
 * the target model that supplies the most of them, then the next, until all are supplied. Ties
 * go to a model where the entity is primary, then to the model name, so plans are deterministic.
 */
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import type { ReachableElement } from '../../semantic-graph/reachability.js';
import type { ResolvedItem } from '../resolve/resolved-query.js';

/** An item that is not local to the rows it is needed on, with the join paths that reach it. */
export interface JoinNeed {
  readonly item: ResolvedItem;
  readonly entries: readonly ReachableElement[];
}

export interface JoinTarget {
  readonly entity: string;
  readonly model: string;
  /** The needs supplied through this target, their entries narrowed to it. */
  readonly needs: readonly JoinNeed[];
}

function supplies(need: JoinNeed, depth: number, model: string): boolean {
  return need.entries.some((e) => e.hops[depth]?.model === model);
}

export function assignJoinTargets(graph: SemanticGraph, needs: readonly JoinNeed[], depth: number): JoinTarget[] {
  const byEntity = new Map<string, JoinNeed[]>();
  for (const need of needs) {
    const entity = need.entries[0]!.hops[depth]!.entity;
    byEntity.set(entity, [...(byEntity.get(entity) ?? []), need]);
  }
  const targets: JoinTarget[] = [];
  for (const entity of [...byEntity.keys()].sort()) {
    let pending = byEntity.get(entity)!;
    while (pending.length > 0) {
      const models = [...new Set(pending.flatMap((n) => n.entries.map((e) => e.hops[depth]!.model)))];
      const rank = (m: string) => ({
        count: pending.filter((n) => supplies(n, depth, m)).length,
        primary: graph.model(m)?.entities.get(entity)?.type === 'primary' ? 0 : 1,
      });
      models.sort((a, b) => {
        const ra = rank(a);
        const rb = rank(b);
        return rb.count - ra.count || ra.primary - rb.primary || a.localeCompare(b);
      });
      const model = models[0]!;
      const supplied = pending.filter((n) => supplies(n, depth, model));
      targets.push({
        entity,
        model,
        needs: supplied.map((n) => ({ item: n.item, entries: n.entries.filter((e) => e.hops[depth]?.model === model) })),
      });
      pending = pending.filter((n) => !supplied.includes(n));
    }
  }
  return targets;
}
