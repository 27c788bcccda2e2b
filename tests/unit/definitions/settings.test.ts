import { describe, expect, it } from 'vitest';
import { errorsOf, parse, parseOk } from './helpers.js';

const METRICS = { 'm.yml': 'metrics:\n  - {name: revenue, type: simple, type_params: {measure: order_total}}\n' };

describe('project settings (maatstaf.yaml)', () => {
  it('works without a settings file: default time zone, no schema', () => {
    const defs = parseOk(METRICS);
    expect(defs.settings).toEqual({ timeZone: 'Europe/Amsterdam' });
    expect(defs.semanticModels[0]!.relation).toEqual({ alias: 'fct_orders' });
  });

  it('an empty settings file means defaults', () => {
    expect(parseOk(METRICS, '').settings).toEqual({ timeZone: 'Europe/Amsterdam' });
    expect(parseOk(METRICS, '# nothing yet\n').settings).toEqual({ timeZone: 'Europe/Amsterdam' });
  });

  it('reads schema and time zone', () => {
    const defs = parseOk(METRICS, 'schema: marts\ntime_zone: UTC\n');
    expect(defs.settings).toEqual({ schema: 'marts', timeZone: 'UTC' });
    expect(defs.semanticModels[0]!.relation).toEqual({ schema: 'marts', alias: 'fct_orders' });
    expect(defs.timeSpines[0]!.relation).toEqual({ schema: 'marts', alias: 'time_spine_daily' });
  });

  it('lets settingsOverride win over the file, and validates it', () => {
    const defs = parseOk(METRICS, 'schema: marts\ntime_zone: UTC\n', { settingsOverride: { schema: 'test_1', timeZone: 'America/New_York' } });
    expect(defs.settings).toEqual({ schema: 'test_1', timeZone: 'America/New_York' });
    expect(defs.semanticModels[0]!.relation.schema).toBe('test_1');
    expect(errorsOf(parse(METRICS, undefined, { settingsOverride: { timeZone: 'Mars/Base' } }))).toEqual([
      "<settings override>:1 timeZone: unknown time zone 'Mars/Base' (expected an IANA name such as Europe/Amsterdam)",
    ]);
  });

  it('rejects unknown keys and bad time zones with suggestions', () => {
    expect(errorsOf(parse(METRICS, 'schema: marts\ntimezone: UTC\n'))).toEqual([
      "maatstaf.yaml:2 timezone: unknown key 'timezone' (did you mean 'time_zone'?)",
    ]);
    expect(errorsOf(parse(METRICS, 'time_zone: Europe/Amsterdm\n'))).toEqual([
      "maatstaf.yaml:1 time_zone: unknown time zone 'Europe/Amsterdm' (expected an IANA name such as Europe/Amsterdam) (did you mean 'Europe/Amsterdam'?)",
    ]);
    expect(errorsOf(parse(METRICS, 'time_zone: 7\n'))).toEqual(['maatstaf.yaml:1 time_zone: expected a string, got number 7']);
  });

  it('spells time zones canonically', () => {
    expect(parseOk(METRICS, 'time_zone: europe/amsterdam\n').settings.timeZone).toBe('Europe/Amsterdam');
  });

  it('accepts a time spine table in the settings', () => {
    const orders = { 'models/orders.yml': ORDERS_NO_SPINE };
    const defs = parseOk(
      { ...orders, 'm.yml': 'metrics:\n  - {name: running, type: cumulative, type_params: {measure: order_total}}\n' },
      'schema: marts\ntime_spine:\n  table: calendar\n  column: day_date\n  custom_granularities: [{name: fiscal_year, column_name: fy}]\n',
    );
    expect(defs.timeSpines).toEqual([
      {
        relation: { schema: 'marts', alias: 'calendar' },
        primaryColumn: 'day_date',
        grain: 'day',
        customGranularities: [{ name: 'fiscal_year', column: 'fy' }],
        loc: { file: 'maatstaf.yaml', line: 1, path: 'time_spine' },
      },
    ]);
  });

  it('changes the version when settings change', () => {
    expect(parseOk(METRICS).version).not.toBe(parseOk(METRICS, 'schema: marts\n').version);
    expect(parseOk(METRICS, 'schema: marts\n').version).toBe(parseOk(METRICS, 'schema: marts\n').version);
  });
});

const ORDERS_NO_SPINE = `
semantic_models:
  - name: orders
    model: ref('fct_orders')
    defaults: {agg_time_dimension: ordered_at}
    entities: [{name: order, type: primary, expr: order_id}]
    dimensions: [{name: ordered_at, type: time, type_params: {time_granularity: day}}]
    measures: [{name: order_total, agg: sum, expr: amount}]
`;
