/**
 * Checks the references of a policy against the loaded definitions: metric names, owners and tags
 * in selectors, role names in `includes` and `anonymous_role`, group-by item names, and row
 * filters (the same filter syntax queries use, parsed and resolved here so a typo fails at load,
 * not on the first query). Names that do not resolve are errors with a did-you-mean; globs that
 * match nothing and row filters some granted metrics cannot take are warnings.
 */
import { isMaatstafError } from '../core/errors.js';
import { didYouMean } from '../definitions/did-you-mean.js';
import type { IssueLog } from '../definitions/source/issue-log.js';
import { metricGovernance } from '../engine/governance.js';
import { parseFilter } from '../planner/filter-api.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import { compilePolicy, globToRegExp, isGlob } from './grants.js';
import { DEFAULT_ANONYMOUS_ROLE, type AccessPolicySpec, type MetricSelector } from './policy-schema.js';

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] => (v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T]);

interface Vocabulary {
  readonly metrics: readonly string[];
  readonly owners: readonly string[];
  readonly tags: readonly string[];
  /** Every group-by item name (without grain) of any metric or of queries without metrics. */
  readonly items: readonly string[];
}

function vocabulary(graph: SemanticGraph): Vocabulary {
  const owners = new Set<string>();
  const tags = new Set<string>();
  const items = new Set(graph.groupByItemsFor([]).map((i) => i.name));
  for (const m of graph.metricNames) {
    const g = metricGovernance(graph.metric(m)!);
    if (g.owner) owners.add(g.owner);
    for (const t of g.tags) tags.add(t);
    for (const i of graph.groupByItemsFor([m])) items.add(i.name);
  }
  return { metrics: graph.metricNames, owners: [...owners].sort(), tags: [...tags].sort(), items: [...items].sort() };
}

export function validatePolicy(spec: AccessPolicySpec, graph: SemanticGraph, file: string, log: IssueLog): void {
  const vocab = vocabulary(graph);
  const roleNames = Object.keys(spec.roles);

  const checkName = (name: string, candidates: readonly string[], kind: string, path: string) => {
    if (isGlob(name)) {
      const re = globToRegExp(name);
      if (!candidates.some((c) => re.test(c))) log.warning(file, path, `pattern '${name}' matches no ${kind}`);
    } else if (!candidates.includes(name.toLowerCase())) {
      log.error(file, path, `unknown ${kind} '${name}'${didYouMean(name.toLowerCase(), candidates)}`);
    }
  };
  const checkCi = (value: string, candidates: readonly string[], kind: string, path: string) => {
    if (!candidates.some((c) => c.toLowerCase() === value.toLowerCase())) {
      log.error(file, path, `no metric has ${kind} '${value}'${didYouMean(value, candidates)}`);
    }
  };
  const checkSelector = (sel: MetricSelector, path: string) => {
    if (typeof sel === 'string') return checkName(sel, vocab.metrics, 'metric', path);
    asList(sel.name).forEach((n, i) => checkName(n, vocab.metrics, 'metric', Array.isArray(sel.name) ? `${path}.name[${i}]` : `${path}.name`));
    asList(sel.owner).forEach((o, i) => checkCi(o, vocab.owners, 'owner', Array.isArray(sel.owner) ? `${path}.owner[${i}]` : `${path}.owner`));
    asList(sel.tag).forEach((t, i) => checkCi(t, vocab.tags, 'tag', Array.isArray(sel.tag) ? `${path}.tag[${i}]` : `${path}.tag`));
  };

  const anonymous = spec.anonymous_role ?? DEFAULT_ANONYMOUS_ROLE;
  if (!roleNames.includes(anonymous)) {
    if (spec.anonymous_role !== undefined) log.error(file, 'anonymous_role', `unknown role '${anonymous}'${didYouMean(anonymous, roleNames)}`);
    else log.warning(file, 'roles', `no role '${DEFAULT_ANONYMOUS_ROLE}': anonymous callers may use no metric`);
  }

  for (const [name, role] of Object.entries(spec.roles)) {
    const base = `roles.${name}`;
    (role.includes ?? []).forEach((inc, i) => {
      if (!roleNames.includes(inc)) log.error(file, `${base}.includes[${i}]`, `unknown role '${inc}'${didYouMean(inc, roleNames)}`);
    });
    (role.metrics?.allow ?? []).forEach((s, i) => checkSelector(s, `${base}.metrics.allow[${i}]`));
    (role.metrics?.deny ?? []).forEach((s, i) => checkSelector(s, `${base}.metrics.deny[${i}]`));
    (role.group_by ?? []).forEach((rule, i) => {
      const path = `${base}.group_by[${i}]`;
      if (!rule.allow && !rule.deny) log.error(file, path, 'a group_by rule needs allow or deny (a list of group-by items)');
      asList(rule.metrics).forEach((s, j) => checkSelector(s, Array.isArray(rule.metrics) ? `${path}.metrics[${j}]` : `${path}.metrics`));
      (rule.allow ?? []).forEach((g, j) => checkName(g, vocab.items, 'group-by item', `${path}.allow[${j}]`));
      (rule.deny ?? []).forEach((g, j) => checkName(g, vocab.items, 'group-by item', `${path}.deny[${j}]`));
    });
    (role.row_filters ?? []).forEach((text, i) => checkRowFilter(text, `${base}.row_filters[${i}]`));
  }

  function checkRowFilter(text: string, path: string): string[] | undefined {
    let refs;
    try {
      refs = parseFilter(text).refs;
    } catch (e) {
      if (!isMaatstafError(e)) throw e;
      log.error(file, path, `invalid row filter: ${e.message}`);
      return undefined;
    }
    const keys: string[] = [];
    for (const ref of refs) {
      if (ref.kind === 'metric') {
        log.error(file, path, 'row filters cannot use Metric(): use Dimension(), TimeDimension() or Entity()');
        continue;
      }
      const key = [...ref.entityPath, ref.name].join('__');
      if (!vocab.items.includes(key)) log.error(file, path, `unknown group-by item '${key}' in row filter${didYouMean(key, vocab.items)}`);
      else keys.push(key);
    }
    return keys;
  }

  if (log.hasErrors) return;
  // A row filter a granted metric cannot be filtered by makes that metric's queries fail for the role.
  const compiled = compilePolicy(spec, graph);
  for (const [name, role] of Object.entries(spec.roles)) {
    (role.row_filters ?? []).forEach((text, i) => {
      const keys = parseFilter(text).refs.flatMap((r) => (r.kind === 'metric' ? [] : [[...r.entityPath, r.name].join('__')]));
      const unfit = [...compiled.roles.get(name)!.metrics].filter((m) => {
        const available = new Set(graph.groupByItemsFor([m]).map((it) => it.name));
        return keys.some((k) => !available.has(k));
      });
      if (unfit.length) {
        log.warning(
          file,
          `roles.${name}.row_filters[${i}]`,
          `metrics ${unfit.sort().join(', ')} cannot be filtered by this row filter: their queries are refused for role '${name}'`,
        );
      }
    });
  }
}
