/** Row counts and content checksums of the demo tables: proof that a seed is reproducible. */
import { CompiledQuery } from 'kysely';
import type { Warehouse } from '../warehouse/warehouse.js';
import { DEMO_TABLE_ORDER, DEMO_TABLES, quoteIdent, type DemoTable } from './tables.js';

export interface TableChecksum {
  readonly rows: number;
  /** md5 over the md5 of every row's text form, in key order (timestamps rendered in UTC). */
  readonly md5: string;
}

/**
 * Checksums of every demo table. Runs in one transaction with TimeZone set to UTC, so timestamptz
 * text is the same whatever the session's time zone, on PGlite and PostgreSQL alike.
 */
export async function demoTableChecksums(wh: Warehouse): Promise<Record<DemoTable, TableChecksum>> {
  return wh.db.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw(`SET LOCAL TimeZone = 'UTC'`));
    const result = {} as Record<DemoTable, TableChecksum>;
    for (const table of DEMO_TABLES) {
      const { rows } = await trx.executeQuery<{ rows: number | string; md5: string }>(
        CompiledQuery.raw(
          `SELECT count(*)::int AS rows, md5(coalesce(string_agg(md5(t::text), '' ORDER BY ${DEMO_TABLE_ORDER[table]}), '')) AS md5 FROM ${quoteIdent(table)} t`,
        ),
      );
      const row = rows[0] as { rows: number | string; md5: string };
      result[table] = { rows: Number(row.rows), md5: row.md5 };
    }
    return result;
  });
}
