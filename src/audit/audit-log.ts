/**
 * The audit log's write path: entries are queued and written in batches (one multi-row INSERT per
 * batch, one batch at a time), so 200 concurrent queries cost a handful of round trips and no entry
 * is lost. Every entry also goes to the structured log at once, bounded in size first (bounded.ts).
 *
 * Two modes, chosen by the audited engine:
 * - `wait` (personal data): the promise settles when the entry is stored and rejects with
 *   AUDIT_UNAVAILABLE when the store fails, so the query fails closed (503).
 * - `background` (internal data): the promise settles after the first attempt either way; an entry
 *   the store refused is kept (bounded) and retried every `retryMs` until it is stored.
 */
import { MaatstafError } from '../core/errors.js';
import { boundEntry } from './bounded.js';
import type { AuditStore, StampedEntry } from './store.js';
import type { AuditLog, RecordMode } from './types.js';

export interface AuditLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AuditLogOptions {
  readonly store: AuditStore;
  /** The structured log (pino); every entry is written to it as `{ audit: … }`. */
  readonly log?: AuditLogger;
  /** Most entries per INSERT (default 500: 14 columns stay far below PostgreSQL's parameter limit). */
  readonly maxBatch?: number;
  /** Most background entries kept while the store is down (default 100 000); more are only logged. */
  readonly maxBacklog?: number;
  /** How long to wait before retrying kept entries, ms (default 1000). */
  readonly retryMs?: number;
}

interface Item {
  readonly stamped: StampedEntry;
  readonly mode: RecordMode;
  resolve(): void;
  reject(err: unknown): void;
}

export interface QueuedAuditLog extends AuditLog {
  /** Entries waiting for a retry because the store refused them. */
  backlogSize(): number;
}

export function createAuditLog(opts: AuditLogOptions): QueuedAuditLog {
  const maxBatch = opts.maxBatch ?? 500;
  const maxBacklog = opts.maxBacklog ?? 100_000;
  const retryMs = opts.retryMs ?? 1000;
  const queue: Item[] = [];
  const backlog: Item[] = [];
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let down = false;
  let closed = false;

  const unavailable = () => new MaatstafError('AUDIT_UNAVAILABLE', 'the audit log is unavailable; queries of personal data are refused until it is back');

  function keep(item: Item): void {
    if (backlog.length >= maxBacklog) {
      opts.log?.error({ audit: { ...item.stamped.entry, at: item.stamped.at.toISOString() } }, 'audit entry not stored: backlog full');
      return;
    }
    backlog.push(item);
    if (!timer && !closed) {
      timer = setTimeout(() => {
        timer = undefined;
        queue.unshift(...backlog.splice(0));
        kick();
      }, retryMs);
      timer.unref();
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await opts.store.insert(batch.map((i) => i.stamped));
        for (const i of batch) i.resolve();
        if (down) {
          down = false;
          opts.log?.info({ backlog: backlog.length }, 'audit store available again');
        }
      } catch (err) {
        if (!down) {
          down = true;
          opts.log?.error({ err: err instanceof Error ? err.message : String(err) }, 'audit store unavailable: queries of personal data fail closed');
        }
        for (const i of batch) {
          if (i.mode === 'wait') i.reject(unavailable());
          else {
            i.resolve();
            keep(i);
          }
        }
      }
    }
  }

  function kick(): void {
    running ??= drain().finally(() => {
      running = undefined;
      // Entries that arrived while the last batch was being written.
      if (queue.length > 0) kick();
    });
  }

  async function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    queue.unshift(...backlog.splice(0));
    kick();
    while (running) await running;
  }

  return {
    record(input, mode = 'wait') {
      const at = new Date();
      // Bounded before it is logged or queued: a caller cannot grow the log (or the log file) at will.
      const entry = boundEntry(input);
      opts.log?.info({ audit: { ...entry, at: at.toISOString() } }, 'audit');
      if (closed) return mode === 'wait' ? Promise.reject(unavailable()) : Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ stamped: { at, entry }, mode, resolve, reject });
        // Batch whatever arrives in the same turn of the event loop.
        if (!running) setImmediate(kick);
      });
    },
    list: (filter) => opts.store.list(filter),
    flush,
    async close() {
      closed = true;
      await flush();
      if (backlog.length > 0) {
        for (const i of backlog) opts.log?.error({ audit: { ...i.stamped.entry, at: i.stamped.at.toISOString() } }, 'audit entry not stored at shutdown');
        backlog.length = 0;
      }
    },
    backlogSize: () => backlog.length,
  };
}
