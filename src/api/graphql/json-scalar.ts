/** `JSON`: result rows, bound parameters and normalised definitions, passed through unchanged. */
import { GraphQLScalarType, valueFromASTUntyped } from 'graphql/index.js';

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (object, array, string, number, boolean or null), exactly as the REST API returns it.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
