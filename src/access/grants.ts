/**
 * The policy compiled against one set of definitions: for each role, the metrics it may use, the
 * group-by rules it is bound by and its row-level filter. Pure; rebuilt when the definitions reload.
 */
import type { MetricDef } from '../definitions/model.js';
import { metricGovernance, type Sensitivity } from '../engine/governance.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import { metricClosure } from '../semantic-graph/metric-tree.js';
import { DEFAULT_ANONYMOUS_ROLE, type AccessPolicySpec, type MetricSelector, type RoleSpec } from './policy-schema.js';

/** Sensitivity of a metric whose meta does not say: internal (never public by accident). */
export const DEFAULT_SENSITIVITY: Sensitivity = 'internal';

export function sensitivityOf(def: MetricDef): Sensitivity {
  return metricGovernance(def).sensitivity ?? DEFAULT_SENSITIVITY;
}

/** `*` matches any run of characters; case-insensitive, whole name. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

export const isGlob = (s: string): boolean => s.includes('*');

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] => (v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T]);
const eqi = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** Whether a selector picks a metric: a name/glob, or a map whose given keys all match (each key: any of its values). */
export function selectorMatches(selector: MetricSelector, def: MetricDef): boolean {
  if (typeof selector === 'string') return globToRegExp(selector).test(def.name);
  const g = metricGovernance(def);
  const names = asList(selector.name);
  if (names.length && !names.some((n) => globToRegExp(n).test(def.name))) return false;
  const owners = asList(selector.owner);
  if (owners.length && !owners.some((o) => eqi(g.owner, o))) return false;
  const tags = asList(selector.tag);
  if (tags.length && !tags.some((t) => g.tags.some((x) => eqi(x, t)))) return false;
  const sens = asList(selector.sensitivity);
  if (sens.length && !sens.includes(sensitivityOf(def))) return false;
  return true;
}

export interface GroupByRule {
  appliesTo(metric: string): boolean;
  readonly allow?: readonly RegExp[];
  readonly deny: readonly RegExp[];
}

export interface RoleGrant {
  readonly name: string;
  readonly spec: RoleSpec;
  /** Queryable metrics the role may use (a metric only when the role may use every metric it is computed from). */
  readonly metrics: ReadonlySet<string>;
  readonly rules: readonly GroupByRule[];
  /** The role's row filters ANDed into one filter; undefined when the role sees every row. */
  readonly rowFilter?: string;
}

export interface CompiledPolicy {
  readonly anonymousRole: string;
  readonly roles: ReadonlyMap<string, RoleGrant>;
  readonly spec: AccessPolicySpec;
}

/**
 * Whether `role` may group or filter `metric` by the item `key` (dunder name without grain). With no
 * metric (a query without metrics), every rule of the role applies.
 */
export function itemAllowed(role: RoleGrant, metric: string | undefined, key: string): boolean {
  for (const rule of role.rules) {
    if (metric !== undefined && !rule.appliesTo(metric)) continue;
    if (rule.allow && !rule.allow.some((re) => re.test(key))) return false;
    if (rule.deny.some((re) => re.test(key))) return false;
  }
  return true;
}

function compileRole(name: string, spec: RoleSpec, graph: SemanticGraph): RoleGrant {
  const allow = spec.metrics?.allow ?? [];
  const deny = spec.metrics?.deny ?? [];
  const selected = new Set(
    graph.metricNames.filter((m) => {
      const def = graph.metric(m)!;
      return allow.some((s) => selectorMatches(s, def)) && !deny.some((s) => selectorMatches(s, def));
    }),
  );
  // A derived/ratio metric would show its inputs' names in its lineage: grant it only with all of them.
  const metrics = new Set(
    [...selected].filter((m) => metricClosure((n) => graph.metric(n), m).every((d) => d.hidden || selected.has(d.name))),
  );
  const rules: GroupByRule[] = (spec.group_by ?? []).map((r) => {
    const selectors = asList(r.metrics);
    return {
      appliesTo: (metric: string) => {
        if (selectors.length === 0) return true;
        const def = graph.metric(metric);
        return def !== undefined && selectors.some((s) => selectorMatches(s, def));
      },
      ...(r.allow ? { allow: r.allow.map(globToRegExp) } : {}),
      deny: (r.deny ?? []).map(globToRegExp),
    };
  });
  const filters = spec.row_filters ?? [];
  const rowFilter = filters.length === 0 ? undefined : filters.length === 1 ? filters[0]! : filters.map((f) => `(${f})`).join(' AND ');
  return { name, spec, metrics, rules, ...(rowFilter !== undefined ? { rowFilter } : {}) };
}

export function compilePolicy(spec: AccessPolicySpec, graph: SemanticGraph): CompiledPolicy {
  const roles = new Map<string, RoleGrant>();
  for (const [name, role] of Object.entries(spec.roles)) roles.set(name, compileRole(name, role, graph));
  return { anonymousRole: spec.anonymous_role ?? DEFAULT_ANONYMOUS_ROLE, roles, spec };
}
