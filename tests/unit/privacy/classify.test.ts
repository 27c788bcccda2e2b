/** Data classification by the semantic models a query reads, after names are canonicalised once. */
import { describe, expect, it } from 'vitest';
import { canonicalQuery, MetricQuerySchema, type MetricQueryInput } from '../../../src/core/query.js';
import { classifyData } from '../../../src/definitions/governance/data-sensitivity.js';
import { parseQuery } from '../../../src/engine/engine.js';
import { protectedCompiler } from '../../../src/privacy/index.js';
import { privacyDefinitions, privacyGraph } from '../../fixtures/privacy/fixture.js';

const compileProtected = protectedCompiler(privacyGraph());
const sensitivityOf = (q: MetricQueryInput) => compileProtected(parseQuery(q)).sensitivity;

describe('classifyData', () => {
  const data = classifyData(privacyDefinitions());
  it('a model takes the most sensitive level and the largest k of the metrics over it', () => {
    expect(data.models.get('care_requests')).toEqual({ sensitivity: 'personal', k: 5 });
    expect(data.models.get('open_counters')).toEqual({ sensitivity: 'public' });
  });
  it('classifies by the models read, not only by metric names', () => {
    expect(data.classify(['open_counters'], [])).toBe('public');
    expect(data.classify(['care_requests'], [])).toBe('personal');
    expect(data.classify(['open_counters'], ['visitors'])).toBe('public');
  });
  it('a metric covers the non-personal models it reads; personal models always count', () => {
    const defs = privacyDefinitions();
    const open = defs.metrics.find((m) => m.name === 'visitors')!;
    // Pretend open_counters were internal: a public metric over it stays public, its rows do not.
    const internal = classifyData({ ...defs, semanticModels: defs.semanticModels.map((m) => (m.name === 'open_counters' ? { ...m, meta: { ...m.meta, sensitivity: 'internal' } } : m)) });
    expect(internal.classify(['open_counters'], [open.name])).toBe('public');
    expect(internal.classify(['open_counters'], [])).toBe('internal');
    expect(data.classify(['open_counters', 'care_requests'], [open.name])).toBe('personal');
  });
});

describe('the protected plan carries the data sensitivity', () => {
  it('a query without metrics over a personal model is personal', () => {
    expect(sensitivityOf({ groupBy: ['request__district', 'request__age_band'] })).toBe('personal');
  });
  it('a public metric of a public model stays public', () => {
    expect(sensitivityOf({ metrics: ['visitors'], groupBy: ['metric_time__day'] })).toBe('public');
  });
  it('any spelling of a personal metric is personal', () => {
    expect(sensitivityOf({ metrics: [' CARE_Requests '], groupBy: ['Request__District'] })).toBe('personal');
  });
});

describe('canonicalQuery', () => {
  it('lower-cases and trims metric, group-by and order-by names once', () => {
    const q = canonicalQuery(MetricQuerySchema.parse({ metrics: [' Care_Requests'], groupBy: ['REQUEST__district '], orderBy: [' - Care_Requests'] }));
    expect(q.metrics).toEqual(['care_requests']);
    expect(q.groupBy).toEqual(['request__district']);
    expect(q.orderBy).toEqual(['-care_requests']);
  });
  it('parseQuery returns the canonical form', () => {
    expect(parseQuery({ metrics: ['VISITORS'] }).metrics).toEqual(['visitors']);
  });
});
