/** semantic_manifest.json: the dbt-only shapes (saved queries, legacy spines) and clear errors for bad manifests. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinitions, parseSemanticManifest } from '../../../../src/definitions/index.js';

const FILE = 'target/semantic_manifest.json';

/** A minimal manifest in dbt's shape: one model, one measure, one metric (and whatever `extra` adds). */
function manifest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    semantic_models: [
      {
        name: 'orders',
        defaults: { agg_time_dimension: 'ordered_at' },
        description: null,
        node_relation: { alias: 'fct_orders', schema_name: 'analytics', database: 'warehouse', relation_name: '"warehouse"."analytics"."fct_orders"' },
        primary_entity: null,
        entities: [{ name: 'order', description: null, type: 'primary', role: null, expr: 'order_id', metadata: null, label: null, config: { meta: {} } }],
        measures: [
          { name: 'order_total', agg: 'sum', description: null, create_metric: false, expr: 'amount', agg_params: null, metadata: null, non_additive_dimension: null, agg_time_dimension: null, label: null, config: { meta: {} } },
        ],
        dimensions: [
          { name: 'ordered_at', description: null, type: 'time', is_partition: false, type_params: { time_granularity: 'day', validity_params: null }, expr: null, metadata: null, label: null, config: { meta: {} } },
          { name: 'channel', description: null, type: 'categorical', is_partition: false, type_params: null, expr: null, metadata: null, label: 'Kanaal', config: { meta: {} } },
        ],
        label: null,
        metadata: null,
        config: { meta: { owner: 'sales' } },
      },
    ],
    metrics: [
      {
        name: 'revenue',
        description: 'Order value',
        type: 'simple',
        type_params: {
          measure: { name: 'order_total', filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null },
          numerator: null, denominator: null, expr: null, window: null, grain_to_date: null, metrics: [],
          conversion_type_params: null, cumulative_type_params: null,
          input_measures: [{ name: 'order_total', filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null }],
        },
        filter: { where_filters: [{ where_sql_template: "{{ Dimension('order__channel') }} = 'web'" }] },
        metadata: null,
        label: 'Revenue',
        config: { meta: { unit: 'EUR' } },
        time_granularity: null,
      },
    ],
    project_configuration: {
      time_spine_table_configurations: [{ location: 'warehouse.analytics.metricflow_time_spine', column_name: 'date_day', grain: 'day' }],
      metadata: null,
      dsi_package_version: { major_version: '0', minor_version: '7', patch_version: '4' },
      time_spines: [],
    },
    saved_queries: [],
    ...extra,
  };
}

const parse = (m: unknown, text = JSON.stringify(m, null, 2)) => parseSemanticManifest(FILE, text);
const errors = (r: ReturnType<typeof parse>) => r.issues.filter((i) => i.severity === 'error');

describe('reading semantic_manifest.json', () => {
  it('reads node relations, config meta, labels and where_filters', () => {
    const r = parse(manifest());
    expect(errors(r)).toEqual([]);
    const model = r.definitions!.semanticModels[0]!;
    expect(model.relation).toEqual({ database: 'warehouse', schema: 'analytics', alias: 'fct_orders' });
    const revenue = r.definitions!.metrics.find((m) => m.name === 'revenue')!;
    expect(revenue).toMatchObject({ label: 'Revenue', description: 'Order value', filters: ["{{ Dimension('order__channel') }} = 'web'"], meta: { unit: 'EUR' } });
    expect(revenue.loc.file).toBe(FILE);
  });

  it('turns legacy time_spine_table_configurations into a spine at its location', () => {
    const r = parse(manifest());
    expect(r.definitions!.timeSpines).toEqual([
      expect.objectContaining({ relation: { database: 'warehouse', schema: 'analytics', alias: 'metricflow_time_spine' }, primaryColumn: 'date_day', grain: 'day' }),
    ]);
  });

  it('prefers project_configuration.time_spines over a legacy spine of the same grain', () => {
    const m = manifest();
    (m['project_configuration'] as Record<string, unknown>)['time_spines'] = [
      {
        node_relation: { alias: 'dim_dates', schema_name: 'marts', database: null, relation_name: '"marts"."dim_dates"' },
        primary_column: { name: 'date_day', time_granularity: 'day' },
        custom_granularities: [{ name: 'fiscal_year', column_name: 'fy' }],
      },
    ];
    const spines = parse(m).definitions!.timeSpines;
    expect(spines).toHaveLength(1);
    expect(spines[0]).toMatchObject({ relation: { schema: 'marts', alias: 'dim_dates' }, customGranularities: [{ name: 'fiscal_year', column: 'fy' }] });
  });

  it('reads saved queries with where_filters and export configs', () => {
    const r = parse(
      manifest({
        saved_queries: [
          {
            name: 'weekly_revenue',
            description: 'Revenue by week',
            label: null,
            query_params: {
              metrics: ['revenue'],
              group_by: ["TimeDimension('metric_time', 'week')", "Dimension('order__channel')"],
              where: { where_filters: [{ where_sql_template: "{{ Dimension('order__channel') }} <> 'phone'" }] },
              order_by: [],
              limit: null,
            },
            exports: [{ name: 'weekly', config: { export_as: 'table', schema_name: 'exports', alias: null, database: null } }],
            metadata: null,
            config: { cache: { enabled: true }, meta: {} },
            tags: [],
          },
        ],
      }),
    );
    expect(errors(r)).toEqual([]);
    expect(r.definitions!.savedQueries[0]).toMatchObject({ name: 'weekly_revenue', metrics: ['revenue'], where: ["{{ Dimension('order__channel') }} <> 'phone'"] });
  });

  it('reads windows given as {count, granularity} in both places dbt writes them', () => {
    const m = manifest();
    const window = { count: 7, granularity: 'day' };
    (m['metrics'] as unknown[]).push({
      name: 'revenue_l7d',
      type: 'cumulative',
      type_params: {
        measure: { name: 'order_total', filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null },
        window,
        grain_to_date: null,
        metrics: [],
        cumulative_type_params: { window, grain_to_date: null, period_agg: 'first', metric: null },
      },
      filter: null,
      label: null,
      config: { meta: {} },
    });
    const r = parse(m);
    expect(errors(r)).toEqual([]);
    expect(r.definitions!.metrics.find((x) => x.name === 'revenue_l7d')).toMatchObject({ type: 'cumulative', window: { count: 7, grain: 'day' } });
  });
});

