/**
 * What one caller may do under a compiled policy: the roles it holds (its own, the anonymous role
 * every caller holds, and the roles those include), the union of their metrics, and the access
 * scope — a hash of exactly those roles' grants, so cached answers are shared only between callers
 * with the same grants.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../engine/definition-hash.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import type { Caller } from './caller.js';
import { itemAllowed, type CompiledPolicy, type RoleGrant } from './grants.js';

export interface CallerAccess {
  /** Effective roles known to the policy, sorted by name. */
  readonly roles: readonly RoleGrant[];
  /** Union of the roles' metrics. */
  readonly metrics: ReadonlySet<string>;
  /** The caller may use every queryable metric: unknown names get the ordinary UNKNOWN_METRIC answer. */
  readonly fullMetricAccess: boolean;
  /** Stable hash of the effective grants (RunOptions.scope, the result cache key). */
  readonly scope: string;
  /** Items a query without metrics may use under `role` (see dimensionOnlyItems). */
  dimensionOnlyItems(role: RoleGrant): ReadonlySet<string>;
}

/** The caller's role names plus the anonymous role, expanded through `includes`, known roles only. */
export function effectiveRoleNames(policy: CompiledPolicy, caller: Caller): string[] {
  const out = new Set<string>();
  const visit = (name: string) => {
    const role = policy.roles.get(name);
    if (!role || out.has(name)) return;
    out.add(name);
    for (const inc of role.spec.includes ?? []) visit(inc);
  };
  visit(policy.anonymousRole);
  for (const r of caller.roles) visit(r);
  return [...out].sort();
}

export function callerAccess(policy: CompiledPolicy, graph: SemanticGraph, caller: Caller): CallerAccess {
  const roles = effectiveRoleNames(policy, caller).map((n) => policy.roles.get(n)!);
  const metrics = new Set(roles.flatMap((r) => [...r.metrics]));
  const scope = `access:${createHash('sha256')
    .update(canonicalJson(roles.map((r) => [r.name, r.spec])))
    .digest('hex')
    .slice(0, 16)}`;
  const dimensionOnly = new Map<string, ReadonlySet<string>>();
  return {
    roles,
    metrics,
    fullMetricAccess: graph.metricNames.every((m) => metrics.has(m)),
    scope,
    dimensionOnlyItems(role) {
      let items = dimensionOnly.get(role.name);
      if (!items) {
        items = dimensionOnlyItemsOf(role, graph);
        dimensionOnly.set(role.name, items);
      }
      return items;
    },
  };
}

/**
 * A query without metrics reads dimension tables directly (filter pickers). A role may list the
 * values of an item only when it may group one of its metrics by that item: the public cannot list
 * the schools of the school-absence model, a role without metrics lists nothing.
 */
function dimensionOnlyItemsOf(role: RoleGrant, graph: SemanticGraph): ReadonlySet<string> {
  const out = new Set<string>();
  for (const m of role.metrics) {
    for (const item of graph.groupByItemsFor([m])) if (itemAllowed(role, m, item.name)) out.add(item.name);
  }
  return out;
}
