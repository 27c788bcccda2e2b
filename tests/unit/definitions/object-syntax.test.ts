import { describe, expect, it } from 'vitest';
import { isTimeGrain } from '../../../src/core/time.js';
import { parseObjectCall } from '../../../src/definitions/object-syntax/call-parser.js';
import { filterCalls } from '../../../src/definitions/object-syntax/filter-calls.js';
import { parseGroupByItem, toDunderName } from '../../../src/definitions/object-syntax/group-by-item.js';

const isGrain = (s: string) => isTimeGrain(s) || s === 'fiscal_quarter';
const dunder = (text: string) => toDunderName(parseGroupByItem(text), isGrain);

describe('object syntax', () => {
  it('parses calls with literals, keyword arguments and method chains', () => {
    expect(parseObjectCall(`TimeDimension('metric_time', "week", entity_path=['a', 'b']).descending(True)`)).toEqual({
      fn: 'TimeDimension',
      args: ['metric_time', 'week'],
      kwargs: { entity_path: ['a', 'b'] },
      methods: [{ name: 'descending', args: [true], kwargs: {} }],
    });
    expect(() => parseObjectCall("Dimension('x'")).toThrow("expected ',' or ')' but found the end of the call");
    expect(() => parseObjectCall('Dimension(x)')).toThrow("unexpected name 'x' (quote strings)");
    expect(() => parseObjectCall("Dimension('x') + 1")).toThrow('unexpected');
  });

  it('accepts every Jinja literal MetricFlow accepts: tuples, lists, None/True/False in any case, numbers, escapes', () => {
    expect(parseObjectCall("Dimension('booking__is_instant', entity_path=())")).toMatchObject({ args: ['booking__is_instant'], kwargs: { entity_path: [] } });
    expect(parseObjectCall("Dimension('x', entity_path=('a',))").kwargs).toEqual({ entity_path: ['a'] });
    expect(parseObjectCall("Dimension('x', entity_path=('a', 'b'), y=('c'))").kwargs).toEqual({ entity_path: ['a', 'b'], y: 'c' });
    expect(parseObjectCall("Metric('m', group_by=['a',],)").kwargs).toEqual({ group_by: ['a'] });
    expect(parseObjectCall(String.raw`F(none, None, true, False, 3, -1.5, "it\"s", 'a\'b')`).args).toEqual([null, null, true, false, 3, -1.5, 'it"s', "a'b"]);
    expect(() => parseObjectCall("F('a', k=1, k=2)")).toThrow("F() got more than one value for 'k'");
    expect(() => parseObjectCall("F(k=1, 'a')")).toThrow('a positional argument cannot follow a keyword argument');
  });

  it('is the parser the planner uses: the same call reads the same in a saved query and in a filter', () => {
    expect(dunder("Dimension('is_instant', entity_path=('booking',))")).toBe('booking__is_instant');
    const [call] = filterCalls("{{ Dimension('booking__is_instant', entity_path=()) }} AND {{ TimeDimension('metric_time', 'day', entity_path=()) }} = '2020-01-01'");
    expect(call).toMatchObject({ ok: true, ref: { kind: 'dimension', name: 'booking__is_instant', entityPath: [] } });
  });

  it.each([
    ["TimeDimension('metric_time', 'week')", 'metric_time__week'],
    ["TimeDimension('metric_time', time_granularity_name='Month')", 'metric_time__month'],
    ["TimeDimension('order__ordered_at', date_part_name='dow')", 'order__ordered_at__extract_dow'],
    ["TimeDimension('metric_time')", 'metric_time'],
    ["TimeDimension('metric_time', 'fiscal_quarter')", 'metric_time__fiscal_quarter'],
    ["Dimension('customer__country')", 'customer__country'],
    ["Dimension('Customer__Country')", 'customer__country'],
    ["Dimension('country', entity_path=['customer'])", 'customer__country'],
    ["Dimension('x__ds').grain('month')", 'x__ds__month'],
    ["Dimension('x__ds').date_part('year')", 'x__ds__extract_year'],
    ["Dimension('metric_time').grain('week').descending(True)", 'metric_time__week'],
    ["Entity('customer')", 'customer'],
    ["Entity('region', entity_path=['customer'])", 'customer__region'],
    ["Metric('revenue', group_by=['customer'])", 'customer__revenue'],
    ['metric_time__week', 'metric_time__week'],
    ['  Customer__Region__Region_Name ', 'customer__region__region_name'],
    ['order__ordered_at__extract_year', 'order__ordered_at__extract_year'],
  ])('%s → %s', (text, expected) => {
    expect(dunder(text)).toBe(expected);
  });

  it('reads descending from the chain or the argument', () => {
    expect(parseGroupByItem("Metric('revenue').descending(True)")).toMatchObject({ kind: 'metric', name: 'revenue', descending: true });
    expect(parseGroupByItem("TimeDimension('metric_time', 'day', descending=False)")).toMatchObject({ descending: false });
    expect(parseGroupByItem('revenue').descending).toBeUndefined();
  });

  it('rejects unknown calls, arguments and methods with suggestions', () => {
    expect(() => parseGroupByItem("Dimesion('x')")).toThrow("unknown call 'Dimesion' (expected Dimension, TimeDimension, Entity, Metric) (did you mean 'Dimension'?)");
    expect(() => parseGroupByItem("Dimension('x', entity_pth=['a'])")).toThrow("Dimension() has no argument 'entity_pth' (did you mean 'entity_path'?)");
    expect(() => parseGroupByItem("Entity('x').grain('day')")).toThrow("Entity() has no method 'grain'");
    expect(() => parseGroupByItem('Dimension(1)')).toThrow('Dimension() needs a quoted name as its first argument');
  });

  it('finds the {{ }} calls of a filter', () => {
    const calls = filterCalls("{{ Dimension('order__channel') }} = 'web' AND {{TimeDimension('metric_time', 'month')}} > '2024-01-01' OR {{ var('x') }}");
    expect(calls.map((c) => (c.ok ? `${c.ref.kind}:${c.ref.name}:${c.ref.grain ?? ''}` : `error:${c.reason}`))).toEqual([
      'dimension:order__channel:',
      'time_dimension:metric_time:month',
      "error:unknown call 'var' (expected Dimension, TimeDimension, Entity, Metric)",
    ]);
    expect(filterCalls("{{ Dimension('a__b') = 1")).toEqual([{ ok: false, text: "{{ Dimension('a__b') = 1", reason: "unbalanced '{{' / '}}'" }]);
  });
});