describe('bad manifests give clear errors naming the file and JSON path', () => {
  it('invalid JSON: the file and the line', () => {
    const r = parseSemanticManifest(FILE, '{\n  "semantic_models": [\n    {"name": "x",}\n  ]\n}');
    expect(r.definitions).toBeUndefined();
    expect(errors(r)).toEqual([expect.objectContaining({ file: FILE, line: 3, message: expect.stringMatching(/^not valid JSON/) })]);
  });

  it("dbt's manifest.json instead of semantic_manifest.json", () => {
    const r = parse({ metadata: {}, nodes: {}, sources: {} });
    expect(errors(r)[0]!.message).toMatch(/not a semantic manifest.*manifest\.json/);
  });

  it('an unknown measure: the JSON path and its line in the manifest', () => {
    const m = manifest();
    const metric = (m['metrics'] as Record<string, Record<string, Record<string, unknown>>>[])[0]!;
    metric['type_params']!['measure'] = { name: 'order_totl', filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null };
    const text = JSON.stringify(m, null, 2);
    const r = parse(m, text);
    const e = errors(r);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ file: FILE, path: 'metrics[0].type_params.measure.name' });
    expect(e[0]!.message).toMatch(/order_totl.*did you mean 'order_total'/);
    const lines = text.split('\n');
    expect(lines[e[0]!.line - 1]).toContain('"order_totl"');
  });

  it('a bad aggregation and a malformed filter object', () => {
    const m = manifest();
    const model = (m['semantic_models'] as Record<string, Record<string, unknown>[]>[])[0]!;
    model['measures']![0]!['agg'] = 'summ';
    (m['metrics'] as Record<string, unknown>[])[0]!['filter'] = { where: 'x' };
    const e = errors(parse(m));
    expect(e.map((i) => i.path)).toEqual(expect.arrayContaining(['semantic_models[0].measures[0].agg', 'metrics[0].filter']));
    expect(e.find((i) => i.path === 'metrics[0].filter')!.message).toMatch(/where_filters/);
    expect(e.find((i) => i.path === 'semantic_models[0].measures[0].agg')!.message).toMatch(/summ.*did you mean 'sum'/);
  });

  it('loadDefinitions: a .json path loads the manifest; a missing one is a clear config error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maatstaf-manifest-'));
    try {
      await mkdir(join(dir, 'target'));
      await writeFile(join(dir, 'target', 'semantic_manifest.json'), JSON.stringify(manifest()));
      await writeFile(join(dir, 'maatstaf.yaml'), 'time_zone: UTC\n');
      const r = await loadDefinitions(join(dir, 'target', 'semantic_manifest.json'));
      expect(errors(r)).toEqual([]);
      // maatstaf.yaml from the dbt project folder, one up from target/.
      expect(r.definitions!.settings.timeZone).toBe('UTC');
      await expect(loadDefinitions(join(dir, 'target', 'missing.json'))).rejects.toThrow(/semantic manifest not found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
