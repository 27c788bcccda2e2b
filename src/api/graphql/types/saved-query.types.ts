/** Saved queries (KPI endpoints): the catalogue entry and `results`, which runs it. */
import { GraphQLInt, GraphQLObjectType, GraphQLString } from 'graphql/index.js';
import { savedQueryRunRequest, type SavedQueryRequest, type SavedQuerySummary } from '../../../engine/saved-queries.js';
import { runOptions, type GraphqlContext } from '../context.js';
import { RUNS_QUERY } from '../cost.js';
import { savedQueryParamsFromArgs, TimeRangeInputType } from './input.types.js';
import { QueryResultType, queryResultSource } from './result.types.js';
import { listOf, nonNull, optionalListOf } from './wrappers.js';

const SavedQueryDefinitionType = new GraphQLObjectType<SavedQueryRequest>({
  name: 'SavedQueryDefinition',
  description: 'The query a saved query runs, as a QueryInput (orderBy with `-` for descending).',
  fields: {
    metrics: { type: listOf(GraphQLString) },
    groupBy: { type: listOf(GraphQLString) },
    where: { type: optionalListOf(GraphQLString) },
    orderBy: { type: listOf(GraphQLString) },
    limit: { type: GraphQLInt },
  },
});

export const SavedQueryType = new GraphQLObjectType<SavedQuerySummary, GraphqlContext>({
  name: 'SavedQuery',
  description: 'A named, reviewed query: a KPI endpoint.',
  fields: {
    name: { type: nonNull(GraphQLString) },
    label: { type: nonNull(GraphQLString), description: 'The definitions’ label, or the name.' },
    description: { type: GraphQLString },
    tags: { type: listOf(GraphQLString) },
    query: { type: nonNull(SavedQueryDefinitionType) },
    results: {
      type: QueryResultType,
      description: 'Runs the saved query. `where` filters are ANDed with the saved ones; `orderBy` and `limit` replace the saved ones; `timeRange` constrains metric_time.',
      args: {
        where: { type: optionalListOf(GraphQLString), description: 'Filter(s) ANDed with the saved query’s own filters.' },
        timeRange: { type: TimeRangeInputType },
        orderBy: { type: optionalListOf(GraphQLString), description: 'Replaces the saved order. Output names; prefix - for descending.' },
        limit: { type: GraphQLInt, description: 'Replaces the saved limit.' },
      },
      extensions: RUNS_QUERY,
      resolve: async (saved, args, ctx) => {
        const engine = ctx.engine();
        const query = savedQueryRunRequest(engine.definitions, saved.name, savedQueryParamsFromArgs(args));
        return queryResultSource(await engine.run(query, runOptions(ctx)), ctx.requestId);
      },
    },
  },
});
