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
  };
}
