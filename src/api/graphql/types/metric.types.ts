/**
 * The Metric type: the REST catalogue summary, the governance fields flattened onto it,
 * deprecation, and the details of `GET /v1/metrics/{name}` (group-by items, lineage, source,
 * normalised definition, example query) resolved only when asked for.
 */
import { GraphQLBoolean, GraphQLFloat, GraphQLInt, GraphQLObjectType, GraphQLString, type GraphQLFieldConfig } from 'graphql/index.js';
import type { MetricSummary } from '../../../engine/catalog.js';
import { METRIC_STATUSES, SENSITIVITIES, type MetricGovernance } from '../../../engine/governance.js';
import type { LineageFilter, LineageRead, MetricLineage } from '../../../semantic-graph/index.js';
import type { GraphqlContext } from '../context.js';
import { COMPILES, LIST, costHint } from '../cost.js';
import { JsonScalar } from '../json-scalar.js';
import { deprecationReason, detailOf, governanceOf, inputMetricNames, summaryOf } from '../metric-info.js';
import { DimensionType, TimeGrainEnum } from './dimension.types.js';
import { listOf, nonNull, stringEnum } from './wrappers.js';

export const MetricStatusEnum = stringEnum('MetricStatus', METRIC_STATUSES, 'Governance status from the metric’s meta.');
const SensitivityEnum = stringEnum('Sensitivity', SENSITIVITIES);
const MetricTypeEnum = stringEnum('MetricType', ['simple', 'ratio', 'derived', 'cumulative', 'conversion']);

const DefaultTimeType = new GraphQLObjectType<MetricSummary['defaultTime']>({
  name: 'DefaultTime',
  fields: {
    dimension: { type: nonNull(GraphQLString), description: 'Always `metric_time`.' },
    grain: { type: nonNull(TimeGrainEnum), description: 'Grain of metric_time when the query gives none.' },
    aggTimeDimensions: { type: listOf(GraphQLString), description: 'The time dimensions metric_time stands for.' },
  },
});

const LineageReadType = new GraphQLObjectType<LineageRead>({
  name: 'LineageRead',
  fields: {
    semanticModel: { type: nonNull(GraphQLString) },
    role: { type: nonNull(GraphQLString), description: '`aggregation` or `agg_time_dimension`.' },
    name: { type: nonNull(GraphQLString) },
    expr: { type: nonNull(GraphQLString), description: 'SQL expression as written in the definitions (after normalisation).' },
  },
});

const LineageFilterType = new GraphQLObjectType<LineageFilter>({
  name: 'LineageFilter',
  fields: {
    metric: { type: nonNull(GraphQLString), description: 'The metric defining the filter.' },
    input: { type: GraphQLString, description: 'Set when the filter is on an input of `metric`.' },
    filter: { type: nonNull(GraphQLString) },
  },
});

const LineageType = new GraphQLObjectType<MetricLineage>({
  name: 'MetricLineage',
  description: 'What the metric reads: metrics under it, semantic models, relations, expressions and filters.',
  fields: {
    metric: { type: nonNull(GraphQLString) },
    metrics: { type: listOf(GraphQLString), description: 'The metric and every metric it depends on, each once.' },
    semanticModels: { type: listOf(GraphQLString) },
    relations: { type: listOf(GraphQLString) },
    reads: { type: listOf(LineageReadType) },
    filters: { type: listOf(LineageFilterType) },
  },
});

const SourceLocationType = new GraphQLObjectType<{ file: string; line: number }>({
  name: 'SourceLocation',
  fields: { file: { type: nonNull(GraphQLString) }, line: { type: nonNull(GraphQLInt) } },
});

const ExampleErrorType = new GraphQLObjectType<{ code: string; message: string }>({
  name: 'ExampleError',
  fields: { code: { type: nonNull(GraphQLString) }, message: { type: nonNull(GraphQLString) } },
});

const MetricExampleType = new GraphQLObjectType({
  name: 'MetricExample',
  description: 'A small query showing the metric over time, with the SQL it compiles to.',
  fields: {
    query: { type: nonNull(JsonScalar), description: 'A QueryInput (the REST POST /v1/query body).' },
    sql: { type: GraphQLString },
    params: { type: JsonScalar },
    error: { type: ExampleErrorType, description: 'Set when the example does not compile.' },
  },
});

