/**
 * Checking and pruning the audit table (`maatstaf audit verify` / `maatstaf audit prune`).
 *
 * A prune removes the oldest entries, in chain order, up to the first entry recorded at or after
 * the date (an entry stored late with an older time, e.g. a retried one, stays with its
 * neighbours), all in one transaction, and appends a `pruned` entry signed with the signing key:
 * the hash of the last removed entry, which the first kept entry still links to, so the chain
 * verifies after the prune and a removal made without it is found. It refuses to run without a
 * key, and on a chain that does not verify (a signed summary would seal the tampering in).
 */
import { CompiledQuery } from 'kysely';
import type { Warehouse } from '../warehouse/warehouse.js';
import { signSummary, verifyChain, type ChainReport, type VerifyOptions } from './chain.js';
import { tableName } from './rows.js';
import { appendStatement, checkSchemaName, prepareRow, scanEntries } from './store.js';
import type { AuditEntryInput, PruneSummary } from './types.js';

/** Shortest signing key accepted (bytes): an HMAC key should be as long as the hash. */
export const MIN_SIGNING_KEY_BYTES = 32;

export function verifyAuditLog(wh: Warehouse, schema: string, opts: VerifyOptions = {}): Promise<ChainReport> {
  return verifyChain(scanEntries(wh, schema), opts);
}

export interface PruneOptions {
  /** Entries recorded before this time are removed. */
  readonly before: Date;
  readonly key: string | undefined;
  /** Rows per DELETE (progress is reported after each). */
  readonly chunk?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** The clock (tests). */
  readonly now?: () => Date;
}

export type PruneResult =
  | { readonly status: 'pruned'; readonly summaryId: number; readonly summary: PruneSummary }
  | { readonly status: 'nothing'; readonly reason: string }
  | { readonly status: 'refused'; readonly reason: string; readonly report?: ChainReport };

export async function pruneAuditLog(wh: Warehouse, schema: string, opts: PruneOptions): Promise<PruneResult> {
  checkSchemaName(schema);
  if (!opts.key) return { status: 'refused', reason: 'pruning needs a signing key: set MAATSTAF_AUDIT_SIGNING_KEY (keep it outside the audit database)' };
  if (Buffer.byteLength(opts.key) < MIN_SIGNING_KEY_BYTES) return { status: 'refused', reason: `the signing key must be at least ${MIN_SIGNING_KEY_BYTES} bytes (e.g. openssl rand -hex 32)` };
  const now = (opts.now ?? (() => new Date()))();
  if (!(opts.before.getTime() <= now.getTime())) return { status: 'refused', reason: `--before ${opts.before.toISOString()} is in the future` };
  const report = await verifyAuditLog(wh, schema, { key: opts.key });
  if (!report.ok) return { status: 'refused', reason: 'the audit chain does not verify; investigate before pruning (maatstaf audit verify)', report };

  const table = tableName(schema);
  const started = Date.now();
  const chunk = opts.chunk ?? 10_000;
  return wh.db.transaction().execute(async (trx) => {
    const q = async <R>(text: string, params: readonly unknown[] = []) => (await trx.executeQuery<R>(CompiledQuery.raw(text, [...params]))).rows;
    const [range] = await q<{ n: number; first: number | null; last: number | null }>(
      `SELECT count(*)::int AS n, min(id) AS first, max(id) AS last FROM ${table} ` +
        `WHERE id < coalesce((SELECT min(id) FROM ${table} WHERE at >= $1::timestamptz), 9223372036854775807)`,
      [opts.before.toISOString()],
    );
    if (!range || range.n === 0 || range.first === null || range.last === null) return { status: 'nothing', reason: `no entries before ${opts.before.toISOString()}` } as const;
    const first = Number(range.first);
    const last = Number(range.last);
    const ends = await q<{ id: number; at: string; hash: string }>(
      `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, hash FROM ${table} WHERE id IN ($1, $2) ORDER BY id`,
      [first, last],
    );
    // The trigger lets DELETE through only while this transaction says it is the prune.
    await q(`SELECT set_config('maatstaf.audit_prune', 'on', true)`);
    let done = 0;
    for (let lo = first; lo <= last; lo += chunk) {
      const deleted = await trx.executeQuery(CompiledQuery.raw(`DELETE FROM ${table} WHERE id >= $1 AND id < $2`, [lo, Math.min(lo + chunk, last + 1)]));
      done += Number(deleted.numAffectedRows ?? 0);
      opts.onProgress?.(done, range.n);
    }
    await q(`SELECT set_config('maatstaf.audit_prune', 'off', true)`);
    const summary = signSummary(
      { before: opts.before.toISOString(), from: ends[0]!.at, to: ends.at(-1)!.at, entries: done, firstId: first, lastId: last, lastHash: ends.at(-1)!.hash },
      opts.key!,
    );
    const entry: AuditEntryInput = {
      requestId: undefined,
      callerId: 'maatstaf audit prune',
      callerKind: 'operator',
      roles: [],
      interface: 'cli',
      metrics: [],
      sensitivity: 'internal',
      query: {},
      rowCount: done,
      cellsSuppressed: undefined,
      outcome: 'ok',
      errorCode: undefined,
      durationMs: Date.now() - started,
    };
    const { text, params } = appendStatement(schema, [prepareRow(now, entry, 'pruned', summary)]);
    const [inserted] = await q<{ id: number }>(`${text} RETURNING id`, params);
    return { status: 'pruned', summaryId: Number(inserted!.id), summary } as const;
  });
}
