/**
 * `maatstaf rollups build`: each rollup's build query (compiled like any query, against the graph
 * with the rollup's helper metrics) stored in a table of the rollup schema, through a WRITABLE
 * connection that serving never has. A full build fills a new table and swaps it in; an
 * incremental refresh (a rollup with partition_grain, already built with the same layout) deletes
 * and refills its latest partitions in one transaction. Each build leaves a record: when, from
 * which data version (the models' refresh keys), in which time zone, how many rows.
 */
import { createHash } from 'node:crypto';
import { compileQuery } from '../../compiler/index.js';
import type { TimeGrain } from '../../core/time.js';
import { formatNaiveTime, parseNaiveTime, periodStart, timeBefore } from '../../planner/resolve/time-range.js';
import { withRollupMetrics, type RollupShape } from '../../planner/rollups/index.js';
import { bindSecret, cellKeySecretFromEnv, checkSecret, SECRET_TOKEN } from '../../privacy/cell-key.js';
import { storedHash } from './rollup-key.js';
import { buildSemanticGraph } from '../../semantic-graph/index.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import type { RollupCatalog } from './rollup-catalog.js';
import { BUILDS_TABLE, buildsTableDdl, quoteIdent } from './rollup-tables.js';

export interface BuildOptions {
  readonly catalog: RollupCatalog;
  /** The writable connection (its own, one connection: the swap and the refresh are transactions). */
  readonly write: Warehouse;
  /** Only these rollups; default all. */
  readonly names?: readonly string[];
  /** Rebuild everything, also rollups that could refresh incrementally. */
  readonly full?: boolean;
  /** Only rollups whose refresh rule says they are due (serve's scheduler). */
  readonly dueOnly?: boolean;
  readonly onProgress?: (line: string) => void;
  /**
   * The cell-key secret (default: as the engine takes it, src/privacy/cell-key.ts). A rollup of a
   * keyed personal model stores each cell's key (a sum of HMAC record keys), so its build SQL needs
   * the secret bound like a served query's; without one such a build fails with NOT_READY.
   */
  readonly cellKeySecret?: string;
  readonly now?: () => number;
}

export interface BuildReport {
  readonly name: string;
  readonly mode: 'full' | 'incremental' | 'skipped';
  readonly rows: number;
  readonly durationMs: number;
  readonly from?: string;
}

/** A hash of the refresh-key answers of the models a rollup reads: the data version it was built from. */
async function dataVersion(wh: Warehouse, catalog: RollupCatalog, models: readonly string[]): Promise<string> {
  const answers: unknown[] = [];
  for (const m of catalog.graph.definitions.semanticModels) {
    const key = m.meta['refresh_key'];
    if (!models.includes(m.name) || typeof key !== 'string' || !key.trim()) continue;
    answers.push([m.name, (await wh.query(key)).rows]);
  }
  return answers.length ? createHash('sha256').update(JSON.stringify(answers)).digest('hex').slice(0, 16) : '';
}

interface Record_ {
  readonly hash: string;
  readonly data_version: string;
  readonly built_ms: number | string;
}

async function lastBuild(wh: Warehouse, schema: string, name: string): Promise<Record_ | undefined> {
  const { rows } = await wh.query<Record_>(
    `SELECT hash, data_version, CAST(EXTRACT(EPOCH FROM built_at) * 1000 AS BIGINT) AS built_ms FROM ${quoteIdent(schema)}.${quoteIdent(BUILDS_TABLE)} WHERE name = $1`,
    [name],
  );
  return rows[0];
}

/** First time of the latest `count` partitions, from the newest key stored (undefined: empty table). */
async function refreshStart(wh: Warehouse, table: string, grain: TimeGrain, count: number): Promise<string | undefined> {
  const { rows } = await wh.query<{ latest: string | null }>(`SELECT CAST(MAX(k0) AS TEXT) AS latest FROM ${table}`);
  const latest = rows[0]?.latest ? parseNaiveTime(rows[0].latest) : undefined;
  if (!latest) return undefined;
  return formatNaiveTime(timeBefore(periodStart(latest, grain), count - 1, grain));
}

/** The build SQL ready to run: the cell-key secret bound where the SQL hashes record keys. */
function runnable(compiled: { readonly sql: string; readonly params: readonly unknown[] }, secret: string | undefined): { sql: string; params: unknown[] } {
  if (!compiled.sql.includes(SECRET_TOKEN)) return { sql: compiled.sql, params: [...compiled.params] };
  const bound = bindSecret(compiled.sql, compiled.params, checkSecret(secret));
  return { sql: bound.sql, params: bound.run };
}

function selectSql(shape: RollupShape, sql: string): string {
  const cols = shape.build.columns.map((c) => `q.${quoteIdent(c.from)} AS ${quoteIdent(c.as)}`).join(', ');
  return `SELECT ${cols} FROM (${sql}) AS q`;
}

