/**
 * MetricFlow's source table snapshots (tests_metricflow/fixtures/source_table_snapshots/**.yaml)
 * loaded into one PostgreSQL schema, with the column types MetricFlow's PostgreSQL DDL client uses.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { parse } from 'yaml';

interface TableSnapshot {
  readonly table_name: string;
  readonly column_definitions: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly (string | number | boolean | null)[])[];
}

const SQL_TYPES: Record<string, string> = { STRING: 'text', TIME: 'TIMESTAMP', INT: 'bigint', FLOAT: 'DOUBLE PRECISION', BOOLEAN: 'boolean' };

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await yamlFiles(path)));
    else if (e.name.endsWith('.yaml')) out.push(path);
  }
  return out.sort();
}

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

function literal(v: string | number | boolean | null, type: string): string {
  if (v === null) return 'NULL';
  if (type === 'BOOLEAN') return String(v).toLowerCase() === 'true' ? 'TRUE' : 'FALSE';
  if (type === 'INT' || type === 'FLOAT') return String(Number(v));
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** Creates every snapshot table in `schema`; returns the number of tables. */
export async function loadSnapshots(client: pg.ClientBase, dir: string, schema: string): Promise<number> {
  const files = await yamlFiles(dir);
  for (const file of files) {
    const doc = parse(await readFile(file, 'utf8')) as { table_snapshot: TableSnapshot };
    const t = doc.table_snapshot;
    const cols = t.column_definitions;
    const table = `${ident(schema)}.${ident(t.table_name)}`;
    await client.query(`CREATE TABLE ${table} (${cols.map((c) => `${ident(c.name)} ${SQL_TYPES[c.type] ?? 'text'}`).join(', ')})`);
    for (let i = 0; i < t.rows.length; i += 1000) {
      const values = t.rows.slice(i, i + 1000).map((row) => `(${row.map((v, j) => literal(v, cols[j]!.type)).join(', ')})`);
      await client.query(`INSERT INTO ${table} VALUES ${values.join(',\n')}`);
    }
  }
  return files.length;
}
