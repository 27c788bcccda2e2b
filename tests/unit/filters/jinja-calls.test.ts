import { describe, expect, it } from 'vitest';
import { parseFilter, type FilterRef } from '../../../src/planner/filters/index.js';
import { rejection } from './helpers.js';

const refsOf = (text: string): readonly FilterRef[] => parseFilter(text).refs;

describe('Jinja calls in filters → FilterRefs', () => {
  it.each<[string, FilterRef]>([
    ["{{ Dimension('report__district') }} = 'Centrum'", { kind: 'dimension', name: 'report__district', entityPath: [] }],
    [
      "{{ Dimension('customer__country', entity_path=['order']) }} IN ('NL', 'BE')",
      { kind: 'dimension', name: 'customer__country', entityPath: ['order'] },
    ],
    ["{{ Dimension('customer__country', ['order', 'shop']) }} = 'NL'", { kind: 'dimension', name: 'customer__country', entityPath: ['order', 'shop'] }],
    ["{{ Dimension('order__ordered_at').grain('month') }} = '2024-03-01'", { kind: 'dimension', name: 'order__ordered_at', entityPath: [], grain: 'month' }],
    ["{{ Dimension('order__ordered_at').date_part('year') }} = 2024", { kind: 'dimension', name: 'order__ordered_at', entityPath: [], datePart: 'year' }],
    ["{{ Dimension('metric_time').grain('week') }} >= '2024-01-01'", { kind: 'dimension', name: 'metric_time', entityPath: [], grain: 'week' }],
    ["{{ TimeDimension('metric_time', 'month') }} >= '2024-01-01'", { kind: 'time_dimension', name: 'metric_time', entityPath: [], grain: 'month' }],
    [
      "{{ TimeDimension('order__ordered_at', time_granularity_name='day') }} = '2024-03-01'",
      { kind: 'time_dimension', name: 'order__ordered_at', entityPath: [], grain: 'day' },
    ],
    [
      "{{ TimeDimension('order__ordered_at', date_part_name='dow') }} IN (6, 7)",
      { kind: 'time_dimension', name: 'order__ordered_at', entityPath: [], datePart: 'dow' },
    ],
    [
      "{{ TimeDimension('customer__signed_up_at', 'month', entity_path=['order']) }} = '2024-01-01'",
      { kind: 'time_dimension', name: 'customer__signed_up_at', entityPath: ['order'], grain: 'month' },
    ],
    [
      "{{ TimeDimension('order__ordered_at', 'month', ['order'], None, 'year') }} = 2024",
      { kind: 'time_dimension', name: 'order__ordered_at', entityPath: ['order'], grain: 'month', datePart: 'year' },
    ],
    ["{{ TimeDimension('metric_time__month') }} = '2024-01-01'", { kind: 'time_dimension', name: 'metric_time__month', entityPath: [] }],
    ["{{ TimeDimension('metric_time__month', 'month') }} = '2024-01-01'", { kind: 'time_dimension', name: 'metric_time__month', entityPath: [], grain: 'month' }],
    ["{{ TimeDimension('metric_time', 'Fiscal_Quarter') }} = '2024-01-01'", { kind: 'time_dimension', name: 'metric_time', entityPath: [], grain: 'fiscal_quarter' }],
    ["{{ Entity('customer') }} IS NOT NULL", { kind: 'entity', name: 'customer', entityPath: [] }],
    ["{{ Entity('order__customer', entity_path=['shop']) }} IS NULL", { kind: 'entity', name: 'order__customer', entityPath: ['shop'] }],
    ["{{ Metric('order_count', group_by=['customer']) }} > 2", { kind: 'metric', name: 'order_count', groupBy: ['customer'] }],
    ["{{ Metric('revenue', ['customer__region']) }} > 100", { kind: 'metric', name: 'revenue', groupBy: ['customer__region'] }],
    ['{{ Dimension("report__district") }} = \'x\'', { kind: 'dimension', name: 'report__district', entityPath: [] }],
    ["{{Dimension('Report__District')}} = 'x'", { kind: 'dimension', name: 'report__district', entityPath: [] }],
    ["{{\n  Dimension(\n    'customer__country',\n    entity_path=['order'],\n  )\n}} = 'NL'", { kind: 'dimension', name: 'customer__country', entityPath: ['order'] }],
    ["{{ Dimension(name='report__district') }} = 'x'", { kind: 'dimension', name: 'report__district', entityPath: [] }],
    ["{{ TimeDimension('metric_time', 'day', descending=None) }} = '2024-01-01'", { kind: 'time_dimension', name: 'metric_time', entityPath: [], grain: 'day' }],
    // Jinja allows any literal where MetricFlow expects a sequence: MetricFlow's own harness writes tuples.
    ["{{ Dimension('booking__is_instant', entity_path=()) }}", { kind: 'dimension', name: 'booking__is_instant', entityPath: [] }],
    ["{{ Dimension('customer__country', entity_path=('order',)) }} = 'NL'", { kind: 'dimension', name: 'customer__country', entityPath: ['order'] }],
    ["{{ TimeDimension('metric_time', 'day', entity_path=()) }} = '2024-01-01'", { kind: 'time_dimension', name: 'metric_time', entityPath: [], grain: 'day' }],
    ["{{ Metric('bookings', group_by=('listing',)) }} > 2", { kind: 'metric', name: 'bookings', groupBy: ['listing'] }],
    ["{{ Dimension('x__y', entity_path=none) }} = TRUE", { kind: 'dimension', name: 'x__y', entityPath: [] }],
  ])('%s', (text, expected) => {
    expect(refsOf(text)).toEqual([expected]);
  });

  it('reads a bare name shaped like a group-by item as that item (MetricFlow resolves it so), after the Jinja calls', () => {
    expect(refsOf("CAST(metric_time__day AS TIMESTAMP) >= '2020-01-01'")).toEqual([{ kind: 'group_by_name', name: 'metric_time__day', entityPath: [] }]);
    expect(refsOf("{{ Dimension('a__b') }} = 1 AND Revenue_Instance__DS__Day > '2020-01-01' OR revenue_instance__ds__day IS NULL")).toEqual([
      { kind: 'dimension', name: 'a__b', entityPath: [] },
      { kind: 'group_by_name', name: 'revenue_instance__ds__day', entityPath: [] },
    ]);
  });

  it('still refuses other bare names, quoted or qualified names and single words', () => {
    expect(rejection('district = 1', 'where[0]').message).toMatch(/unknown reference 'district'/);
    expect(rejection('t.metric_time__day = 1', 'where[0]').message).toMatch(/unknown reference 't\.metric_time__day'/);
    expect(rejection('"metric_time__day" = 1', 'where[0]').message).toMatch(/quoted identifiers|not allowed/);
    expect(rejection('metric_time__ = 1', 'where[0]').message).toMatch(/unknown reference/);
  });

  it('keeps several references in order of appearance', () => {
    const refs = refsOf(
      "{{ Dimension('report__district') }} = 'Centrum' AND {{ TimeDimension('metric_time', 'month') }} >= '2024-01-01' OR {{ Entity('report') }} IS NULL",
    );
    expect(refs.map((r) => r.kind)).toEqual(['dimension', 'time_dimension', 'entity']);
  });

  it('returns deeply frozen plain data', () => {
    const f = parseFilter("{{ Dimension('customer__country', entity_path=['order']) }} IN ('NL', 'BE')");
    expect(Object.isFrozen(f)).toBe(true);
    expect(Object.isFrozen(f.refs[0])).toBe(true);
    expect(Object.isFrozen((f.refs[0] as { entityPath: readonly string[] } | undefined)?.entityPath)).toBe(true);
    expect(Object.isFrozen(f.ast)).toBe(true);
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });
});

