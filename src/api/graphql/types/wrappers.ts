/** Shorthands for wrapped types: `T!` and `[T!]!`. */
import { GraphQLEnumType, GraphQLList, GraphQLNonNull, type GraphQLNullableType } from 'graphql/index.js';

export const nonNull = <T extends GraphQLNullableType>(type: T) => new GraphQLNonNull(type);

export const listOf = <T extends GraphQLNullableType>(type: T) => new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type)));

/** `[T!]` (a nullable list of non-null items), for optional list arguments. */
export const optionalListOf = <T extends GraphQLNullableType>(type: T) => new GraphQLList(new GraphQLNonNull(type));

/** An enum whose values are the given strings themselves. */
export const stringEnum = (name: string, values: readonly string[], description?: string) =>
  new GraphQLEnumType({ name, ...(description ? { description } : {}), values: Object.fromEntries(values.map((v) => [v, { value: v }])) });
