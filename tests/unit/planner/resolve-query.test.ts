import { describe, expect, it } from 'vitest';
import { fixtureGraph, fixtureGraphWith } from '../../fixtures/engine/fixture.js';
import { resolve, resolveError } from './helpers.js';

const graph = fixtureGraph();

describe('metric resolution', () => {
  it('UNKNOWN_METRIC with suggestions; hidden metrics are unknown', () => {
    const e = resolveError(graph, { metrics: ['revenu'] });
    expect(e.code).toBe('UNKNOWN_METRIC');
    expect(e.status).toBe(404);
    expect(e.details).toMatchObject({ name: 'revenu', path: 'metrics[0]' });
    expect(e.details.suggestions).toContain('revenue');
    expect(resolveError(graph, { metrics: ['order_total'] }).code).toBe('UNKNOWN_METRIC');
  });

  it('DUPLICATE_METRIC', () => {
    const e = resolveError(graph, { metrics: ['revenue', 'Revenue'] });
    expect(e.code).toBe('DUPLICATE_METRIC');
    expect(e.details.path).toBe('metrics[1]');
  });

  it('resolves Metric() filter references to the entity and a metric tree (spec 3.7)', () => {
    const [f] = resolve(graph, { metrics: ['item_quantity'], where: "{{ Metric('visits', group_by=['order__customer']) }} > 1" }).where;
    expect(f!.items.map((i) => i.name)).toEqual(['order__customer']);
    expect(f!.metricRefs?.[0]).toMatchObject({ column: 'order__customer__visits', entity: { name: 'customer' }, metric: { kind: 'simple', name: 'visits' } });
    // Dimension-values queries take Metric() filters too (MetricFlow does).
    expect(resolve(graph, { groupBy: ['customer'], where: "{{ Metric('visits', group_by=['customer']) }} > 1" }).where[0]!.metricRefs?.[0]).toMatchObject({ column: 'customer__visits' });
    expect(resolveError(graph, { metrics: ['revenue'], where: "{{ Metric('visitz', group_by=['customer']) }} > 1" }).details.suggestions).toContain('visits');
  });

  it('UNSUPPORTED_QUERY for cumulative metrics over semi-additive inputs', () => {
    const g = fixtureGraphWith([
      {
        path: 'x.yml',
        text: `metrics:\n  - { name: balance_l7d, type: cumulative, type_params: { measure: total_balance, cumulative_type_params: { window: 7 days } } }\n`,
      },
    ]);
    expect(resolveError(g, { metrics: ['balance_l7d'], groupBy: ['metric_time'] }).code).toBe('UNSUPPORTED_QUERY');
  });

  it('resolves cumulative metrics with their simple input and its filters', () => {
    const m = resolve(graph, { metrics: ['card_payments_mtd'], groupBy: ['metric_time__month'] }).metrics[0]!;
    expect(m.kind).toBe('cumulative');
    if (m.kind !== 'cumulative') return;
    expect(m.input.metric.name).toBe('card_payments');
    expect(m.input.metric.filters.map((f) => f.items.map((i) => i.name))).toEqual([['payment__method']]);
    expect(m.def).toMatchObject({ grainToDate: 'month', periodAgg: 'last' });
  });

  it('windowed and grain-to-date cumulative metrics need metric_time or the agg time dimension (spec 3.10)', () => {
    const e = resolveError(graph, { metrics: ['payments', 'payments_l7d'], groupBy: ['customer__country'] });
    expect(e.code).toBe('INVALID_QUERY');
    expect(e.details).toMatchObject({ name: 'payments_l7d', path: 'metrics[1]' });
    expect(e.message).toContain('payment__paid_at');
    // Also when nested under a derived metric.
    expect(resolveError(graph, { metrics: ['card_mtd_share'], groupBy: ['payment__method'] }).details).toMatchObject({ name: 'card_payments_mtd', path: 'metrics[0]' });
    expect(resolve(graph, { metrics: ['payments_ytd'], groupBy: ['payment__paid_at__month'] }).metrics).toHaveLength(1);
    // All-time cumulative metrics need no time item.
    expect(resolve(graph, { metrics: ['payments_all_time'] }).metrics).toHaveLength(1);
  });

  it('resolves input offsets; derived metrics with offsets need metric_time (spec 3.10)', () => {
    const m = resolve(graph, { metrics: ['payments_yoy'], groupBy: ['metric_time__month'] }).metrics[0]!;
    expect(m.kind === 'derived' && m.inputs.map((i) => i.offset)).toEqual([undefined, { kind: 'window', count: 1, grain: 'year' }]);
    const e = resolveError(graph, { metrics: ['payments_yoy'], groupBy: ['customer__country'] });
    expect(e.code).toBe('INVALID_QUERY');
    expect(e.message).toContain('last_year');
    expect(resolve(graph, { metrics: ['revenue_wow'], groupBy: ['order__ordered_at__week'] }).metrics).toHaveLength(1);
    expect(resolveError(graph, { metrics: ['payments_at_month_start'], groupBy: ['metric_time__day', 'metric_time__extract_dow'] }).code).toBe('INVALID_DATE_PART');
  });

  it('cumulative metrics cannot be grouped by date parts', () => {
    expect(resolveError(graph, { metrics: ['payments_ytd'], groupBy: ['metric_time__month', 'metric_time__extract_month'] }).code).toBe('INVALID_DATE_PART');
  });

  it('builds the metric tree with aliases and input filters', () => {
    const r = resolve(graph, { metrics: ['web_order_share'] });
    const m = r.metrics[0]!;
    expect(m.kind).toBe('ratio');
    if (m.kind !== 'ratio') return;
    expect(m.numerator.column).toBe('web_orders');
    expect(m.numerator.filters.map((f) => f.items.map((i) => i.name))).toEqual([['order__channel']]);
    expect(m.denominator.column).toBe('order_count');
    expect(m.denominator.filters).toEqual([]);
  });

  it('needs at least one metric or group-by item', () => {
    expect(resolveError(graph, {}).code).toBe('INVALID_QUERY');
  });

  it('collects every problem into one error', () => {
    const e = resolveError(graph, { metrics: ['revenu', 'visits'], groupBy: ['nope'], orderBy: ['zzz'], timeRange: { start: 'yesterday' } });
    expect(e.code).toBe('UNKNOWN_METRIC');
    expect(e.details.issues!.map((i) => i.code)).toEqual(['UNKNOWN_METRIC', 'UNKNOWN_GROUP_BY', 'INVALID_TIME_RANGE', 'INVALID_ORDER_BY']);
  });
});

