/**
 * The audit trail's vocabulary: one entry per query of internal or personal metrics, who asked,
 * through which interface, what exactly (the canonical query, row-level filters included) and
 * what came of it. Entries are only ever appended.
 */
import type { Sensitivity } from '../engine/governance.js';

export const AUDIT_INTERFACES = ['rest', 'graphql', 'csv', 'cli', 'odata'] as const;
export type AuditInterface = (typeof AUDIT_INTERFACES)[number];

export const AUDIT_OUTCOMES = ['ok', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** `wait`: settle when stored, reject when the store fails (personal data). `background`: never reject; retried. */
export type RecordMode = 'wait' | 'background';

/** What the audited engine records. `at` is set by the audit log when the entry is queued. */
export interface AuditEntryInput {
  /** The server's request id (never the client's header). */
  readonly requestId: string | undefined;
  /** The x-request-id the client sent, if any: kept beside requestId for the client's own correlation. */
  readonly clientRequestId?: string | undefined;
  readonly callerId: string;
  readonly callerKind: string;
  readonly roles: readonly string[];
  readonly interface: AuditInterface;
  readonly metrics: readonly string[];
  /** The most sensitive of the metrics asked for (`internal` for a refused query of public or unknown metrics). */
  readonly sensitivity: Exclude<Sensitivity, 'public'>;
  /** normaliseQuery form plus `rowFilters`, the where filters the caller's role added. */
  readonly query: Readonly<Record<string, unknown>>;
  readonly rowCount: number | undefined;
  readonly cellsSuppressed: number | undefined;
  readonly outcome: AuditOutcome;
  /** The error's stable code for `denied` and `error` outcomes. */
  readonly errorCode: string | undefined;
  readonly durationMs: number;
}

/** `query`: a recorded query. `pruned`: the signed summary of entries removed by `maatstaf audit prune`. */
export type AuditEntryKind = 'query' | 'pruned';

/** What a `pruned` entry records about the entries it replaced (src/audit/prune.ts). */
export interface PruneSummary {
  /** The `--before` date asked for (ISO 8601). */
  readonly before: string;
  /** Time of the first and the last removed entry. */
  readonly from: string;
  readonly to: string;
  /** Entries removed, and the ids of the first and last of them. */
  readonly entries: number;
  readonly firstId: number;
  readonly lastId: number;
  /** Hash of the last removed entry: the entry after it still links to this hash. */
  readonly lastHash: string;
  /** First 16 hex digits of sha256(key): which signing key was used. */
  readonly keyId: string;
  /** HMAC-SHA256 with the signing key over the canonical JSON of the fields above. */
  readonly signature: string;
}

export interface AuditEntry extends AuditEntryInput {
  readonly id: number;
  /** ISO 8601 UTC. */
  readonly at: string;
  readonly kind?: AuditEntryKind;
  readonly summary?: PruneSummary;
  /** Hash chain (src/audit/chain.ts): hash = sha256(prevHash ‖ sha256(canonical entry)). */
  readonly hash?: string;
  readonly prevHash?: string;
}

export interface AuditFilter {
  readonly callerId?: string;
  readonly metric?: string;
  /** Inclusive, ISO date-time. */
  readonly from?: string;
  /** Exclusive, ISO date-time. */
  readonly to?: string;
  readonly outcome?: AuditOutcome;
  readonly interface?: AuditInterface;
  /** Entries with a smaller id than this (the previous page's `nextCursor`). */
  readonly before?: number;
  /** Page size. */
  readonly limit: number;
}

export interface AuditPage {
  /** Newest first. */
  readonly entries: readonly AuditEntry[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  readonly nextCursor?: number;
}

/** The append-only audit trail. There is deliberately no update or delete. */
export interface AuditLog {
  /**
   * Queues an entry (written in batches). `wait` (default) resolves once it is stored and rejects
   * with AUDIT_UNAVAILABLE when the store cannot take it; `background` keeps and retries it instead.
   */
  record(entry: AuditEntryInput, mode?: RecordMode): Promise<void>;
  /** Entries matching the filter, newest first. */
  list(filter: AuditFilter): Promise<AuditPage>;
  /** Writes everything queued (used on shutdown and in tests). */
  flush(): Promise<void>;
  /** Flushes, then stops accepting entries. */
  close(): Promise<void>;
}
