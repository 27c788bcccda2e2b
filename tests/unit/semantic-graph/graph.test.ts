import { describe, expect, it } from 'vitest';
import { MaatstafError } from '../../../src/core/errors.js';
import { fixtureGraph } from '../../fixtures/engine/fixture.js';

const graph = fixtureGraph();
const keys = (metrics: string[]) => [...graph.availableItems(metrics).keys()].sort();

describe('semantic graph: group-by items per metric (spec 3.3)', () => {
  it('offers local items under linkable entities, joined items by first link, and two-hop items', () => {
    expect(keys(['revenue'])).toEqual([
      'customer',
      'customer__account',
      'customer__country',
      'customer__loyalty_tier',
      'customer__region',
      'customer__region__region_name',
      'customer__segment',
      'customer__signed_up_at',
      'customer__tier',
      'customer__valid_from',
      'customer__valid_to',
      'metric_time',
      'order',
      'order__amount_band',
      'order__channel',
      'order__customer',
      'order__is_gift',
      'order__ordered_at',
      'order__shipped_at',
    ]);
  });

  it('joins SCD type II models on their natural entity, at any hop as MetricFlow does (spec 4.1, 6.3)', () => {
    expect(keys(['revenue'])).toContain('customer__loyalty_tier');
    expect(keys(['item_quantity'])).toContain('order__customer__loyalty_tier');
    expect(keys(['new_customers'])).toContain('customer__loyalty_tier');
  });

  it('never joins towards a foreign entity (no fan-out) and never prefixes joins with the own primary', () => {
    const items = keys(['revenue']);
    expect(items.some((k) => k.startsWith('order_item'))).toBe(false);
    expect(items).not.toContain('order__customer__country');
    expect(items.some((k) => k.startsWith('visit'))).toBe(false);
  });

  it('reaches two links but not three', () => {
    const items = keys(['item_quantity']);
    expect(items).toContain('order__channel');
    expect(items).toContain('order__customer__country');
    expect(items).toContain('order__customer__region');
    expect(items).not.toContain('order__customer__region__region_name');
  });

  it('joins through a unique entity', () => {
    expect(keys(['visits'])).toContain('customer__tier');
  });

  it('intersects items across metrics and inputs of ratio/derived metrics', () => {
    const both = keys(['revenue', 'visits']);
    expect(both).toContain('customer__country');
    expect(both).not.toContain('order__channel');
    expect(keys(['orders_per_visit'])).toEqual(both);
    expect(keys(['revenue_per_item'])).toContain('order__channel');
  });

  it('uses the coarsest base grain for metric_time and drops date parts for cumulative metrics', () => {
    expect(graph.availableItems(['pickups']).get('metric_time')?.baseGrain).toBe('hour');
    expect(graph.availableItems(['pickups', 'revenue']).get('metric_time')?.baseGrain).toBe('day');
    expect(graph.availableItems(['revenue_mtd']).get('metric_time')?.datePartsAllowed).toBe(false);
  });

  it('lists local items of every model for queries without metrics', () => {
    const items = keys([]);
    expect(items).toContain('metric_time');
    expect(items).toContain('region__region_name');
    expect(items).toContain('order_item__product');
    expect(items).not.toContain('customer__region__region_name');
  });
});

describe('semantic graph: default grains and catalogue', () => {
  it('defaults metric_time to day, or the coarsest base grain (spec 3.5)', () => {
    expect(graph.defaultMetricTimeGrain(['revenue'])).toBe('day');
    expect(graph.defaultMetricTimeGrain(['pickups'])).toBe('day');
    expect(graph.defaultMetricTimeGrain([])).toBe('day');
  });

  it('describes group-by items with kind, grains, date parts and labels', () => {
    const infos = graph.groupByItemsFor(['pickups']);
    expect(infos[0]).toMatchObject({ name: 'metric_time', kind: 'time', defaultGrain: 'day' });
    expect(infos[0]!.grains).toEqual(['hour', 'day', 'week', 'month', 'quarter', 'year']);
    expect(infos[0]!.dateParts).toEqual(['year', 'quarter', 'month', 'week', 'day', 'dow', 'doy', 'hour']);
    expect(infos[0]!.customGrains).toEqual(['fiscal_quarter']);
    const country = graph.groupByItemsFor(['revenue']).find((i) => i.name === 'customer__country');
    expect(country).toEqual({ name: 'customer__country', kind: 'dimension', entityPath: ['customer'], element: 'country', semanticModel: 'customers', label: 'Country' });
    const ordered = graph.groupByItemsFor(['revenue']).find((i) => i.name === 'order__ordered_at');
    expect(ordered).toMatchObject({ kind: 'time', defaultGrain: 'day', grains: ['day', 'week', 'month', 'quarter', 'year'], customGrains: ['fiscal_quarter'] });
    expect(ordered!.dateParts).not.toContain('hour');
    expect(graph.groupByItemsFor(['revenue']).find((i) => i.name === 'customer')).toMatchObject({ kind: 'entity', entityPath: [] });
  });

  it('rejects unknown metrics with suggestions', () => {
    expect(() => graph.groupByItemsFor(['revenu'])).toThrow(MaatstafError);
    try {
      graph.groupByItemsFor(['revenu']);
    } catch (e) {
      expect((e as MaatstafError).code).toBe('UNKNOWN_METRIC');
      expect((e as MaatstafError).details.suggestions).toContain('revenue');
    }
  });

  it('hides measure-only hidden metrics from the metric list', () => {
    expect(graph.metricNames).toContain('revenue');
    expect(graph.metricNames).not.toContain('order_total');
  });
});

describe('semantic graph: lineage', () => {
  it('lists the metrics, models, relations, expressions and filters a metric reads', () => {
    const l = graph.lineage('web_share_derived');
    expect(l.metrics).toEqual(['web_share_derived', 'revenue']);
    expect(l.semanticModels).toEqual(['orders']);
    expect(l.relations).toEqual(['fct_orders']);
    expect(l.reads).toEqual([
      { semanticModel: 'orders', role: 'aggregation', name: 'revenue', expr: 'amount' },
      { semanticModel: 'orders', role: 'agg_time_dimension', name: 'ordered_at', expr: 'ordered_at' },
    ]);
    expect(l.filters).toEqual([{ metric: 'web_share_derived', input: 'web', filter: "{{ Dimension('order__channel') }} = 'web'" }]);
    expect(graph.lineage('orders_per_visit').semanticModels).toEqual(['orders', 'visits']);
  });
});
