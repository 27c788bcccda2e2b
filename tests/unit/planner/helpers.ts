import { expect } from 'vitest';
import { MaatstafError } from '../../../src/core/errors.js';
import type { MetricQueryInput } from '../../../src/core/query.js';
import { MetricQuerySchema } from '../../../src/core/query.js';
import type { SemanticGraph } from '../../../src/semantic-graph/graph.js';
import { resolveQuery } from '../../../src/planner/resolve/resolve-query.js';
import type { ResolvedQuery } from '../../../src/planner/resolve/resolved-query.js';

export function resolve(graph: SemanticGraph, q: MetricQueryInput): ResolvedQuery {
  return resolveQuery(graph, MetricQuerySchema.parse(q));
}

/** The MaatstafError the query raises (fails the test when it resolves). */
export function resolveError(graph: SemanticGraph, q: MetricQueryInput): MaatstafError {
  try {
    resolve(graph, q);
  } catch (e) {
    expect(e).toBeInstanceOf(MaatstafError);
    return e as MaatstafError;
  }
  throw new Error(`expected ${JSON.stringify(q)} to fail`);
}
