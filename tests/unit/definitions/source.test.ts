import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDefinitionFiles } from '../../../src/definitions/load.js';
import { definitionsVersion } from '../../../src/definitions/version.js';
import { errorsOf, parse, parseOk, warningsOf } from './helpers.js';

const METRICS = 'metrics:\n  - {name: revenue, type: simple, type_params: {measure: order_total}}\n';

describe('reading YAML', () => {
  it('reports each unknown key on its own line, with a suggestion from that object', () => {
    const result = parse({
      'm.yml': `metrics:
  - name: revenue
    type: simple
    descripton: typo
    type_params:
      measure: order_total
      windw: 7 days
    lable: Revenue
`,
    });
    expect(errorsOf(result)).toEqual([
      "m.yml:4 metrics[0].descripton: unknown key 'descripton' (did you mean 'description'?)",
      "m.yml:7 metrics[0].type_params.windw: unknown key 'windw' (did you mean 'window'?)",
      "m.yml:8 metrics[0].lable: unknown key 'lable' (did you mean 'label'?)",
    ]);
  });

  it('explains string-or-object inputs by the form the author used', () => {
    expect(
      errorsOf(
        parse({
          'm.yml': `metrics:
  - {name: a1, type: simple, type_params: {measure: {name: order_total, fill_nulls_with: zero}}}
  - {name: a2, type: simple, type_params: {measure: [order_total]}}
  - {name: a3, type: simple, type_params: {measure: {filter: x}}}
`,
        }),
      ),
    ).toEqual([
      "m.yml:2 metrics[0].type_params.measure.fill_nulls_with: expected a number, got 'zero'",
      'm.yml:3 metrics[1].type_params.measure: expected a string or a map, got a list',
      "m.yml:4 metrics[2].type_params.measure.name: missing required key 'name'",
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(errorsOf(parse({ 'm.yml': `${METRICS}  - name: x\n    name: y\n` }))).toEqual([
      'm.yml:4: YAML syntax error: Map keys must be unique',
    ]);
  });

  it('ignores other dbt keys and dbt models without a time spine; warns about near-misses', () => {
    const result = parse({
      'm.yml': `version: 2\nsources: [{name: raw}]\nmodels:\n  - name: stg_orders\n    columns: [{name: id, granularity: bogus}]\n${METRICS}semantic_model: []\n`,
    });
    expect(errorsOf(result)).toEqual([]);
    expect(warningsOf(result)).toContain("m.yml:8 semantic_model: top-level key 'semantic_model' is ignored (did you mean 'semantic_models'?)");
  });

  it('requires lists for definition keys and a map at the top', () => {
    expect(errorsOf(parse({ 'm.yml': `${METRICS}saved_queries: {name: x}\n` }))).toEqual(['m.yml:3 saved_queries: expected a list, got a map']);
    expect(errorsOf(parse({ 'm.yml': METRICS, 'n.yml': '- a\n- b\n' }))).toEqual([
      'n.yml:1: expected a map of top-level keys (semantic_models, metrics, saved_queries, models)',
    ]);
    expect(errorsOf(parse({ 'm.yml': `${METRICS}saved_queries:\n` }))).toEqual([]);
  });

  it('drops resources with config.enabled false', () => {
    const defs = parseOk({ 'm.yml': `${METRICS}  - {name: old, type: simple, type_params: {measure: gone}, config: {enabled: false}}\n` });
    expect(defs.metrics.map((m) => m.name)).toEqual(['revenue']);
  });

  it('supports YAML anchors and merge keys', () => {
    const defs = parseOk({
      'm.yml': `metrics:
  - &base {name: revenue, type: simple, type_params: {measure: order_total}, label: Revenue}
  - <<: *base
    name: revenue_copy
    label: Revenue copy
`,
    });
    expect(defs.metrics.map((m) => [m.name, m.label])).toEqual([
      ['revenue', 'Revenue'],
      ['revenue_copy', 'Revenue copy'],
    ]);
  });

  it('lists definition files recursively, skipping settings, dbt project files and build folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maatstaf-defs-'));
    for (const [path, text] of Object.entries({
      'maatstaf.yaml': 'schema: x\n',
      'dbt_project.yml': 'name: p\nmodels: {p: {+materialized: table}}\n',
      'b/metrics.yaml': METRICS,
      'a/nested/models.YML': 'version: 2\n',
      'a/readme.md': '# not yaml',
      'target/compiled.yml': 'metrics: []\n',
      'node_modules/x/y.yml': 'metrics: []\n',
      '.hidden/z.yml': 'metrics: []\n',
      'sub/maatstaf.yaml': 'metrics: []\n',
    })) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    expect((await readDefinitionFiles(dir)).map((f) => f.path)).toEqual(['a/nested/models.YML', 'b/metrics.yaml', 'sub/maatstaf.yaml']);
  });
});

describe('definitions version', () => {
  it('is a 12-hex sha256 prefix over the sorted (path, text) pairs', () => {
    const a = definitionsVersion([
      { path: 'b.yml', text: 'x' },
      { path: 'a.yml', text: 'y' },
    ]);
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(definitionsVersion([{ path: 'a.yml', text: 'y' }, { path: 'b.yml', text: 'x' }])).toBe(a);
    expect(definitionsVersion([{ path: 'a.yml', text: 'y' }, { path: 'b.yml', text: 'x ' }])).not.toBe(a);
    expect(definitionsVersion([{ path: 'a.yml', text: 'y' }, { path: 'c.yml', text: 'x' }])).not.toBe(a);
  });

  it('is the version of parsed definitions', () => {
    const files = { 'm.yml': METRICS };
    expect(parseOk(files).version).toBe(parseOk({ ...files }).version);
    expect(parseOk({ 'm.yml': `${METRICS}# comment\n` }).version).not.toBe(parseOk(files).version);
  });
});
