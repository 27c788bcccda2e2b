/**
 * An engine as one caller sees it. `run` and `compile` authorise every query first (authorise.ts)
 * and pass the caller's row rule and scope to the layers below (the cache keys on both). The graph and definitions it
 * exposes are narrowed to what the caller may use, so every catalogue function (metric list,
 * metric detail, group-by items, dimension values, saved queries) and every suggestion built from
 * them only ever names what the caller may use. A metric outside the caller's grants looks exactly
 * like one that does not exist: queries answer 403 FORBIDDEN for both, catalogue reads 404
 * UNKNOWN_METRIC for both, with suggestions drawn from the caller's own metrics.
 */
import { MaatstafError, isMaatstafError } from '../core/errors.js';
import { createJsonMemo } from '../core/json-memo.js';
import { suggest } from '../core/suggest.js';
import type { CompiledQuery, MetricQueryInput, RowRule } from '../core/query.js';
import type { Definitions, MetricDef } from '../definitions/model.js';
import { savedQueryRequest } from '../engine/saved-queries.js';
import type { Engine, PeekOptions, QueryClassification, QueryResult, QueryStream, RunOptions, StreamOptions } from '../engine/types.js';
import type { GroupByItemInfo, SemanticGraph } from '../semantic-graph/index.js';
import { authoriseQuery, maskRowFilterError, type AuthorisedQuery } from './authorise.js';
import type { CallerAccess } from './caller-access.js';
import { itemAllowed } from './grants.js';

function restrictedGraph(graph: SemanticGraph, access: CallerAccess): SemanticGraph {
  const metric = (name: string): MetricDef | undefined => {
    const def = graph.metric(name);
    // Hidden helpers are never queryable by name; the metrics built on them need them.
    // A metric outside the grants looks exactly like one that does not exist (no throw: callers
    // such as the audit log and deprecation headers probe names).
    return def?.hidden || access.metrics.has(name) || access.fullMetricAccess ? def : undefined;
  };
  const unknownMetric = (n: string) =>
    new MaatstafError('UNKNOWN_METRIC', `Unknown metric '${n}'.`, { name: n, suggestions: suggest(n, [...access.metrics]) });
  const itemFilter = (names: readonly string[]) => (item: GroupByItemInfo) =>
    names.length === 0
      ? access.roles.some((r) => access.dimensionOnlyItems(r).has(item.name))
      : names.every((m) => access.roles.some((r) => r.metrics.has(m) && itemAllowed(r, m, item.name)));
  return {
    ...graph,
    metricNames: graph.metricNames.filter((m) => access.metrics.has(m)),
    metric,
    groupByItemsFor(names) {
      for (const n of names) if (!metric(n)) throw unknownMetric(n);
      return graph.groupByItemsFor(names).filter(itemFilter(names));
    },
    lineage(name) {
      if (!metric(name)) throw unknownMetric(name);
      return graph.lineage(name);
    },
  };
}

function isForbidden(e: unknown): boolean {
  return isMaatstafError(e) && e.code === 'FORBIDDEN';
}

/**
 * `inner` as the caller with `access` may use it. What it learns about a query (the row rule the
 * caller's roles add) is passed up explicitly through `classify`, which the audit layer reads.
 */
export function createAccessView(inner: Engine, access: CallerAccess): Engine {
  const graph = restrictedGraph(inner.graph, access);
  // Pure in (access, graph, query): repeated queries (dashboards, cache hits) are checked once.
  const checked = createJsonMemo<AuthorisedQuery>();
  const authorise = (query: MetricQueryInput): AuthorisedQuery => checked.get('', query, () => authoriseQuery(access, inner.graph, query));
  /**
   * The options for the layer below: this caller's scope and row rule, never ones passed in (a
   * row limit from outside is kept).
   */
  const below = <O extends PeekOptions>(options: O | undefined, a: AuthorisedQuery): O => {
    const { rowRule: _passedIn, ...rest } = options ?? ({} as O);
    return { ...rest, scope: access.scope, ...(a.rowRule ? { rowRule: a.rowRule } : {}) } as O;
  };
  let savedQueries: Definitions['savedQueries'] | undefined;
  // Saved queries the caller may run; computed on first use (a resolution per saved query).
  const visibleSavedQueries = () =>
    (savedQueries ??= inner.definitions.savedQueries.filter((q) => {
      try {
        authorise(savedQueryRequest(q));
        return true;
      } catch (e) {
        if (isForbidden(e)) return false;
        return true; // a saved query that does not resolve answers its own error when run
      }
    }));
  const definitions = new Proxy(inner.definitions, {
    get(target, prop, receiver) {
      if (prop === 'savedQueries') return visibleSavedQueries();
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });

  const compile = (query: MetricQueryInput): CompiledQuery => {
    const a = authorise(query);
    try {
      return inner.compile(query, a.rowRule ? { rowRule: a.rowRule } : {});
    } catch (e) {
      throw maskRowFilterError(e, a);
    }
  };
  return {
    definitions,
    graph,
    restricted: true,
    compile,
    /**
     * Classified by the UNCHECKED engine below (sensitivity is a fact of the data, not of the
     * caller's grants), plus the row rule this caller's roles add when the query is authorised.
     */
    classify(query: MetricQueryInput): QueryClassification {
      const found = inner.classify(query);
      let rowRule: RowRule | undefined;
      try {
        rowRule = authorise(query).rowRule;
      } catch {
        rowRule = undefined; // refused or invalid: nothing is added
      }
      return rowRule === undefined ? found : { ...found, rowRule };
    },
    peek(query: MetricQueryInput, options?: PeekOptions): QueryResult | undefined {
      let a: AuthorisedQuery;
      try {
        a = authorise(query);
      } catch {
        return undefined; // refused or invalid: run reports it (and the audit records a refusal)
      }
      return inner.peek(query, below(options, a));
    },
    async run(query: MetricQueryInput, options?: RunOptions): Promise<QueryResult> {
      const a = authorise(query);
      try {
        return await inner.run(query, below(options, a));
      } catch (e) {
        throw maskRowFilterError(e, a);
      }
    },
    // Authorised and row-filtered exactly like run; errors at any batch are masked the same way.
    async stream(query: MetricQueryInput, options?: StreamOptions): Promise<QueryStream | undefined> {
      const a = authorise(query);
      let stream: QueryStream | undefined;
      try {
        stream = await inner.stream(query, below(options, a));
      } catch (e) {
        throw maskRowFilterError(e, a);
      }
      if (!stream) return undefined;
      const source = stream.batches;
      async function* batches() {
        try {
          yield* source;
        } catch (e) {
          throw maskRowFilterError(e, a);
        }
      }
      return { ...stream, batches: batches() };
    },
  };
}
