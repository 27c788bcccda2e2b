/** Zero-row probes: `SELECT <expr> FROM <relation> WHERE false` reads no data; the field types answer. */
import { sql, type RawBuilder } from 'kysely';
import { coldKysely } from '../../compiler/index.js';
import type { Warehouse } from '../../warehouse/warehouse.js';

export type ProbeResult = { readonly ok: true; readonly oid: number } | { readonly ok: false; readonly message: string };

/** SQL text of a probe selecting `expr` (or `*` when absent) from `relation`. */
export function probeSql(relation: RawBuilder<unknown>, expr?: RawBuilder<unknown>): string {
  const select = expr ? sql`${expr} AS ${sql.id('probe')}` : sql`*`;
  return sql`SELECT ${select} FROM ${relation} WHERE false`.compile(coldKysely).sql;
}

/** Runs a probe; the first column's type OID, or the warehouse's message. */
export async function runProbe(wh: Warehouse, text: string): Promise<ProbeResult> {
  try {
    const res = await wh.query(text);
    return { ok: true, oid: res.fields[0]?.dataTypeID ?? 0 };
  } catch (e) {
    return { ok: false, message: warehouseMessage(e) };
  }
}

export function warehouseMessage(e: unknown): string {
  return (e as { message?: string })?.message ?? String(e);
}

/** Numeric type OIDs: int2, int4, int8, float4, float8, numeric, money; interval also aggregates. */
const NUMERIC_OIDS = new Set([21, 23, 20, 700, 701, 1700, 790, 1186]);

export function isNumericOid(oid: number): boolean {
  return NUMERIC_OIDS.has(oid);
}

/** The PostgreSQL name of a type OID (for messages). */
export async function typeName(wh: Warehouse, oid: number): Promise<string> {
  try {
    const res = await wh.query<{ name: string }>('SELECT format_type($1::oid, NULL) AS name', [oid]);
    return res.rows[0]?.name ?? `oid ${oid}`;
  } catch {
    return `oid ${oid}`;
  }
}
