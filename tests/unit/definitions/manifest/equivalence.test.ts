/**
 * The engine fixture as dbt's semantic_manifest.json (tests/fixtures/manifest, generated from the
 * fixture YAML in dbt's shape) loads into the same definitions as the YAML tree: every fixture
 * query compiles to identical SQL and parameters.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../../src/compiler/index.js';
import { MetricQuerySchema } from '../../../../src/core/query.js';
import { parseDefinitionFiles, parseSemanticManifest, type Definitions } from '../../../../src/definitions/index.js';
import { buildSemanticGraph } from '../../../../src/semantic-graph/index.js';
import { ENGINE_CASES } from '../../../fixtures/engine/cases.js';
import { FIXTURE_TIME_TYPES } from '../../../fixtures/engine/fixture.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures');
const YAML_DIR = join(FIXTURES, 'engine', 'definitions');
const MANIFEST = readFileSync(join(FIXTURES, 'manifest', 'semantic_manifest.json'), 'utf8');
/** The manifest's node_relations name schema `fixture`; the YAML gets it from maatstaf.yaml. */
const SETTINGS = 'schema: fixture\n';

function ok(result: ReturnType<typeof parseDefinitionFiles>): Definitions {
  const errors = result.issues.filter((i) => i.severity === 'error');
  expect(errors).toEqual([]);
  return result.definitions!;
}

const fromYaml = ok(
  parseDefinitionFiles(
    readdirSync(YAML_DIR).filter((f) => f.endsWith('.yml')).map((f) => ({ path: f, text: readFileSync(join(YAML_DIR, f), 'utf8') })),
    SETTINGS,
  ),
);
const fromManifest = ok(parseSemanticManifest('target/semantic_manifest.json', MANIFEST, SETTINGS));
const graph = (d: Definitions) => buildSemanticGraph(d, { timeColumnTypes: FIXTURE_TIME_TYPES });

/** Definitions without source locations and versions (those name different files). */
function withoutLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocations);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'loc' && k !== 'version').map(([k, v]) => [k, withoutLocations(v)]));
}

describe('semantic_manifest.json ≡ the YAML tree', () => {
  it('gives the same semantic models, time spines and metric names', () => {
    expect(withoutLocations(fromManifest.semanticModels)).toEqual(withoutLocations(fromYaml.semanticModels));
    expect(withoutLocations(fromManifest.timeSpines)).toEqual(withoutLocations(fromYaml.timeSpines));
    const names = (d: Definitions) => d.metrics.map((m) => m.name).sort();
    expect(names(fromManifest)).toEqual(names(fromYaml));
  });

  it('gives the same metric definitions (created metrics aside: dbt makes them explicit)', () => {
    const strip = (d: Definitions) => Object.fromEntries(d.metrics.map((m) => [m.name, withoutLocations({ ...m, meta: undefined })]));
    expect(strip(fromManifest)).toEqual(strip(fromYaml));
  });

  const yamlGraph = graph(fromYaml);
  const manifestGraph = graph(fromManifest);
  for (const [name, query] of Object.entries(ENGINE_CASES)) {
    it(`compiles '${name}' to the same SQL`, () => {
      const input = MetricQuerySchema.parse(query);
      const a = compileQuery(yamlGraph, input);
      const b = compileQuery(manifestGraph, input);
      expect(b.sql).toBe(a.sql);
      expect(b.params).toEqual(a.params);
    });
  }
});
