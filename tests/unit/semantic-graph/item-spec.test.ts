import { describe, expect, it } from 'vitest';
import { itemColumnName, parseItemName } from '../../../src/semantic-graph/item-spec.js';

describe('parseItemName', () => {
  it('splits links, element and grain', () => {
    expect(parseItemName('metric_time')).toEqual({ links: [], element: 'metric_time' });
    expect(parseItemName('metric_time__month')).toEqual({ links: [], element: 'metric_time', grain: 'month' });
    expect(parseItemName('customer__region__region_name')).toEqual({ links: ['customer', 'region'], element: 'region_name' });
    expect(parseItemName('order__ordered_at__week')).toEqual({ links: ['order'], element: 'ordered_at', grain: 'week' });
    expect(parseItemName('customer')).toEqual({ links: [], element: 'customer' });
  });

  it('accepts the extract suffix in string form', () => {
    expect(parseItemName('metric_time__extract_dow')).toEqual({ links: [], element: 'metric_time', datePart: 'dow' });
    expect(parseItemName('order__ordered_at__extract_year')).toEqual({ links: ['order'], element: 'ordered_at', datePart: 'year' });
  });

  it('is case-insensitive and rejects malformed names', () => {
    expect(parseItemName('Customer__Country')).toEqual({ links: ['customer'], element: 'country' });
    for (const bad of ['', '__x', 'x__', 'a___b', '1abc', 'a b', 'a-b', 'x____y']) expect(parseItemName(bad)).toBeUndefined();
  });

  it('names output columns', () => {
    expect(itemColumnName({ spec: { kind: 'metric_time' }, time: { kind: 'grain', grain: 'day' } })).toBe('metric_time__day');
    expect(itemColumnName({ spec: { kind: 'time_dimension', links: ['order'], element: 'ordered_at' }, time: { kind: 'date_part', part: 'dow' } })).toBe(
      'order__ordered_at__extract_dow',
    );
    expect(itemColumnName({ spec: { kind: 'entity', links: ['order'], element: 'customer' } })).toBe('order__customer');
  });
});