describe('filters', () => {
  it('resolves references like group-by items, with entity_path, grains and defaults', () => {
    const r = resolve(graph, {
      metrics: ['revenue'],
      where: [
        "{{ Dimension('customer__country') }} = 'NL'",
        "{{ TimeDimension('metric_time', 'month') }} >= '2024-01-01'",
        "{{ Dimension('region__region_name') }} <> 'x'",
        "{{ Entity('customer') }} IS NOT NULL",
        "{{ TimeDimension('metric_time') }} IS NOT NULL",
      ],
    });
    expect(r.where.map((f) => f.items.map((i) => i.name))).toEqual([
      ['customer__country'],
      ['metric_time__month'],
      ['customer__region__region_name'],
      ['customer'],
      ['metric_time__day'],
    ]);
    const items = resolve(graph, { metrics: ['item_quantity'], where: "{{ Dimension('customer__country', entity_path=['order']) }} = 'NL'" });
    expect(items.where[0]!.items[0]!.name).toBe('order__customer__country');
  });

  it('reports filter problems with the filter path', () => {
    const bad = resolveError(graph, { metrics: ['revenue'], where: ["{{ Dimension('customer__country') }} = 'NL'", '{{ Dimension( }}'] });
    expect(bad.code).toBe('INVALID_FILTER');
    expect(bad.details.path).toBe('where[1]');
    const unknown = resolveError(graph, { metrics: ['revenue'], where: "{{ Dimension('customer__contry') }} = 'NL'" });
    expect(unknown.code).toBe('UNKNOWN_GROUP_BY');
    expect(unknown.details.path).toBe('where[0]');
    expect(unknown.details.suggestions).toContain('customer__country');
    const wrongKind = resolveError(graph, { metrics: ['revenue'], where: "{{ TimeDimension('customer__country') }} = 'NL'" });
    expect(wrongKind.code).toBe('INCOMPATIBLE_GROUP_BY');
  });
});

