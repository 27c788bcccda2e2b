/**
 * The audit table's columns and their mapping to entries, shared by the store (writes and reads),
 * the chain check and the migration that seals rows written before entries were chained. An entry
 * read back here must equal the entry as it was written, field for field: its hash depends on it.
 */
import { quoteIdent } from '../warehouse/warehouse.js';
import type { AuditEntry, AuditEntryInput, AuditEntryKind, PruneSummary } from './types.js';

/** An entry with the time it was recorded (the query's time, not the batch's). */
export interface StampedEntry {
  readonly at: Date;
  readonly entry: AuditEntryInput;
}

/** Written columns, in the order of `rowValues`. */
export const COLUMNS = [
  'at',
  'request_id',
  'client_request_id',
  'caller_id',
  'caller_kind',
  'roles',
  'interface',
  'metrics',
  'sensitivity',
  'query',
  'row_count',
  'cells_suppressed',
  'outcome',
  'error_code',
  'duration_ms',
  'kind',
  'summary',
] as const;

const int = (n: number | undefined): number | null => (n === undefined || !Number.isFinite(n) ? null : Math.round(n));

/** Column values of an entry (JSON values as they are, for jsonb_populate_record). */
export function rowValues(at: Date, e: StampedEntry['entry'], kind: AuditEntryKind = 'query', summary?: PruneSummary): unknown[] {
  return [
    at.toISOString(),
    e.requestId ?? null,
    e.clientRequestId ?? null,
    e.callerId,
    e.callerKind,
    e.roles,
    e.interface,
    e.metrics,
    e.sensitivity,
    e.query,
    int(e.rowCount),
    int(e.cellsSuppressed),
    e.outcome,
    e.errorCode ?? null,
    int(e.durationMs),
    kind,
    summary ?? null,
  ];
}

export interface Row {
  id: number;
  at: string;
  request_id: string | null;
  client_request_id: string | null;
  caller_id: string;
  caller_kind: string;
  roles: string[];
  interface: AuditEntry['interface'];
  metrics: string[];
  sensitivity: AuditEntry['sensitivity'];
  query: Record<string, unknown>;
  row_count: number | null;
  cells_suppressed: number | null;
  outcome: AuditEntry['outcome'];
  error_code: string | null;
  duration_ms: number | null;
  kind: AuditEntryKind;
  summary: PruneSummary | null;
  prev_hash: string | null;
  hash: string | null;
}

/** The select list of `Row` (time as ISO 8601 UTC with milliseconds, like Date.toISOString). */
export function selectList(): string {
  return (
    `id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, request_id, client_request_id, caller_id, caller_kind, roles, interface, ` +
    `metrics, sensitivity, query, row_count, cells_suppressed, outcome, error_code, duration_ms, kind, summary, prev_hash, hash`
  );
}

export const tableName = (schema: string): string => `${quoteIdent(schema)}.query_log`;

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function toEntry(r: Row): AuditEntry {
  return {
    id: Number(r.id),
    at: r.at,
    requestId: r.request_id ?? undefined,
    ...(r.client_request_id !== null ? { clientRequestId: r.client_request_id } : {}),
    callerId: r.caller_id,
    callerKind: r.caller_kind,
    roles: json<string[]>(r.roles),
    interface: r.interface,
    metrics: json<string[]>(r.metrics),
    sensitivity: r.sensitivity,
    query: json<Record<string, unknown>>(r.query),
    rowCount: r.row_count ?? undefined,
    cellsSuppressed: r.cells_suppressed ?? undefined,
    outcome: r.outcome,
    errorCode: r.error_code ?? undefined,
    durationMs: r.duration_ms ?? 0,
    kind: r.kind,
    ...(r.summary !== null ? { summary: json<PruneSummary>(r.summary) } : {}),
    ...(r.hash !== null ? { hash: r.hash } : {}),
    ...(r.prev_hash !== null ? { prevHash: r.prev_hash } : {}),
  };
}
