/**
 * MetricFlow conformance runner: runs MetricFlow's own PostgreSQL integration cases
 * (tests_metricflow/integration/test_cases/*.yaml) through maatstaf's engine — the query model of
 * POST /v1/query — on MetricFlow's table snapshots and semantic manifests, loaded unchanged from a
 * local copy of github.com/dbt-labs/metricflow, and compares the rows with each case's check_query.
 *
 *   npm run conformance -- /path/to/metricflow [--only <text>] [--verbose] [--json]
 *   METRICFLOW_REPO=/path/to/metricflow npm run conformance
 *
 * `--json` loads each manifest as the semantic_manifest.json dbt would compile from it (manifest-json.ts).
 * The snapshots go into a scratch schema of CONFORMANCE_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test), dropped at the end. Not part of `npm test`: CI has no
 * copy of MetricFlow. Cases MetricFlow skips on PostgreSQL (approximate percentiles) are skipped.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { parseAllDocuments } from 'yaml';
import type { MetricQueryInput } from '../../src/core/query.js';
import { formatIssue, MaatstafError } from '../../src/core/errors.js';
import { loadDefinitions } from '../../src/definitions/index.js';
import { createEngine } from '../../src/engine/engine.js';
import { introspectTimeTypes } from '../../src/engine/introspect-time-types.js';
import { savedQueryRunRequest } from '../../src/engine/saved-queries.js';
import type { Engine } from '../../src/engine/types.js';
import { buildSemanticGraph } from '../../src/semantic-graph/index.js';
import { openPostgresWarehouse } from '../../src/warehouse/postgres.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { checkQueryContext } from './check-query-helpers.js';
import { compareRows, type Row } from './compare-rows.js';
import { renderTemplate } from './jinja-lite.js';
import { writeManifestJson } from './manifest-json.js';
import { loadSnapshots } from './snapshots.js';

interface TestCase {
  readonly name: string;
  readonly file: string;
  readonly model: string;
  readonly check_query: string;
  readonly metrics?: readonly string[];
  readonly group_bys?: readonly string[];
  readonly group_by_objs?: readonly { name: string; grain?: string; date_part?: string; entity_path?: readonly string[] }[];
  readonly saved_query_name?: string;
  readonly order_bys?: readonly string[];
  readonly required_features?: readonly string[];
  readonly check_order?: boolean;
  readonly allow_empty?: boolean;
  readonly time_constraint?: readonly [string, string];
  readonly where_filter?: string;
  readonly limit?: number;
  readonly min_max_only?: boolean;
  readonly apply_group_by?: boolean;
}

/** Test-case model → manifest folder (tests_metricflow/fixtures/manifest_fixtures.py). */
const MANIFESTS: Record<string, string> = {
  SIMPLE_MODEL: 'simple_manifest',
  SIMPLE_MODEL_NON_DS: 'non_sm_manifest',
  UNPARTITIONED_MULTI_HOP_JOIN_MODEL: 'multi_hop_join_manifest',
  PARTITIONED_MULTI_HOP_JOIN_MODEL: 'partitioned_multi_hop_join_manifest',
  EXTENDED_DATE_MODEL: 'extended_date_manifest',
  SCD_MODEL: 'scd_manifest',
};

/** PostgreSQL has no approximate percentiles; MetricFlow skips these cases there. */
const UNSUPPORTED_ON_POSTGRES = new Set(['APPROXIMATE_CONTINUOUS_PERCENTILE_AGGREGATION', 'APPROXIMATE_DISCRETE_PERCENTILE_AGGREGATION']);

const MANIFEST_ROOTS = [
  'metricflow_semantics/test_helpers/semantic_manifest_yamls',
  'metricflow-semantics/metricflow_semantics/test_helpers/semantic_manifest_yamls',
  'tests_metricflow_semantics/fixtures/semantic_manifest_yamls',
];