export async function buildRollups(opts: BuildOptions): Promise<BuildReport[]> {
  const { catalog, write } = opts;
  const now = opts.now ?? Date.now;
  const secret = 'cellKeySecret' in opts ? opts.cellKeySecret : cellKeySecretFromEnv(process.env);
  const schema = quoteIdent(catalog.schema);
  const graph = buildSemanticGraph(withRollupMetrics(catalog.graph.definitions, catalog.shapes), {
    timeColumnTypes: (m, d) => catalog.graph.timeColumnType(m, d),
  });
  const unknown = (opts.names ?? []).filter((n) => !catalog.shapes.some((s) => s.def.name === n));
  if (unknown.length) throw new Error(`unknown rollup(s): ${unknown.join(', ')} (declared: ${catalog.shapes.map((s) => s.def.name).join(', ') || 'none'})`);
  await write.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await write.query(buildsTableDdl(catalog.schema));
  const reports: BuildReport[] = [];
  for (const shape of catalog.shapes) {
    const { def } = shape;
    if (opts.names?.length && !opts.names.includes(def.name)) continue;
    const started = performance.now();
    const query = { metrics: [...shape.build.metrics], groupBy: [...shape.build.groupBy], orderBy: [] };
    const models = compileQuery(graph, query).models;
    const version = await dataVersion(write, catalog, models);
    const last = await lastBuild(write, catalog.schema, def.name);
    const hash = storedHash(shape, secret);
    if (opts.dueOnly && last && last.hash === hash) {
      const age = (now() - Number(last.built_ms)) / 1000;
      const scheduled = def.refresh.everySeconds !== undefined && age >= def.refresh.everySeconds;
      const changed = def.refresh.refreshKey && version !== last.data_version;
      if (!scheduled && !changed) {
        reports.push({ name: def.name, mode: 'skipped', rows: 0, durationMs: 0 });
        continue;
      }
    }
    const table = `${schema}.${quoteIdent(def.name)}`;
    const from = !opts.full && def.partitionGrain && last?.hash === hash ? await refreshStart(write, table, def.partitionGrain, def.refresh.partitions) : undefined;
    let rows: number;
    await write.query('BEGIN');
    try {
      if (from !== undefined) {
        opts.onProgress?.(`${def.name}: refreshing the partitions from ${from.slice(0, 10)} …`);
        const compiled = runnable(compileQuery(graph, { ...query, timeRange: { start: from } }), secret);
        await write.query(`DELETE FROM ${table} WHERE k0 >= CAST($1 AS TIMESTAMP)`, [from]);
        await write.query(`INSERT INTO ${table} ${selectSql(shape, compiled.sql)}`, compiled.params);
        rows = Number((await write.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE k0 >= CAST($1 AS TIMESTAMP)`, [from])).rows[0]!.n);
      } else {
        opts.onProgress?.(`${def.name}: full build …`);
        const compiled = runnable(compileQuery(graph, query), secret);
        const fresh = `${schema}.${quoteIdent(`${def.name}__new`)}`;
        await write.query(`DROP TABLE IF EXISTS ${fresh}`);
        await write.query(`CREATE TABLE ${fresh} AS ${selectSql(shape, compiled.sql)}`, compiled.params);
        await write.query(`DROP TABLE IF EXISTS ${table}`);
        await write.query(`ALTER TABLE ${fresh} RENAME TO ${quoteIdent(def.name)}`);
        rows = Number((await write.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n);
      }
      const durationMs = Math.round(performance.now() - started);
      await write.query(
        `INSERT INTO ${schema}.${quoteIdent(BUILDS_TABLE)} (name, hash, built_at, time_zone, data_version, definitions_version, mode, row_count, duration_ms) ` +
          'VALUES ($1, $2, to_timestamp($3 / 1000.0), $4, $5, $6, $7, $8, $9) ' +
          'ON CONFLICT (name) DO UPDATE SET hash = EXCLUDED.hash, built_at = EXCLUDED.built_at, time_zone = EXCLUDED.time_zone, data_version = EXCLUDED.data_version, ' +
          'definitions_version = EXCLUDED.definitions_version, mode = EXCLUDED.mode, row_count = EXCLUDED.row_count, duration_ms = EXCLUDED.duration_ms',
        [def.name, hash, now(), catalog.graph.timeZone, version, catalog.graph.definitions.version, from !== undefined ? 'incremental' : 'full', Number(rows), durationMs],
      );
      await write.query('COMMIT');
      reports.push({ name: def.name, mode: from !== undefined ? 'incremental' : 'full', rows: Number(rows), durationMs, ...(from !== undefined ? { from } : {}) });
      opts.onProgress?.(`${def.name}: ${from !== undefined ? 'refreshed' : 'built'}, ${Number(rows)} rows in ${(durationMs / 1000).toFixed(2)} s`);
    } catch (e) {
      await write.query('ROLLBACK').catch(() => {});
      throw e;
    }
  }
  return reports;
}
