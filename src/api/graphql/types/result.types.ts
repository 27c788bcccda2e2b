/** Output types for query results: the same columns, rows and meta as the REST JSON body. */
import { GraphQLBoolean, GraphQLEnumType, GraphQLFloat, GraphQLInt, GraphQLObjectType, GraphQLString } from 'graphql/index.js';
import type { CompiledQuery, OutputColumn, RollupCandidateInfo } from '../../../core/query.js';
import type { DimensionValuesPage } from '../../../engine/dimension-values.js';
import type { QueryResult, QueryResultMeta } from '../../../engine/types.js';
import type { SuppressedCells } from '../../../privacy/suppress.js';
import { JsonScalar } from '../json-scalar.js';
import { listOf, nonNull, optionalListOf } from './wrappers.js';

const ColumnKindEnum = new GraphQLEnumType({
  name: 'ColumnKind',
  values: { metric: {}, dimension: {}, time: {}, entity: {} },
});

const DataTypeEnum = new GraphQLEnumType({
  name: 'ColumnDataType',
  description: '`date`: day or coarser grain (YYYY-MM-DD); `datetime`: sub-daily, local time with offset; `integer`: date parts.',
  values: { number: {}, integer: {}, string: {}, boolean: {}, date: {}, datetime: {} },
});

export const ColumnType = new GraphQLObjectType<OutputColumn>({
  name: 'Column',
  description: 'One output column; every row has a value under its name.',
  fields: {
    name: { type: nonNull(GraphQLString), description: 'Output name, e.g. `metric_time__month`.' },
    kind: { type: nonNull(ColumnKindEnum) },
    dataType: { type: nonNull(DataTypeEnum) },
    label: { type: GraphQLString },
    unit: { type: GraphQLString },
    grain: { type: GraphQLString, description: 'Time columns: the grain, or `extract_<part>` for date parts.' },
  },
});

/** What the query resolvers return: the engine's meta plus the request id. */
export interface QueryMetaSource extends QueryResultMeta {
  readonly queryId: string;
}

const SuppressionReasonEnum = new GraphQLEnumType({
  name: 'SuppressionReason',
  values: {
    min_group_size: { description: 'Fewer than k distinct subjects behind the cell.' },
    complementary: { description: 'Withheld so that a suppressed cell cannot be recomputed from a total.' },
  },
});

const SuppressedCellsType = new GraphQLObjectType<SuppressedCells>({
  name: 'SuppressedCells',
  description: 'Cells of one row withheld (null) by small-cell suppression, as REST meta.suppressed.',
  fields: {
    row: { type: nonNull(GraphQLInt), description: 'Index into `rows` (0-based).' },
    columns: { type: listOf(GraphQLString), description: 'Metric columns withheld in that row.' },
    reason: { type: nonNull(SuppressionReasonEnum) },
    k: { type: nonNull(GraphQLInt), description: 'The minimum group size of the metric(s).' },
  },
});

const CacheOutcomeEnum = new GraphQLEnumType({
  name: 'CacheOutcome',
  description: 'How the result cache answered (REST meta.cache).',
  values: {
    hit: { description: 'From the result cache (this replica or the shared Redis tier); no warehouse query.' },
    miss: { description: 'Run on the warehouse now (or joined an identical query already running).' },
    stale: { description: 'The warehouse failed; this is the last good answer, older than the cache TTL.' },
  },
});

const RollupUseType = new GraphQLObjectType({
  name: 'RollupUse',
  description: 'A declared rollup (rollups.yml) and the age of its build.',
  fields: {
    name: { type: nonNull(GraphQLString) },
    builtAt: { type: nonNull(GraphQLString), description: 'ISO time of the build.' },
    ageSeconds: { type: nonNull(GraphQLInt) },
  },
});