interface Args {
  readonly repo: string;
  readonly only?: string;
  readonly verbose: boolean;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let repo = process.env.METRICFLOW_REPO;
  let only: string | undefined;
  let verbose = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only') only = argv[++i];
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--json') json = true;
    else repo = a;
  }
  if (!repo) {
    console.error('usage: npm run conformance -- <path to a metricflow checkout> [--only <text>] [--verbose]  (or set METRICFLOW_REPO)');
    process.exit(2);
  }
  return { repo, verbose, json, ...(only !== undefined ? { only } : {}) };
}

async function readCases(dir: string): Promise<TestCase[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const cases: TestCase[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8')) as { toJS(): unknown }[]) {
      const data = doc.toJS() as { integration_test?: Omit<TestCase, 'file'> } | null;
      if (data?.integration_test) cases.push({ ...data.integration_test, file });
    }
  }
  return cases;
}

/** The case's group-by objects as dunder names (`{name: booking__ds, grain: week}` → `booking__ds__week`). */
function groupByNames(c: TestCase): string[] {
  const objs = (c.group_by_objs ?? []).map((o) => {
    const base = [...(o.entity_path ?? []), o.name].join('__');
    return o.date_part ? `${base}__extract_${o.date_part}` : o.grain ? `${base}__${o.grain}` : base;
  });
  return [...(c.group_bys ?? []), ...objs];
}

function buildQuery(c: TestCase, engine: Engine, ctx: ReturnType<typeof checkQueryContext>): MetricQueryInput {
  // MetricFlow's min_max_only / apply_group_by are the query model's minMaxOnly / applyGroupBy.
  const rowShape = { ...(c.min_max_only ? { minMaxOnly: true } : {}), ...(c.apply_group_by === false ? { applyGroupBy: false } : {}) };
  const where = c.where_filter ? renderTemplate(c.where_filter, ctx) : undefined;
  const timeRange = c.time_constraint ? { start: c.time_constraint[0], end: c.time_constraint[1] } : undefined;
  if (c.saved_query_name) {
    const request = savedQueryRunRequest(engine.definitions, c.saved_query_name, {
      ...(where ? { where } : {}),
      ...(timeRange ? { timeRange } : {}),
      ...(c.order_bys?.length ? { orderBy: [...c.order_bys] } : {}),
      ...(c.limit !== undefined ? { limit: c.limit } : {}),
    });
    return { ...request, ...rowShape };
  }
  return {
    metrics: [...(c.metrics ?? [])],
    groupBy: groupByNames(c),
    ...(where ? { where } : {}),
    ...(timeRange ? { timeRange } : {}),
    orderBy: [...(c.order_bys ?? [])],
    ...(c.limit !== undefined ? { limit: c.limit } : {}),
    ...rowShape,
  };
}

async function buildEngine(dir: string, warehouse: Warehouse, schema: string, json: boolean): Promise<Engine | string> {
  const vars = { source_schema: schema };
  const loaded = json ? await loadDefinitions(await writeManifestJson(dir, vars)) : await loadDefinitions(dir, { vars });
  if (!loaded.definitions) return loaded.issues.filter((i) => i.severity === 'error').map(formatIssue).join('\n');
  const types = await introspectTimeTypes(loaded.definitions, warehouse);
  const graph = buildSemanticGraph(loaded.definitions, { timeColumnTypes: types.lookup });
  return createEngine({ graph, warehouse });
}

type Outcome = { status: 'pass' } | { status: 'fail' | 'error'; reason: string } | { status: 'skip'; reason: string };

