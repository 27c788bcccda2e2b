import { describe, expect, it } from 'vitest';
import { DefinitionsError } from '../../../src/core/errors.js';
import { loadDefinitions, loadDefinitionsOrThrow } from '../../../src/definitions/load.js';
import { metric, simple } from './helpers.js';

const JAFFLE = 'tests/fixtures/definitions/jaffle';

describe('the jaffle fixture (dbt docs style project)', async () => {
  const result = await loadDefinitions(JAFFLE);
  const defs = result.definitions!;

  it('loads without issues', () => {
    expect(result.issues).toEqual([]);
    expect(defs).toBeDefined();
  });

  it('reads models from every folder, ignoring non-spine dbt models', () => {
    expect(defs.semanticModels.map((m) => m.name)).toEqual(['customers', 'regions', 'orders', 'visits']);
    expect(defs.timeSpines).toHaveLength(1);
  });

  it('resolves ref() into the settings schema and honours node_relation', () => {
    const rel = (name: string) => defs.semanticModels.find((m) => m.name === name)!.relation;
    expect(rel('orders')).toEqual({ schema: 'analytics', alias: 'fct_orders' });
    expect(rel('customers')).toEqual({ schema: 'analytics', alias: 'dim_customers' });
    expect(rel('visits')).toEqual({ schema: 'web', alias: 'fct_visits' });
  });

  it('reads the time spine model with its custom granularities', () => {
    const [spine] = defs.timeSpines;
    expect(spine).toMatchObject({
      relation: { schema: 'analytics', alias: 'time_spine_daily' },
      primaryColumn: 'date_day',
      grain: 'day',
      customGranularities: [
        { name: 'fiscal_quarter', column: 'fiscal_quarter_start' },
        { name: 'retail_week', column: 'retail_week' },
      ],
      loc: { file: 'models/marts/time_spine.yml', line: 4, path: 'models[0]' },
    });
  });

  it('takes settings from maatstaf.yaml', () => {
    expect(defs.settings).toEqual({ schema: 'analytics', timeZone: 'Europe/Amsterdam' });
  });

  it('merges model meta into elements, element keys winning', () => {
    const orders = defs.semanticModels.find((m) => m.name === 'orders')!;
    expect(orders.meta).toEqual({ owner: 'finance' });
    expect(orders.dimensions.find((d) => d.name === 'channel')!.meta).toEqual({ owner: 'sales' });
    expect(orders.measures.find((d) => d.name === 'order_total')!.meta).toEqual({ owner: 'finance' });
    expect(metric(defs, 'revenue').meta).toEqual({ unit: 'EUR' });
  });

  it('keeps source locations', () => {
    expect(metric(defs, 'revenue_wow').loc).toEqual({ file: 'metrics/revenue.yml', line: 55, path: 'metrics[7]' });
    const orders = defs.semanticModels.find((m) => m.name === 'orders')!;
    expect(orders.measures[1]!.loc).toEqual({ file: 'semantic_models/orders.yml', line: 37, path: 'semantic_models[0].measures[1]' });
  });

  it('creates the create_metric metric and hidden metrics for measure inputs', () => {
    expect(simple(defs, 'order_count')).toMatchObject({ hidden: false, aggregation: { agg: 'sum', expr: { sql: '1' }, measure: 'order_count' } });
    // revenue_l7d reuses the visible functional clone `revenue`; revenue_mtd needs fill_nulls_with 0.
    expect(metric(defs, 'revenue_l7d')).toMatchObject({ type: 'cumulative', input: { name: 'revenue' }, window: { count: 7, grain: 'day' } });
    expect(metric(defs, 'revenue_mtd')).toMatchObject({ input: { name: 'order_total_fill_nulls_with_0' }, grainToDate: 'month', periodAgg: 'last' });
    expect(simple(defs, 'order_total_fill_nulls_with_0')).toMatchObject({ hidden: true, aggregation: { fillNullsWith: 0, measure: 'order_total' } });
    expect(metric(defs, 'visit_to_order_rate')).toMatchObject({
      type: 'conversion',
      base: { name: 'visit_count' },
      conversion: { name: 'order_count' },
      entity: 'customer',
      calculation: 'conversion_rate',
      window: { count: 7, grain: 'day' },
    });
    expect(simple(defs, 'visit_count')).toMatchObject({ hidden: true, aggregation: { semanticModel: 'visits', aggTimeDimension: 'visited_at' } });
    expect(defs.metrics.filter((m) => m.hidden).map((m) => m.name)).toEqual(['order_total_fill_nulls_with_0', 'visit_count']);
  });

  it('normalises the saved query', () => {
    expect(defs.savedQueries[0]).toMatchObject({
      name: 'weekly_web_revenue',
      metrics: ['revenue', 'order_count'],
      groupBy: [
        'metric_time__week',
        'customer__country',
        'order__ordered_at__month',
        'order__ordered_at__extract_year',
        'customer',
        'customer__region__region_name',
      ],
      orderBy: [
        { name: 'metric_time__week', descending: true },
        { name: 'revenue', descending: false },
      ],
      limit: 100,
      tags: ['finance'],
    });
  });

  it('has a stable 12-hex version', async () => {
    expect(defs.version).toMatch(/^[0-9a-f]{12}$/);
    expect((await loadDefinitions(JAFFLE)).definitions!.version).toBe(defs.version);
  });

  it('loadDefinitionsOrThrow returns the definitions, or throws DefinitionsError with every issue', async () => {
    await expect(loadDefinitionsOrThrow(JAFFLE)).resolves.toMatchObject({ version: defs.version });
    const err = await loadDefinitionsOrThrow('tests/fixtures/definitions/mistakes').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DefinitionsError);
    expect((err as DefinitionsError).issues.length).toBeGreaterThan(10);
    expect((err as DefinitionsError).code).toBe('INVALID_DEFINITIONS');
  });

  it('rejects a folder that does not exist', async () => {
    await expect(loadDefinitions('tests/fixtures/definitions/nope')).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