export const QueryMetaType = new GraphQLObjectType<QueryMetaSource>({
  name: 'QueryMeta',
  fields: {
    queryId: { type: nonNull(GraphQLString), description: 'The request id (also in the x-request-id header and the server log).' },
    definitionsVersion: { type: nonNull(GraphQLString) },
    sqlHash: { type: nonNull(GraphQLString), description: 'Hash of the compiled SQL and parameters: equal hashes, equal numbers.' },
    rowCount: { type: nonNull(GraphQLInt) },
    durationMs: { type: nonNull(GraphQLFloat) },
    cache: { type: CacheOutcomeEnum, description: 'How the result cache answered; null when the server runs without one.' },
    suppressed: {
      type: optionalListOf(SuppressedCellsType),
      description: 'Set when the query has metrics with a minimum group size: the cells withheld as null (empty: none).',
    },
    forecast: { type: JsonScalar, description: 'Set when the query asked for `forecast` or `anomalies`: method, seasons, history and backtest, as REST meta.forecast.' },
    rollup: { type: RollupUseType, description: 'The declared rollup the answer was read from; null: from the raw tables (REST meta.rollup).' },
  },
});

export interface QueryResultSource {
  readonly columns: readonly OutputColumn[];
  readonly rows: readonly Record<string, unknown>[];
  readonly meta: QueryMetaSource;
}

/** The engine's result as the resolvers return it (rows untouched). */
export function queryResultSource(result: QueryResult, queryId: string): QueryResultSource {
  return { columns: result.columns, rows: result.rows, meta: { queryId, ...result.meta } };
}

export const QueryResultType = new GraphQLObjectType<QueryResultSource>({
  name: 'QueryResult',
  description: 'The rows of a query: the same columns, rows and meta as the REST JSON response.',
  fields: {
    columns: { type: listOf(ColumnType) },
    rows: { type: nonNull(JsonScalar), description: 'An array with one object per row, keyed by column name (as REST).' },
    meta: { type: nonNull(QueryMetaType) },
  },
});

const RollupCandidateType = new GraphQLObjectType<RollupCandidateInfo>({
  name: 'RollupCandidate',
  description: 'A declared rollup tried for a query: used, or the first rule it failed.',
  fields: {
    name: { type: nonNull(GraphQLString) },
    used: { type: nonNull(GraphQLBoolean) },
    rule: { type: GraphQLString, description: 'The first rule the rollup failed (unset when used).' },
    reason: { type: GraphQLString, description: 'That rule in words, with what to change.' },
  },
});

export const CompiledQueryType = new GraphQLObjectType<CompiledQuery>({
  name: 'CompiledQuery',
  description: 'The SQL a query compiles to; nothing runs on the warehouse.',
  fields: {
    sql: { type: nonNull(GraphQLString) },
    params: { type: nonNull(JsonScalar), description: 'Values for $1, $2, … in the SQL.' },
    columns: { type: listOf(ColumnType) },
    rollups: {
      type: optionalListOf(RollupCandidateType),
      description: 'The declared rollups in the order tried, each with the first rule it failed (null when none is declared), as REST.',
      resolve: (c) => c.rollupCandidates,
    },
  },
});

export interface DimensionValuesSource extends Omit<DimensionValuesPage, 'meta'> {
  readonly meta: QueryMetaSource;
}

export const DimensionValuesType = new GraphQLObjectType<DimensionValuesSource>({
  name: 'DimensionValues',
  description: 'One page of the distinct values of a group-by item.',
  fields: {
    name: { type: nonNull(GraphQLString) },
    column: { type: nonNull(ColumnType), description: 'The output column; its name carries the grain actually used.' },
    values: { type: nonNull(JsonScalar), description: 'An array of values (string, number, boolean or null), sorted.' },
    limit: { type: nonNull(GraphQLInt) },
    offset: { type: nonNull(GraphQLInt) },
    hasMore: { type: nonNull(GraphQLBoolean), description: 'More values follow: ask again with offset + limit.' },
    meta: { type: nonNull(QueryMetaType) },
  },
});
