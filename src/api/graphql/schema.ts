/**
 * The GraphQL schema for the loaded definitions: catalogue types and the Query fields, each a thin
 * adapter over the engine function REST calls for the same thing. Only the name enums depend on
 * the definitions; everything else is fixed. Root fields are nullable, so one failing field (an
 * unknown metric, a warehouse error) leaves the others of the request intact.
 */
import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, type GraphQLFieldConfigMap } from 'graphql/index.js';
import { listGroupByItems, listMetrics } from '../../engine/catalog.js';
import { dimensionValues, type DimensionValuesRequest } from '../../engine/dimension-values.js';
import { listSavedQueries, requireSavedQuery, savedQuerySummary } from '../../engine/saved-queries.js';
import type { Engine } from '../../engine/types.js';
import { runOptions, type GraphqlContext } from './context.js';
import { COMPILES, LIST, RUNS_QUERY } from './cost.js';
import { listEntities } from './entities.js';
import { JsonScalar } from './json-scalar.js';
import { summaryOf } from './metric-info.js';
import { buildNameEnums, nameType } from './name-enums.js';
import { DimensionType, EntityType } from './types/dimension.types.js';
import { MetricFilterInputType, QueryInputType, metricFilterFromInput, queryFromInput, withoutNulls } from './types/input.types.js';
import { MetricType } from './types/metric.types.js';
import { CompiledQueryType, DimensionValuesType, QueryResultType, queryResultSource } from './types/result.types.js';
import { SavedQueryType } from './types/saved-query.types.js';
import { optionalListOf } from './types/wrappers.js';

interface DimensionValuesArgs {
  readonly name: string;
  readonly metrics?: readonly string[] | null;
  readonly limit?: number | null;
  readonly offset?: number | null;
  readonly search?: string | null;
}

export interface GraphqlSchemaOptions {
  /** Name arguments as enums of the definitions' names (default); false: plain Strings (access policy, see index.ts). */
  readonly nameEnums?: boolean;
}

function queryFields(engine: Engine | undefined, opts: GraphqlSchemaOptions): GraphQLFieldConfigMap<unknown, GraphqlContext> {
  const names = opts.nameEnums === false ? {} : buildNameEnums(engine);
  const metricName = nameType(names, 'metricName');
  const groupByName = nameType(names, 'groupByName');
  const savedQueryName = nameType(names, 'savedQueryName');
  return {
    metrics: {
      type: optionalListOf(MetricType),
      description: 'The metric catalogue, optionally filtered (REST GET /v1/metrics).',
      args: { filter: { type: MetricFilterInputType } },
      extensions: LIST,
      resolve: (_root, args: { filter?: unknown }, ctx) => listMetrics(ctx.engine().graph, metricFilterFromInput(args.filter)),
    },
    metric: {
      type: MetricType,
      description: 'One metric (REST GET /v1/metrics/{name}).',
      args: { name: { type: new GraphQLNonNull(metricName) } },
      resolve: (_root, args: { name: string }, ctx) => summaryOf(ctx, args.name),
    },
    dimensions: {
      type: optionalListOf(DimensionType),
      description: 'Group-by items valid for all the given metrics together; without metrics, those a query without metrics accepts (REST GET /v1/dimensions).',
      args: { metrics: { type: optionalListOf(metricName) } },
      extensions: LIST,
      resolve: (_root, args: { metrics?: readonly string[] | null }, ctx) => listGroupByItems(ctx.engine().graph, args.metrics ?? []),
    },
    dimensionValues: {
      type: DimensionValuesType,
      description: 'Distinct values of a group-by item, sorted and paginated (REST GET /v1/dimensions/{name}/values).',
      args: {
        name: { type: new GraphQLNonNull(groupByName) },
        metrics: { type: optionalListOf(metricName), description: 'When given, the item must be available to all of them.' },
        limit: { type: GraphQLInt, description: 'Page size; default 100.' },
        offset: { type: GraphQLInt, description: 'Values to skip.' },
        search: { type: GraphQLString, description: 'Case-insensitive text the value contains.' },
      },
      extensions: RUNS_QUERY,
      resolve: async (_root, args: DimensionValuesArgs, ctx) => {
        const page = await dimensionValues(ctx.engine(), { ...(withoutNulls(args) as Omit<DimensionValuesRequest, 'name'>), name: args.name, ...runOptions(ctx) });
        return { ...page, meta: { queryId: ctx.requestId, ...page.meta } };
      },
    },
    entities: {
      type: optionalListOf(EntityType),
      description: 'The entities (join keys) of the semantic models.',
      extensions: LIST,
      resolve: (_root, _args, ctx) => {
        const engine = ctx.engine();
        if (!engine.restricted) return listEntities(engine.definitions);
        // Under an access policy: only entities the caller may use as group-by items.
        const visible = new Set(engine.graph.groupByItemsFor([]).filter((i) => i.kind === 'entity').map((i) => i.element));
        return listEntities(engine.definitions).filter((e) => visible.has(e.name));
      },
    },
    query: {
      type: QueryResultType,
      description: 'Compiles the query into one SQL statement and runs it (REST POST /v1/query).',
      args: { input: { type: new GraphQLNonNull(QueryInputType) } },
      extensions: RUNS_QUERY,
      resolve: async (_root, args: { input: unknown }, ctx) => queryResultSource(await ctx.engine().run(queryFromInput(args.input), runOptions(ctx)), ctx.requestId),
    },
    compile: {
      type: CompiledQueryType,
      description: 'The SQL a query compiles to, without running it (REST POST /v1/compile).',
      args: { input: { type: new GraphQLNonNull(QueryInputType) } },
      extensions: COMPILES,
      resolve: (_root, args: { input: unknown }, ctx) => ctx.engine().compile(queryFromInput(args.input)),
    },
    savedQueries: {
      type: optionalListOf(SavedQueryType),
      description: 'Every saved query, optionally with a tag (REST GET /v1/saved-queries).',
      args: { tag: { type: GraphQLString } },
      extensions: LIST,
      resolve: (_root, args: { tag?: string | null }, ctx) => listSavedQueries(ctx.engine().definitions, args.tag ? { tag: args.tag } : {}),
    },
    savedQuery: {
      type: SavedQueryType,
      description: 'One saved query (REST GET /v1/saved-queries/{name}); run it with `results`.',
      args: { name: { type: new GraphQLNonNull(savedQueryName) } },
      resolve: (_root, args: { name: string }, ctx) => savedQuerySummary(requireSavedQuery(ctx.engine().definitions, args.name)),
    },
  };
}

/** The schema for an engine (or, while the definitions do not load, one whose fields answer NOT_READY). */
export function buildGraphqlSchema(engine: Engine | undefined, opts: GraphqlSchemaOptions = {}): GraphQLSchema {
  const query = new GraphQLObjectType<unknown, GraphqlContext>({
    name: 'Query',
    fields: queryFields(engine, opts),
  });
  return new GraphQLSchema({
    description:
      'maatstaf metrics API. `query`/`compile` take a QueryInput with plain strings, exactly like the REST body; catalogue arguments use the MetricName, GroupByName and SavedQueryName enums of the loaded definitions for autocompletion. Error `extensions.code` values are the REST problem codes.',
    query,
    types: [JsonScalar],
  });
}
