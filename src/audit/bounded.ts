/**
 * Every audit entry has a bounded size, whatever the caller sent: an anonymous, refused query of
 * 90 KB must not become a 90 KB row in a table that is only ever appended to. Refused and failed
 * queries (`denied`, `error`) keep only the query's sha256 (of its canonical JSON, so the full
 * text can still be matched against a copy), its size and its first 512 bytes; answered queries
 * keep the whole canonical query up to 16 KiB. Names and lists are cut too, and strings are made
 * storable (no NUL, no lone surrogate), so one odd entry never fails the batch it is written in.
 *
 * Bounding is idempotent: an entry already bounded comes back equal.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../engine/definition-hash.js';
import type { AuditEntryInput } from './types.js';

/** The documented bounds (README "Audit log"). */
export const AUDIT_BOUNDS = {
  /** Bytes of query text kept for a refused or failed query. */
  refusedQueryTextBytes: 512,
  /** Largest canonical query kept whole for an answered query; a larger one is kept like a refused one, with this many bytes of text. */
  queryBytes: 16 * 1024,
  oversizeQueryTextBytes: 4096,
  /** Metric names kept: answered queries (the server allows at most 50), refused ones. */
  metrics: 50,
  refusedMetrics: 10,
  /** Roles kept. */
  roles: 20,
  /** Bytes of any one name (metric, role, caller, request id, error code). */
  nameBytes: 200,
  /** Hard cap on an entry's canonical JSON; a refused entry stays far below (about 4 KiB at most). */
  entryBytes: 32 * 1024,
} as const;

/** The form of a query that was not kept whole. */
export interface CompactQuery {
  readonly sha256: string;
  /** Size of the full canonical query, bytes. */
  readonly bytes: number;
  /** Its first bytes, cut on a character boundary. */
  readonly text: string;
}

/** Cuts UTF-8 text to at most `maxBytes`, never inside a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length <= maxBytes / 3 || Buffer.byteLength(text) <= maxBytes) return text;
  const buf = Buffer.from(text, 'utf8');
  let cut = maxBytes;
  while (cut > 0 && (buf[cut]! & 0xc0) === 0x80) cut--;
  return buf.subarray(0, cut).toString('utf8');
}

/** A string PostgreSQL can store in text and jsonb: no NUL, no lone surrogate. */
function storable(text: string): string {
  return text.replaceAll(/\p{Cs}|\0/gu, '\uFFFD');
}

const name = (text: string): string => truncateUtf8(storable(text), AUDIT_BOUNDS.nameBytes);

/** Strings made storable all the way down (a query's values come from the caller). */
function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [storable(k), storableJson(v)]));
  }
  return value;
}

export function isCompactQuery(query: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(query).sort().join(',');
  return (
    keys === 'bytes,sha256,text' &&
    typeof query.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(query.sha256) &&
    typeof query.bytes === 'number' &&
    typeof query.text === 'string' &&
    Buffer.byteLength(query.text) <= AUDIT_BOUNDS.oversizeQueryTextBytes
  );
}

export function compactQuery(query: Readonly<Record<string, unknown>>, textBytes: number): CompactQuery {
  const text = canonicalJson(query);
  return { sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text), text: truncateUtf8(text, textBytes) };
}

function boundQuery(query: Readonly<Record<string, unknown>>, refused: boolean): Readonly<Record<string, unknown>> {
  if (isCompactQuery(query)) return query;
  const clean = storableJson(query) as Record<string, unknown>;
  if (refused) return { ...compactQuery(clean, AUDIT_BOUNDS.refusedQueryTextBytes) };
  return Buffer.byteLength(canonicalJson(clean)) <= AUDIT_BOUNDS.queryBytes ? clean : { ...compactQuery(clean, AUDIT_BOUNDS.oversizeQueryTextBytes) };
}

const KNOWN = new Set(['requestId', 'callerId', 'callerKind', 'roles', 'interface', 'metrics', 'sensitivity', 'query', 'rowCount', 'cellsSuppressed', 'outcome', 'errorCode', 'durationMs']);

const finite = (n: number | undefined): number | undefined => (n === undefined || !Number.isFinite(n) ? undefined : Math.round(n));

/** The entry as it is logged and stored: every part bounded (see AUDIT_BOUNDS). */
export function boundEntry(entry: AuditEntryInput): AuditEntryInput {
  const refused = entry.outcome !== 'ok';
  const bounded: AuditEntryInput = {
    ...entry,
    requestId: entry.requestId === undefined ? undefined : name(entry.requestId),
    callerId: name(entry.callerId),
    callerKind: name(entry.callerKind),
    roles: entry.roles.slice(0, AUDIT_BOUNDS.roles).map(name),
    metrics: entry.metrics.slice(0, refused ? AUDIT_BOUNDS.refusedMetrics : AUDIT_BOUNDS.metrics).map(name),
    query: boundQuery(entry.query, refused),
    rowCount: finite(entry.rowCount),
    cellsSuppressed: finite(entry.cellsSuppressed),
    errorCode: entry.errorCode === undefined ? undefined : name(entry.errorCode),
    durationMs: finite(entry.durationMs) ?? 0,
  };
  // Fields added to entries later (e.g. a client's own request id) are bounded like names.
  const extra = Object.fromEntries(Object.entries(entry).filter(([k, v]) => typeof v === 'string' && !KNOWN.has(k)).map(([k, v]) => [k, name(v as string)]));
  const result = { ...bounded, ...extra };
  // By construction an entry fits; this is the guarantee should a later field not.
  if (Buffer.byteLength(canonicalJson(result)) <= AUDIT_BOUNDS.entryBytes) return result;
  return { ...result, metrics: result.metrics.slice(0, AUDIT_BOUNDS.refusedMetrics), query: isCompactQuery(result.query) ? result.query : { ...compactQuery(result.query, AUDIT_BOUNDS.refusedQueryTextBytes) } };
}
