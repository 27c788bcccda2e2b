/**
 * Protections against expensive or abusive GraphQL requests. Each is a validation rule (so a
 * refused query is never executed and the refusal is cached with the query) with a stable
 * `extensions.code`: QUERY_TOO_DEEP, QUERY_TOO_COMPLEX, TOO_MANY_ALIASES, INTROSPECTION_DISABLED.
 * Batching and the query length are checked on the HTTP request (request-guard.ts).
 */
import { GraphQLError, type ASTVisitor, type OperationDefinitionNode, type ValidationContext, type ValidationRule } from 'graphql/index.js';
import { LIST_FACTOR, RUNS_QUERY_COST, measureSelections } from './cost.js';

export interface GraphqlLimits {
  /** Deepest field nesting allowed (introspection excluded; graphql-js bounds it). */
  readonly maxDepth: number;
  /** Highest static cost allowed (see cost.ts). */
  readonly maxCost: number;
  /** Most aliased fields in one document. */
  readonly maxAliases: number;
  /** Longest query text, in characters. */
  readonly maxQueryLength: number;
  /** Most lexical tokens the parser reads before giving up. */
  readonly maxTokens: number;
}

export const DEFAULT_GRAPHQL_LIMITS: GraphqlLimits = {
  maxDepth: 8,
  maxCost: 1000,
  maxAliases: 30,
  maxQueryLength: 20_000,
  maxTokens: 5_000,
};

function refuse(context: ValidationContext, code: string, message: string, node: OperationDefinitionNode | undefined, extra: Record<string, unknown> = {}): void {
  context.reportError(new GraphQLError(message, { ...(node ? { nodes: node } : {}), extensions: { code, ...extra } }));
}

const operationLabel = (node: OperationDefinitionNode) => (node.name ? `Operation '${node.name.value}'` : 'The operation');

/** Refuses operations deeper than `maxDepth` or costlier than `maxCost`. */
export function sizeLimitRule(limits: Pick<GraphqlLimits, 'maxDepth' | 'maxCost'>): ValidationRule {
  return (context): ASTVisitor => ({
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      const size = measureSelections(context, node.selectionSet, root ?? undefined);
      if (size.depth > limits.maxDepth) {
        refuse(context, 'QUERY_TOO_DEEP', `${operationLabel(node)} nests fields ${size.depth} deep; the limit is ${limits.maxDepth}.`, node, {
          depth: size.depth,
          maxDepth: limits.maxDepth,
        });
      }
      if (size.cost > limits.maxCost) {
        refuse(
          context,
          'QUERY_TOO_COMPLEX',
          `${operationLabel(node)} costs ${size.cost}; the limit is ${limits.maxCost}. Each warehouse query costs ${RUNS_QUERY_COST} and lists count as ${LIST_FACTOR} items: ask for less, or split the request.`,
          node,
          { cost: size.cost, maxCost: limits.maxCost },
        );
      }
      return false;
    },
  });
}

/** Refuses documents with more than `maxAliases` aliased fields (the classic way to repeat one costly field). */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            refuse(context, 'TOO_MANY_ALIASES', `The query uses ${aliases} aliases; the limit is ${maxAliases}.`, undefined, { aliases, maxAliases });
          }
        },
      },
    };
  };
}

/** Refuses `__schema` and `__type` when introspection is switched off (`__typename` stays allowed). */
export const noIntrospectionRule: ValidationRule = (context): ASTVisitor => ({
  Field(node) {
    const name = node.name.value;
    if (name === '__schema' || name === '__type') {
      context.reportError(
        new GraphQLError(`GraphQL introspection is disabled on this server (field '${name}').`, { nodes: node, extensions: { code: 'INTROSPECTION_DISABLED' } }),
      );
    }
  },
});

/** The extra validation rules for a server. */
export function validationRules(limits: GraphqlLimits, introspection: boolean): ValidationRule[] {
  return [sizeLimitRule(limits), aliasLimitRule(limits.maxAliases), ...(introspection ? [] : [noIntrospectionRule])];
}