describe('time range (spec 3.8)', () => {
  const range = (groupBy: string[], start?: string, end?: string, metrics = ['revenue']) =>
    resolve(graph, { metrics, groupBy, timeRange: { ...(start ? { start } : {}), ...(end ? { end } : {}) } }).timeRange;

  it('widens to whole periods of the finest metric_time grain', () => {
    expect(range(['metric_time__month'], '2024-01-15', '2024-02-10')).toEqual({ start: '2024-01-01 00:00:00', endExclusive: '2024-03-01 00:00:00', grain: 'month' });
    expect(range(['metric_time__week', 'metric_time__month'], '2024-01-03', '2024-01-03')).toEqual({
      start: '2024-01-01 00:00:00',
      endExclusive: '2024-01-08 00:00:00',
      grain: 'week',
    });
    expect(range(['metric_time__quarter'], '2024-05-05', '2024-05-05')!.endExclusive).toBe('2024-07-01 00:00:00');
    expect(range(['metric_time__year'], '2024-05-05', '2024-05-05')).toMatchObject({ start: '2024-01-01 00:00:00', endExclusive: '2025-01-01 00:00:00' });
    expect(range(['metric_time__hour'], '2024-03-31T02:10:00', '2024-03-31 05:00:53', ['pickups'])).toMatchObject({
      start: '2024-03-31 02:00:00',
      endExclusive: '2024-03-31 06:00:00',
    });
  });

  it('includes the whole end day when the end is a date and the grain is finer than a day', () => {
    expect(range(['metric_time__hour'], '2024-03-31', '2024-03-31', ['pickups'])).toMatchObject({
      start: '2024-03-31 00:00:00',
      endExclusive: '2024-04-01 00:00:00',
    });
    expect(range(['metric_time__hour'], '2024-03-31', '2024-03-31 00:00', ['pickups'])!.endExclusive).toBe('2024-03-31 01:00:00');
  });

  it('uses the default metric_time grain when metric_time is not queried, and defaults missing ends', () => {
    expect(range(['customer__country'], '2024-01-15 13:00')).toEqual({ start: '2024-01-15 00:00:00', endExclusive: '2041-01-01 00:00:00', grain: 'day' });
    expect(range([], undefined, '2024-01-15')).toMatchObject({ start: '2000-01-01 00:00:00', endExclusive: '2024-01-16 00:00:00' });
  });

  it('rejects malformed, reversed and too-late ranges', () => {
    const codes = (timeRange: { start?: string; end?: string }) => resolveError(graph, { metrics: ['revenue'], timeRange }).code;
    expect(codes({ start: '2024-13-01' })).toBe('INVALID_TIME_RANGE');
    expect(codes({ start: '2024-02-30' })).toBe('INVALID_TIME_RANGE');
    expect(codes({ start: '2024-01-01T00:00:00Z' })).toBe('INVALID_TIME_RANGE');
    expect(codes({ start: '2024-02-01', end: '2024-01-01' })).toBe('INVALID_TIME_RANGE');
    expect(codes({ end: '2041-01-01' })).toBe('INVALID_TIME_RANGE');
    expect(resolveError(graph, { groupBy: ['customer__country'], timeRange: { start: '2024-01-01' } }).code).toBe('INVALID_TIME_RANGE');
  });
});

describe('order by and limit (spec 3.9)', () => {
  const order = (groupBy: string[], orderBy: string[], metrics = ['revenue']) => resolve(graph, { metrics, groupBy, orderBy }).orderBy;

  it('matches metrics and group-by items by pattern, - for descending', () => {
    expect(order(['metric_time__week'], ['-metric_time', 'revenue'])).toEqual([
      { column: 'metric_time__week', descending: true },
      { column: 'revenue', descending: false },
    ]);
    expect(order(['customer__region__region_name'], ['region__region_name'])).toEqual([{ column: 'customer__region__region_name', descending: false }]);
    expect(order(['metric_time__month', 'metric_time__day'], ['metric_time__month'])).toEqual([{ column: 'metric_time__month', descending: false }]);
  });

  it('INVALID_ORDER_BY when nothing or several outputs match', () => {
    const none = resolveError(graph, { metrics: ['revenue'], groupBy: ['metric_time'], orderBy: ['revenu'] });
    expect(none.code).toBe('INVALID_ORDER_BY');
    expect(none.details.suggestions).toContain('revenue');
    expect(resolveError(graph, { metrics: ['revenue'], groupBy: ['metric_time__month', 'metric_time__day'], orderBy: ['metric_time'] }).code).toBe(
      'INVALID_ORDER_BY',
    );
    expect(resolveError(graph, { metrics: ['revenue'], orderBy: ['customer__country'] }).code).toBe('INVALID_ORDER_BY');
  });

  it('keeps the limit', () => {
    expect(resolve(graph, { metrics: ['revenue'], limit: 0 }).limit).toBe(0);
  });
});
