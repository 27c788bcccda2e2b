/** Names and DDL of the rollup schema: one table per rollup and the build record table. */
export const BUILDS_TABLE = '_builds';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function buildsTableDdl(schema: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${quoteIdent(BUILDS_TABLE)} (` +
    'name TEXT PRIMARY KEY, hash TEXT NOT NULL, built_at TIMESTAMPTZ NOT NULL, time_zone TEXT NOT NULL, ' +
    'data_version TEXT NOT NULL, definitions_version TEXT NOT NULL, mode TEXT NOT NULL, row_count BIGINT NOT NULL, duration_ms INTEGER NOT NULL)'
  );
}