type Field = GraphQLFieldConfig<MetricSummary, GraphqlContext>;

/** A governance field, read from the metric's meta. */
function governance(key: keyof MetricGovernance, type: Field['type'], description?: string): Field {
  return { type, ...(description ? { description } : {}), resolve: (m, _args, ctx) => governanceOf(ctx, m.name)[key] };
}

/** A field of the full description (describeMetric), computed once per metric and request. */
function detail(type: Field['type'], pick: (d: ReturnType<typeof detailOf>) => unknown, description: string, extensions?: Field['extensions']): Field {
  return { type, description, resolve: (m, _args, ctx) => pick(detailOf(ctx, m.name)), ...(extensions ? { extensions } : {}) };
}

export const MetricType: GraphQLObjectType<MetricSummary, GraphqlContext> = new GraphQLObjectType<MetricSummary, GraphqlContext>({
  name: 'Metric',
  description: 'A metric in the catalogue, with its governance (from the definitions’ meta) and, on request, its group-by items, lineage and an example.',
  fields: () => ({
    name: { type: nonNull(GraphQLString) },
    label: { type: nonNull(GraphQLString), description: 'The definitions’ label, or the name.' },
    description: { type: GraphQLString },
    labelEn: { type: GraphQLString },
    descriptionEn: { type: GraphQLString },
    type: { type: nonNull(MetricTypeEnum) },
    unit: { type: GraphQLString },
    format: { type: GraphQLString, description: 'Display format such as `0`, `0.0` or `0.0%`.' },
    owner: { type: GraphQLString },
    status: { type: MetricStatusEnum },
    tags: { type: listOf(GraphQLString) },
    steward: governance('steward', GraphQLString),
    version: governance('version', GraphQLString, 'As written in the meta, as text.'),
    target: governance('target', GraphQLFloat),
    direction: governance('direction', GraphQLString, '`higher_is_better` or `lower_is_better`.'),
    sensitivity: governance('sensitivity', SensitivityEnum),
    minGroupSize: governance('minGroupSize', GraphQLFloat, 'Smallest group that may be shown (privacy); not enforced yet.'),
    refresh: governance('refresh', GraphQLString, 'How often the source data refreshes: `daily`, `weekly`, …'),
    definition: governance('definition', GraphQLString, 'The business definition in words.'),
    replacement: governance('replacement', GraphQLString, 'Deprecated metrics: the metric to use instead.'),
    sunset: governance('sunset', GraphQLString, 'Deprecated metrics: the day the metric stops being served.'),
    deprecatedAt: governance('deprecatedAt', GraphQLString, 'Deprecated metrics: when the deprecation took effect.'),
    isDeprecated: {
      type: nonNull(GraphQLBoolean),
      resolve: (m, _args, ctx) => governanceOf(ctx, m.name).status === 'deprecated',
    },
    deprecationReason: {
      type: GraphQLString,
      resolve: (m, _args, ctx) => deprecationReason(governanceOf(ctx, m.name)),
    },
    defaultTime: { type: nonNull(DefaultTimeType) },
    definitionHash: { type: nonNull(GraphQLString), description: 'Fingerprint of what the metric computes; changes when the numbers may change.' },
    inputs: {
      type: listOf(MetricType),
      description: 'The metrics this one is computed from (ratio numerator and denominator, derived inputs, …), each once; hidden helper metrics left out.',
      // Metrics have few inputs, and each is described once per request however often it recurs.
      extensions: costHint({ listFactor: 2 }),
      resolve: (m, _args, ctx) => {
        const graph = ctx.engine().graph;
        const def = graph.metric(m.name);
        const names = def ? inputMetricNames(def) : [];
        return names.filter((n) => graph.metric(n)?.hidden === false).map((n) => summaryOf(ctx, n));
      },
    },
    dimensions: detail(listOf(DimensionType), (d) => d.groupBy, 'Every group-by item the metric accepts.', LIST),
    lineage: detail(nonNull(LineageType), (d) => d.lineage, 'What the metric reads.'),
    source: detail(nonNull(SourceLocationType), (d) => d.source, 'Where the metric is defined.'),
    normalisedDefinition: detail(nonNull(JsonScalar), (d) => d.definition, 'The normalised definition every stage reads.'),
    example: detail(nonNull(MetricExampleType), (d) => d.example, 'A query by month with its compiled SQL.', COMPILES),
  }),
});
