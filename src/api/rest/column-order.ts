/**
 * Columns of a REST answer in the order the caller asked for them: the group-by items as listed,
 * then the metrics as listed. The engine (like MetricFlow) puts time before entities before
 * dimensions; a Power BI or Excel user who asked `groupBy=report__category,metric_time__month`
 * expects that order in the CSV. Rows are objects keyed by name, so only `columns` moves; an answer
 * already in the asked order is returned as it is (cached answers keep their encoded form).
 */
import { canonicalName, type MetricQueryInput, type OutputColumn } from '../../core/query.js';

function askedNames(query: MetricQueryInput): string[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const q = query as { groupBy?: unknown; metrics?: unknown };
  return [...list(q.groupBy), ...list(q.metrics)].map(canonicalName);
}

/** `columns` sorted by the position of the name asked for (`metric_time` asks for `metric_time__day`). */
export function inAskedOrder<C extends Pick<OutputColumn, 'name'>>(columns: readonly C[], query: MetricQueryInput): readonly C[] {
  const asked = askedNames(query);
  const rank = (name: string): number => {
    const exact = asked.indexOf(name);
    if (exact >= 0) return exact;
    const prefix = asked.findIndex((a) => name.startsWith(`${a}__`) && !asked.includes(name));
    return prefix >= 0 ? prefix : asked.length;
  };
  const sorted = columns.map((c, i) => ({ c, i, r: rank(c.name) })).sort((a, b) => a.r - b.r || a.i - b.i);
  return sorted.every((x, i) => x.i === i) ? columns : sorted.map((x) => x.c);
}

/** The answer with its columns in the asked order; the same object when they already are. */
export function withAskedOrder<R extends { readonly columns: readonly OutputColumn[] }>(result: R, query: MetricQueryInput): R {
  const columns = inAskedOrder(result.columns, query);
  return columns === result.columns ? result : { ...result, columns };
}
