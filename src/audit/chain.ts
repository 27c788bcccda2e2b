/**
 * Tamper evidence for the audit table: every entry stores the hash of the entry before it and its
 * own hash, hash = sha256(prevHash ‖ sha256(canonical JSON of the entry without id and hashes)),
 * so changing, inserting or removing an entry anywhere breaks the chain at a findable place.
 * Appends are serialised in the database (query_log_append takes an advisory lock), so concurrent
 * requests and several replicas still build one chain. Entries removed by `maatstaf audit prune`
 * are accounted for by a `pruned` entry signed with an HMAC key the database does not hold.
 *
 * What it cannot see: someone who can rewrite the whole table (a database superuser) can build a
 * new valid chain, and removing the newest entries leaves a shorter valid chain. Both show when the
 * head hash, exported earlier, is checked with `knownHash` (`maatstaf audit verify --head`).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../engine/definition-hash.js';
import type { AuditEntry, PruneSummary } from './types.js';

/** The previous hash of the very first entry. */
export const GENESIS = '0'.repeat(64);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** What an entry's hash covers: everything stored except its id and the hashes. */
export function entryDigest(entry: AuditEntry): string {
  const { id: _id, hash: _hash, prevHash: _prev, ...content } = entry;
  return sha256(canonicalJson(content));
}

/** The hash of an entry with this digest after `prevHash` (the database computes the same). */
export const linkHash = (prevHash: string, digest: string): string => sha256(prevHash + digest);

export type UnsignedSummary = Omit<PruneSummary, 'keyId' | 'signature'>;

export const signingKeyId = (key: string): string => sha256(key).slice(0, 16);

function hmac(fields: Omit<PruneSummary, 'signature'>, key: string): string {
  return createHmac('sha256', key).update(canonicalJson(fields)).digest('hex');
}

export function signSummary(fields: UnsignedSummary, key: string): PruneSummary {
  const keyed = { ...fields, keyId: signingKeyId(key) };
  return { ...keyed, signature: hmac(keyed, key) };
}

export function summarySignatureValid(summary: PruneSummary, key: string): boolean {
  const { signature, ...fields } = summary;
  const expected = Buffer.from(hmac(fields, key), 'hex');
  const given = Buffer.from(typeof signature === 'string' ? signature : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface ChainReport {
  /** True when every link holds, the start is accounted for and (if given) the known hash was found. */
  readonly ok: boolean;
  readonly entries: number;
  /** The newest entry: export its hash to check later that nothing after it was cut off or rewritten. */
  readonly head?: { readonly id: number; readonly hash: string };
  /** The first entry whose link does not hold, and why. */
  readonly broken?: { readonly id: number; readonly reason: string };
  /** Set when a check could not be made (no signing key for the prune summary, known hash not found). */
  readonly problem?: string;
  /** The signed prune summary the chain starts from, when older entries were pruned. */
  readonly prunedBy?: number;
}

export interface VerifyOptions {
  /** The HMAC key of prune summaries (MAATSTAF_AUDIT_SIGNING_KEY). */
  readonly key?: string | undefined;
  /** A head hash exported earlier: it must still be in the chain. */
  readonly knownHash?: string | undefined;
}

/** Walks the entries in id order and reports the first broken link. */
export async function verifyChain(entries: AsyncIterable<AuditEntry>, opts: VerifyOptions = {}): Promise<ChainReport> {
  let count = 0;
  let first: AuditEntry | undefined;
  let before: AuditEntry | undefined;
  let attesting: AuditEntry | undefined;
  let knownFound = opts.knownHash === undefined;
  const result = (extra: Partial<ChainReport>): ChainReport => ({
    ok: false,
    entries: count,
    ...(before?.hash !== undefined ? { head: { id: before.id, hash: before.hash } } : {}),
    ...extra,
  });
  for await (const e of entries) {
    count++;
    if (e.hash === undefined || e.prevHash === undefined) return result({ broken: { id: e.id, reason: 'the entry has no hash: it was written outside the chain' } });
    first ??= e;
    if (before !== undefined && e.prevHash !== before.hash) {
      return result({ broken: { id: e.id, reason: `its previous hash is not the hash of entry #${before.id}: entries between them were removed, or entry #${before.id} was changed` } });
    }
    if (linkHash(e.prevHash, entryDigest(e)) !== e.hash) return result({ broken: { id: e.id, reason: 'its content does not match its hash: the entry was changed' } });
    if (e.kind === 'pruned' && e.summary !== undefined && e.summary.lastHash === first.prevHash && e.summary.lastId < first.id) attesting = e;
    if (e.hash === opts.knownHash) knownFound = true;
    before = e;
  }
  if (first !== undefined && first.prevHash !== GENESIS) {
    if (!attesting?.summary) return result({ broken: { id: first.id, reason: 'the chain starts after removed entries, and no prune summary accounts for them' } });
    if (!opts.key) return result({ prunedBy: attesting.id, problem: `the signature of prune summary #${attesting.id} cannot be checked: set MAATSTAF_AUDIT_SIGNING_KEY` });
    if (!summarySignatureValid(attesting.summary, opts.key)) {
      return result({ prunedBy: attesting.id, broken: { id: attesting.id, reason: 'the prune summary is not signed with the signing key (forged, or signed with another key)' } });
    }
  }
  const pruned = first !== undefined && first.prevHash !== GENESIS && attesting ? { prunedBy: attesting.id } : {};
  if (!knownFound) return result({ ...pruned, problem: `the known hash ${opts.knownHash} is not in the chain: entries after it were removed or rewritten (or it was pruned)` });
  return { ...result(pruned), ok: true };
}
