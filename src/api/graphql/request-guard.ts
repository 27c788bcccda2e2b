/**
 * Checks on the HTTP request before mercurius reads it: no batched operations (one operation per
 * request keeps every limit per request), a query text to run, and a cap on its length.
 */
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { GraphqlLimits } from './limits.js';
import { GraphqlRequestError } from './request-error.js';

function queryText(request: FastifyRequest): unknown {
  const source = request.method === 'GET' ? request.query : request.body;
  return source && typeof source === 'object' ? (source as { query?: unknown }).query : undefined;
}

/** Deepest bracket nesting ([ { ( ) outside strings the parser is asked to follow (hardening). */
export const MAX_TEXT_NESTING = 64;

/** Deepest `[ { (` nesting of a GraphQL text outside string literals; stops counting past `stopAt`. */
export function textNesting(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{' || c === '(') {
      if (++depth > max) max = depth;
      if (max > stopAt) return max;
    } else if (c === ']' || c === '}' || c === ')') depth--;
  }
  return max;
}

/** Deepest nesting of a JSON value (variables), iteratively; stops counting past `stopAt`. */
export function valueNesting(value: unknown, stopAt: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > stopAt) return max;
    if (v && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** A preValidation hook for the `/graphql` routes. */
export function requestGuard(limits: Pick<GraphqlLimits, 'maxQueryLength'>): preValidationAsyncHookHandler {
  return async (request) => {
    if (Array.isArray(request.body)) {
      throw new GraphqlRequestError('BATCHED_QUERIES_NOT_ALLOWED', 'Batched queries are not supported: send one operation per request.', {
        operations: request.body.length,
      });
    }
    const query = queryText(request);
    if (typeof query !== 'string' || query.trim() === '') {
      throw new GraphqlRequestError('GRAPHQL_PARSE_FAILED', 'No query given: POST {"query": "…"} as JSON, or GET /graphql?query=….');
    }
    if (query.length > limits.maxQueryLength) {
      throw new GraphqlRequestError('QUERY_TOO_LONG', `The query is ${query.length} characters long; the limit is ${limits.maxQueryLength}.`, {
        length: query.length,
        maxQueryLength: limits.maxQueryLength,
      });
    }
    // graphql-js parses and coerces recursively: refuse absurd nesting before it can exhaust the stack.
    const source = request.method === 'GET' ? request.query : request.body;
    const variables = source && typeof source === 'object' ? (source as { variables?: unknown }).variables : undefined;
    if (textNesting(query, MAX_TEXT_NESTING) > MAX_TEXT_NESTING || valueNesting(variables, MAX_TEXT_NESTING) > MAX_TEXT_NESTING) {
      throw new GraphqlRequestError('QUERY_TOO_DEEP', `The query or its variables nest deeper than ${MAX_TEXT_NESTING} levels.`, { maxNesting: MAX_TEXT_NESTING });
    }
  };
}