describe('malformed Jinja is rejected with a clear message', () => {
  it.each<[string, RegExp, string[]?]>([
    ["{{ Dimension( }} = 1", /malformed Jinja call '\{\{ Dimension\( \}\}'/],
    ["{{ Dimension('a__b' }} = 1", /expected ',' or '\)'/],
    ["{{ Dimension('a__b') = 1", /unclosed '\{\{'/],
    ["{{ Dimension('a__b') }} = 1 }}", /unbalanced braces/],
    ["{ Dimension('a__b') } = 1", /unbalanced braces/],
    ["{{ }} = 1", /malformed Jinja call '\{\{ \}\}': empty call/],
    ["{{ Dimension }} = 1", /must be called with parentheses/],
    ["{{ Dimensoin('a__b') }} = 1", /unknown Jinja call 'Dimensoin'/, ['Dimension']],
    ["{{ dimension('a__b') }} = 1", /unknown Jinja call 'dimension'/, ['Dimension']],
    ["{{ TimeDimenion('metric_time') }} = 1", /unknown Jinja call/, ['TimeDimension']],
    ["{{ Metrc('x', group_by=['c']) }} = 1", /unknown Jinja call/, ['Metric']],
    ["{{ Dimension('a__b') | upper }} = 1", /unexpected character '\|'/],
    ["{{- Dimension('a__b') -}} = 1", /whitespace control/],
    ["{{ Dimension('a__b') }} = 1 {% if x %}", /Jinja statements and comments/],
    ["{# note #} {{ Dimension('a__b') }} = 1", /Jinja statements and comments/],
    ["{{ Dimension('a\\'b') }} = 1", /'a'b' is not a valid name/],
    ["{{ Dimension('a__b) }} = 1", /unterminated string at character 14/],
    ["{{ Dimension({{ Dimension('a__b') }}) }} = 1", /cannot contain another '\{\{'/],
    ["{{ Dimension('a__b', foo='x') }} = 1", /has no argument 'foo'/],
    ["{{ Dimension('a__b', entity_pth=['x']) }} = 1", /has no argument 'entity_pth'/, ['entity_path']],
    ["{{ Dimension('a__b', 'x', 'y') }} = 1", /takes at most 2 arguments/],
    ["{{ Dimension('a__b', entity_path=['x'], entity_path=['y']) }} = 1", /more than one value/],
    ["{{ Dimension(entity_path=['x'], 'a__b') }} = 1", /positional argument cannot follow a keyword/],
    ["{{ Dimension() }} = 1", /needs 'name'/],
    ["{{ Dimension(['a__b']) }} = 1", /must be a quoted string/],
    ["{{ Dimension('a__b', entity_path='order') }} = 1", /must be a list of quoted names/],
    ["{{ Dimension('a b') }} = 1", /not a valid name/],
    ["{{ Dimension('district') }} = 1", /must have the form <entity>__<dimension>/],
    ["{{ Dimension('a__b__c') }} = 1", /must have the form <entity>__<dimension>/],
    ["{{ Dimension('a__b').descending(True) }} = 1", /'descending' is not allowed in filters/],
    ["{{ TimeDimension('metric_time', descending=True) }} = 1", /'descending' is not allowed in filters/],
    ["{{ Dimension('a__b').alias('x') }} = 1", /has no method '\.alias\(\)'/],
    ["{{ Entity('customer').grain('day') }} = 1", /has no method '\.grain\(\)'/],
    ["{{ TimeDimension('metric_time', 'month').grain('day') }} = 1", /grain was already set/],
    ["{{ Dimension('a__b').date_part('year').date_part('month') }} = 1", /date part was already set/],
    ["{{ TimeDimension('order__ordered_at__month', 'day') }} = 1", /ends in grain 'month' but grain 'day'/],
    ["{{ TimeDimension('metric_time', date_part_name='yaer') }} = 1", /'yaer' is not a date part/, ['year']],
    ["{{ TimeDimension('metric_time', date_part_name='week') }} = 1", /'week' is not a date part/],
    ["{{ TimeDimension('metric_time', 'mon th') }} = 1", /not a valid time grain/],
    ["{{ Entity('customer__day') }} = 1", /must not end in a time grain/],
    ["{{ Metric('order_count') }} > 2", /group_by must name exactly one entity/],
    ["{{ Metric('order_count', group_by=[]) }} > 2", /group_by must name exactly one entity/],
    ["{{ Metric('order_count', group_by=['customer', 'shop']) }} > 2", /group_by must name exactly one entity/],
  ])('%s', (text, message, suggestions) => {
    const err = rejection(text, 'where[0]');
    expect(err.message).toMatch(message);
    expect(err.details.path).toBe('where[0]');
    if (suggestions) expect(err.details.suggestions?.slice(0, suggestions.length)).toEqual(suggestions);
  });
});
