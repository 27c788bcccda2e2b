import { describe, expect, it } from 'vitest';
import { DELIVERIES_YAML, fixtureGraph, fixtureGraphWith } from '../../fixtures/engine/fixture.js';
import { resolve, resolveError } from './helpers.js';

const graph = fixtureGraph();
const names = (metrics: string[], groupBy: string[]) => resolve(graph, { metrics, groupBy }).groupBy.map((g) => g.item.name);

describe('group-by resolution (spec 3.4-3.5)', () => {
  it('resolves omitted grains: metric_time to the default metric grain, time dimensions to their base grain', () => {
    expect(names(['revenue'], ['metric_time', 'order__ordered_at', 'customer__signed_up_at'])).toEqual([
      'metric_time__day',
      'order__ordered_at__day',
      'customer__signed_up_at__day',
    ]);
    expect(names(['pickups'], ['metric_time', 'metric_time__hour'])).toEqual(['metric_time__day', 'metric_time__hour']);
  });

  it('matches entity links as a suffix and prefers the fewest links', () => {
    expect(names(['revenue'], ['region__region_name'])).toEqual(['customer__region__region_name']);
    expect(names(['item_quantity'], ['customer__country'])).toEqual(['order__customer__country']);
    expect(names(['revenue'], ['customer__country'])).toEqual(['customer__country']);
  });

  it('matches zero links only to metric_time and bare entities', () => {
    expect(names(['revenue'], ['customer', 'order'])).toEqual(['customer', 'order']);
    const bare = resolveError(graph, { metrics: ['revenue'], groupBy: ['country'] });
    expect(bare.code).toBe('UNKNOWN_GROUP_BY');
    expect(bare.details.suggestions).toContain('customer__country');
  });

  it('resolves date parts given as __extract_<part>', () => {
    const r = resolve(graph, { metrics: ['pickups'], groupBy: ['metric_time__extract_dow', 'metric_time__extract_hour', 'pickup__picked_up_at__extract_year'] });
    expect(r.groupBy.map((g) => [g.item.name, g.item.time])).toEqual([
      ['metric_time__extract_dow', { kind: 'date_part', part: 'dow' }],
      ['metric_time__extract_hour', { kind: 'date_part', part: 'hour' }],
      ['pickup__picked_up_at__extract_year', { kind: 'date_part', part: 'year' }],
    ]);
  });

  it('resolves custom granularities as a trailing name or a filter grain', () => {
    const r = resolve(graph, {
      metrics: ['revenue', 'pickups'],
      groupBy: ['metric_time__fiscal_quarter', 'customer__signed_up_at__fiscal_quarter'],
      where: "{{ TimeDimension('metric_time', 'fiscal_quarter') }} >= '2024-01-01'",
    });
    expect(r.groupBy.map((g) => [g.item.name, g.item.time])).toEqual([
      ['metric_time__fiscal_quarter', { kind: 'custom', name: 'fiscal_quarter' }],
      ['customer__signed_up_at__fiscal_quarter', { kind: 'custom', name: 'fiscal_quarter' }],
    ]);
    expect(r.where[0]!.items[0]!.name).toBe('metric_time__fiscal_quarter');
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['customer__country__fiscal_quarter'] }).code).toBe('INVALID_GRAIN');
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['metric_time__fiscal_year'] }).code).toBe('UNKNOWN_GROUP_BY');
  });

  it('is case-insensitive', () => {
    expect(names(['revenue'], ['Customer__Country', 'METRIC_TIME__MONTH'])).toEqual(['customer__country', 'metric_time__month']);
  });

  it('reports ambiguity when two paths have the same number of links', () => {
    const g = fixtureGraphWith([DELIVERIES_YAML]);
    const e = resolveError(g, { metrics: ['delivery_count'], groupBy: ['region__region_name'] });
    expect(e.code).toBe('AMBIGUOUS_GROUP_BY');
    expect(e.details).toMatchObject({ name: 'region__region_name', path: 'groupBy[0]', suggestions: ['customer__region__region_name', 'store__region__region_name'] });
    expect(resolve(g, { metrics: ['delivery_count'], groupBy: ['store__region__region_name'] }).groupBy[0]!.item.name).toBe('store__region__region_name');
  });
});

describe('group-by errors', () => {
  it('UNKNOWN_GROUP_BY with suggestions and the available names', () => {
    const e = resolveError(graph, { metrics: ['revenue'], groupBy: ['metric_time', 'custmer__country'] });
    expect(e.code).toBe('UNKNOWN_GROUP_BY');
    expect(e.details.path).toBe('groupBy[1]');
    expect(e.details.name).toBe('custmer__country');
    expect(e.details.suggestions).toContain('customer__country');
    expect(e.details.available).toContain('order__channel');
  });

  it('INCOMPATIBLE_GROUP_BY when the item exists but not for these metrics', () => {
    const e = resolveError(graph, { metrics: ['revenue', 'visits'], groupBy: ['order__channel'] });
    expect(e.code).toBe('INCOMPATIBLE_GROUP_BY');
    expect(e.message).toContain('revenue, visits');
    expect(e.details.available).toContain('customer__country');
    expect(e.details.available).not.toContain('order__channel');
    // The fan-out direction is never available.
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['order_item__product'] }).code).toBe('INCOMPATIBLE_GROUP_BY');
  });

  it('INVALID_GRAIN for grains finer than the base grain or on categorical dimensions', () => {
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['metric_time__hour'] }).code).toBe('INVALID_GRAIN');
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['customer__country__month'] }).code).toBe('INVALID_GRAIN');
  });

  it('INVALID_DATE_PART for unknown parts and parts finer than the base grain', () => {
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['metric_time__extract_fortnight'] }).code).toBe('INVALID_DATE_PART');
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['metric_time__extract_hour'] }).code).toBe('INVALID_DATE_PART');
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['customer__country__extract_year'] }).code).toBe('INVALID_DATE_PART');
  });

  it('rejects two group-by items with the same output column', () => {
    const e = resolveError(graph, { metrics: ['revenue'], groupBy: ['metric_time', 'metric_time__day'] });
    expect(e.code).toBe('INVALID_QUERY');
    expect(e.details.path).toBe('groupBy[1]');
  });

  it('limits the available list to 50 names', () => {
    const e = resolveError(graph, { metrics: [], groupBy: ['nope'] });
    expect(e.details.available!.length).toBeLessThanOrEqual(50);
  });
});