async function runCase(c: TestCase, engine: Engine | string, client: pg.ClientBase, schema: string): Promise<Outcome> {
  const missing = (c.required_features ?? []).filter((f) => UNSUPPORTED_ON_POSTGRES.has(f));
  if (missing.length > 0) return { status: 'skip', reason: `PostgreSQL lacks ${missing.join(', ')}` };
  if (typeof engine === 'string') return { status: 'error', reason: `manifest does not load: ${engine.split('\n')[0]}` };
  const ctx = checkQueryContext(schema);
  let expected: pg.QueryResult;
  try {
    expected = await client.query(renderTemplate(c.check_query, ctx));
  } catch (e) {
    return { status: 'error', reason: `runner: check_query fails on PostgreSQL: ${(e as Error).message}` };
  }
  let result;
  try {
    result = await engine.run(buildQuery(c, engine, ctx));
  } catch (e) {
    const code = e instanceof MaatstafError ? e.code : 'CRASH';
    return { status: 'error', reason: `${code}: ${(e as Error).message}` };
  }
  const diff = compareRows(
    expected.rows as Row[],
    expected.fields.map((f) => f.name),
    result.rows,
    result.columns.map((col) => col.name),
    { checkOrder: c.check_order ?? false, allowEmpty: c.allow_empty ?? false },
  );
  return diff === undefined ? { status: 'pass' } : { status: 'fail', reason: diff };
}

function findManifestRoot(repo: string): string {
  const root = MANIFEST_ROOTS.map((r) => join(repo, r)).find((p) => existsSync(p));
  if (!root) throw new Error(`no semantic_manifest_yamls folder found in ${repo} (looked in ${MANIFEST_ROOTS.join(', ')})`);
  return root;
}

/** Timestamps and numerics as text, like the warehouse gives maatstaf; compared canonically. */
const rawTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    [1082, 1114, 1184, 20, 1700].includes(oid) ? (v: string) => v : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const caseDir = join(args.repo, 'tests_metricflow/integration/test_cases');
  const snapshotDir = join(args.repo, 'tests_metricflow/fixtures/source_table_snapshots');
  const manifestRoot = findManifestRoot(args.repo);
  const url = process.env.CONFORMANCE_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `mf_conformance_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url, types: rawTypes });
  await client.connect();
  const engines = new Map<string, Engine | string>();
  let warehouse: Warehouse | undefined;
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    const tables = await loadSnapshots(client, snapshotDir, schema);
    await client.query(`SET statement_timeout = 120000`);
    warehouse = await openPostgresWarehouse({ url, schema, poolSize: 2, statementTimeoutMs: 120_000 });
    const cases = (await readCases(caseDir)).filter((c) => !args.only || `${c.file}/${c.name}`.includes(args.only));
    console.log(`MetricFlow conformance: ${cases.length} cases, ${tables} tables in schema ${schema}${args.json ? ', manifests as semantic_manifest.json' : ''}`);
    const counts = { pass: 0, fail: 0, error: 0, skip: 0 };
    for (const c of cases) {
      const folder = MANIFESTS[c.model];
      if (!folder) throw new Error(`unknown test model ${c.model} in ${c.file}/${c.name}`);
      if (!engines.has(folder)) engines.set(folder, await buildEngine(join(manifestRoot, folder), warehouse, schema, args.json));
      const outcome = await runCase(c, engines.get(folder)!, client, schema);
      counts[outcome.status]++;
      const label = { pass: 'PASS ', fail: 'FAIL ', error: 'ERROR', skip: 'SKIP ' }[outcome.status];
      const reason = 'reason' in outcome ? outcome.reason : '';
      const shown = args.verbose ? reason : (reason.split('\n')[0] ?? '').slice(0, 240);
      console.log(`${label} ${c.file}/${c.name}${shown ? `: ${shown}` : ''}`);
    }
    for (const [folder, engine] of engines) if (typeof engine === 'string') console.log(`\nmanifest ${folder} does not load:\n${engine}`);
    const runnable = counts.pass + counts.fail + counts.error;
    console.log(`\n${counts.pass} passed, ${counts.fail + counts.error} failed (${counts.fail} wrong rows, ${counts.error} errors), ${counts.skip} skipped; ${counts.pass} of ${runnable} runnable cases pass`);
    process.exitCode = counts.fail + counts.error > 0 ? 1 : 0;
  } finally {
    await warehouse?.close();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.end();
  }
}

await main();
