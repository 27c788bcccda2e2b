/** Group-by items (dimensions, time dimensions, entities) and entities as catalogue types. */
import { GraphQLObjectType, GraphQLString } from 'graphql/index.js';
import { DATE_PARTS, TIME_GRAINS } from '../../../core/time.js';
import type { GroupByItemInfo } from '../../../semantic-graph/index.js';
import { queryableNames } from '../../../semantic-graph/group-by-info.js';
import type { EntityRole, EntitySummary } from '../entities.js';
import { listOf, nonNull, optionalListOf, stringEnum } from './wrappers.js';

export const TimeGrainEnum = stringEnum('TimeGrain', TIME_GRAINS, 'A standard time grain, finest first.');
export const DatePartEnum = stringEnum('DatePart', DATE_PARTS, 'A date part, used as `<time item>__extract_<part>`.');
const DimensionKindEnum = stringEnum('DimensionKind', ['dimension', 'time', 'entity']);
const EntityTypeEnum = stringEnum('EntityType', ['primary', 'unique', 'foreign', 'natural']);

export const DimensionType = new GraphQLObjectType<GroupByItemInfo>({
  name: 'Dimension',
  description: 'A group-by item: a dimension, a time dimension (with its grains and date parts) or an entity.',
  fields: {
    name: { type: nonNull(GraphQLString), description: 'Dunder name without grain; append `__<grain>` or `__extract_<part>` for time items.' },
    kind: { type: nonNull(DimensionKindEnum) },
    entityPath: { type: listOf(GraphQLString), description: 'Entity links, outermost first.' },
    element: { type: nonNull(GraphQLString) },
    semanticModel: { type: GraphQLString, description: 'The semantic model owning the element (none for metric_time).' },
    grains: { type: optionalListOf(TimeGrainEnum), description: 'Time items: queryable grains, finest first.' },
    defaultGrain: { type: TimeGrainEnum, description: 'Time items: the grain used when none is given.' },
    dateParts: { type: optionalListOf(DatePartEnum), description: 'Time items: available date parts.' },
    customGrains: { type: optionalListOf(GraphQLString), description: 'Time items: custom granularities from the time spine.' },
    label: { type: GraphQLString },
    description: { type: GraphQLString },
    queryableNames: {
      type: listOf(GraphQLString),
      description: 'Every name to put in `groupBy` for this item: the plain name, then each grain, date part and custom grain.',
      resolve: (item) => queryableNames([item]),
    },
  },
});

const EntityRoleType = new GraphQLObjectType<EntityRole>({
  name: 'EntityRole',
  fields: {
    semanticModel: { type: nonNull(GraphQLString) },
    type: { type: nonNull(EntityTypeEnum) },
  },
});

export const EntityType = new GraphQLObjectType<EntitySummary>({
  name: 'Entity',
  description: 'A join key shared by semantic models; group by it (`district`) or prefix dimensions with it (`district__district_name`).',
  fields: {
    name: { type: nonNull(GraphQLString) },
    label: { type: GraphQLString },
    description: { type: GraphQLString },
    semanticModels: { type: listOf(EntityRoleType), description: 'The models that carry the entity, and as what.' },
  },
});
