/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/**
 * Hash-chained entries (src/audit/chain.ts): `prev_hash` and `hash` on every row, `kind` and
 * `summary` for the signed summary a prune leaves, and `query_log_link`, which serialises appends
 * (a transaction-scoped advisory lock per audit schema, held until the INSERT that calls it
 * commits) and hands out the next links, so concurrent requests and several replicas on one
 * database build a single chain. Rows written before this migration are chained here, in id order.
 *
 * The append-only trigger now lets DELETE through only inside the prune procedure (which sets
 * `maatstaf.audit_prune` for its own transaction); UPDATE and TRUNCATE stay refused.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { entryDigest, GENESIS, linkHash } from '../../src/audit/chain.js';
import { selectList, tableName, toEntry, type Row } from '../../src/audit/rows.js';

export async function up(db: Kysely<any>, schema: string): Promise<void> {
  const s = sql.id(schema);
  const lockKey = sql.lit(`maatstaf_audit_chain:${schema}`);
  await sql`
    ALTER TABLE ${s}.query_log
      ADD COLUMN kind text NOT NULL DEFAULT 'query' CHECK (kind IN ('query', 'pruned')),
      ADD COLUMN summary jsonb,
      ADD COLUMN prev_hash text,
      ADD COLUMN hash text`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION ${s}.query_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('maatstaf.audit_prune', true) = 'on' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'maatstaf audit log is append-only: % refused (entries are removed only by maatstaf audit prune)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$`.execute(db);
  await sql`
    CREATE FUNCTION ${s}.query_log_link(digests text[]) RETURNS TABLE (n integer, prev_hash text, hash text)
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      head text;
      d text;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext(${lockKey}));
      -- After the lock, with a fresh snapshot: the head the previous holder committed.
      SELECT q.hash INTO head FROM ${s}.query_log q ORDER BY q.id DESC LIMIT 1;
      head := coalesce(head, ${sql.lit(GENESIS)});
      n := 0;
      FOREACH d IN ARRAY digests LOOP
        n := n + 1;
        prev_hash := head;
        hash := encode(sha256(convert_to(head || d, 'UTF8')), 'hex');
        head := hash;
        RETURN NEXT;
      END LOOP;
    END
    $$`.execute(db);
  await sealExistingRows(db, schema);
  await sql`ALTER TABLE ${s}.query_log ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`.execute(db);
}

/** Chains the rows written before this migration, oldest first (a fresh table has none). */
async function sealExistingRows(db: Kysely<any>, schema: string): Promise<void> {
  const table = tableName(schema);
  const pageSize = 1000;
  let prev = GENESIS;
  let after = 0;
  let disabled = false;
  // No try/finally: a failure aborts the migration's transaction, and the trigger's state with it.
  for (;;) {
      const { rows } = await db.executeQuery<Row>(CompiledQuery.raw(`SELECT ${selectList()} FROM ${table} WHERE id > $1 ORDER BY id LIMIT ${pageSize}`, [after]));
      if (rows.length === 0) break;
      if (!disabled) {
        await db.executeQuery(CompiledQuery.raw(`ALTER TABLE ${table} DISABLE TRIGGER query_log_no_change`));
        disabled = true;
      }
      const ids: number[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const row of rows) {
        const hash = linkHash(prev, entryDigest(toEntry(row)));
        ids.push(Number(row.id));
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      await db.executeQuery(
        CompiledQuery.raw(`UPDATE ${table} t SET prev_hash = v.p, hash = v.h FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(id, p, h) WHERE t.id = v.id`, [ids, prevs, hashes]),
      );
      after = ids.at(-1)!;
  }
  if (disabled) await db.executeQuery(CompiledQuery.raw(`ALTER TABLE ${table} ENABLE TRIGGER query_log_no_change`));
}

export async function down(): Promise<void> {
  throw new Error('the audit hash chain migration cannot be reverted');
}
