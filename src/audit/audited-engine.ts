/**
 * The audit layer: records every query that reads internal or personal data in the audit log. It
 * is the outermost engine layer (src/layers/caller-engine.ts), OUTSIDE the authorisation check, so
 * refusals are recorded as `denied` too. A query is classified by `Engine.classify` of the layers
 * below: the semantic models its unchecked plan reads (metric-less queries and dimension-value
 * lists included), after names were canonicalised, plus the row rules access adds. Personal data
 * fails closed: when the entry cannot be stored the rows are withheld and the caller gets 503
 * AUDIT_UNAVAILABLE. Personal data never takes a shortcut past `run`: `peek` hands out cached
 * answers of public data only and `stream` declines personal data, so the interfaces call `run`,
 * which writes exactly one entry whether the warehouse or the result cache answers.
 */
import type { Caller } from '../access/caller.js';
import { isMaatstafError, MaatstafError } from '../core/errors.js';
import { normaliseQuery, type MetricQueryInput } from '../core/query.js';
import type { Engine, PeekOptions, QueryResult, QueryStream, RunOptions, StreamOptions } from '../engine/types.js';
import type { AuditEntryInput, AuditInterface, AuditLog, AuditOutcome } from './types.js';
import { suppressedCellCount } from '../privacy/index.js';

export interface AuditMeta {
  readonly interface: AuditInterface;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  /** Where filters the caller's role adds to every query (row-level rules), for the record. */
  readonly rowFilters?: readonly string[];
}

/** Cells the suppression step withheld (an entry of `meta.suppressed` names one row's columns), when it ran. */
function suppressedCells(result: QueryResult): number | undefined {
  const s = result.meta.suppressed;
  return s === undefined ? undefined : suppressedCellCount(s);
}

function outcomeOf(err: unknown): { outcome: AuditOutcome; errorCode: string } {
  const code = isMaatstafError(err) ? err.code : 'INTERNAL';
  return { outcome: code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'denied' : 'error', errorCode: code };
}

export function createAuditedEngine(inner: Engine, audit: AuditLog, caller: Caller, meta: AuditMeta): Engine {
  /** The query's sensitivity and a builder of its audit entry (durationMs counted from here). */
  function prepare(input: MetricQueryInput, options: RunOptions | undefined) {
    const requestId = options?.requestId ?? meta.requestId;
    const clientRequestId = options?.clientRequestId ?? meta.clientRequestId;
    const found = inner.classify(input);
    const level = found.sensitivity;
    // Stored as the rule's filter text (the audit entry's format); the rule itself is typed (RowRule).
    const rowFilters = [...new Set([...(meta.rowFilters ?? []), ...(found.rowRule ? [found.rowRule.filter] : [])])].sort();
    const started = performance.now();
    const entry = (outcome: AuditOutcome, extra: Partial<AuditEntryInput>): AuditEntryInput => ({
      requestId,
      clientRequestId,
      callerId: caller.id,
      callerKind: caller.kind,
      roles: [...caller.roles],
      interface: meta.interface,
      metrics: [...found.metrics],
      // Only refusals are recorded for public data or unknown names (probing); they count as internal.
      sensitivity: level === 'public' ? 'internal' : level,
      query: { ...(found.query ? normaliseQuery(found.query) : { metrics: found.metrics }), rowFilters },
      rowCount: undefined,
      cellsSuppressed: undefined,
      outcome,
      errorCode: undefined,
      durationMs: Math.round(performance.now() - started),
      ...extra,
    });

    return { level, entry };
  }

  // Background entries never fail the query (the audit log keeps and retries them).
  const background = (e: AuditEntryInput) => audit.record(e, 'background').catch(() => {});

  async function run(input: MetricQueryInput, options?: Parameters<Engine['run']>[1]): Promise<QueryResult> {
    const { level, entry } = prepare(input, options);
    let result: QueryResult;
    try {
      result = await inner.run(input, options);
    } catch (err) {
      const { outcome, errorCode } = outcomeOf(err);
      // Refusals are always recorded (attempts at data one may not see); other errors only for protected metrics.
      if (outcome === 'denied' || level !== 'public') await background(entry(outcome, { errorCode }));
      throw err;
    }
    if (level === 'public') return result;

    const ok = entry('ok', { rowCount: result.rows.length, cellsSuppressed: suppressedCells(result) });
    if (level === 'internal') {
      await background(ok);
      return result;
    }
    try {
      await audit.record(ok, 'wait');
    } catch (err) {
      // Fail closed: no personal data leaves without a stored entry. The refusal itself is kept for a retry.
      await background({ ...ok, rowCount: undefined, cellsSuppressed: undefined, outcome: 'error', errorCode: 'AUDIT_UNAVAILABLE' });
      throw isMaatstafError(err) ? err : new MaatstafError('AUDIT_UNAVAILABLE', 'the audit log is unavailable', {}, { cause: err });
    }
    return result;
  }

  /**
   * A streamed export: the entry is written when the stream ends, with the rows actually sent
   * (outcome `error` with the code when it failed or the client left). Personal data is never
   * streamed (undefined: the caller falls back to `run`): it fails closed, its entry must be
   * stored before any row leaves, and a stream knows its row count only at the end.
   */
  async function stream(input: MetricQueryInput, options?: StreamOptions): Promise<QueryStream | undefined> {
    const { level, entry } = prepare(input, options);
    if (level === 'personal') return undefined;
    let found: QueryStream | undefined;
    try {
      found = await inner.stream(input, options);
    } catch (err) {
      const { outcome, errorCode } = outcomeOf(err);
      if (outcome === 'denied' || level !== 'public') await background(entry(outcome, { errorCode }));
      throw err;
    }
    if (!found || level === 'public') return found;
    const source = found.batches;
    async function* batches(): AsyncGenerator<readonly Record<string, unknown>[], void, undefined> {
      let rowCount = 0;
      let failure: string | undefined = 'QUERY_CANCELLED';
      try {
        for await (const batch of source) {
          rowCount += batch.length;
          yield batch;
        }
        failure = undefined;
      } catch (err) {
        failure = outcomeOf(err).errorCode;
        throw err;
      } finally {
        // Stopped without an error (return()): the consumer (the HTTP client) went away.
        await background(failure === undefined ? entry('ok', { rowCount }) : entry('error', { rowCount, errorCode: failure }));
      }
    }
    return { ...found, batches: batches() };
  }

  /** Cached answers of public data need no entry; anything else goes through run (which writes it). */
  function peek(input: MetricQueryInput, options?: PeekOptions): QueryResult | undefined {
    return inner.classify(input).sensitivity === 'public' ? inner.peek(input, options) : undefined;
  }

  return {
    definitions: inner.definitions,
    graph: inner.graph,
    restricted: inner.restricted,
    // Compiling reads no data: nothing to record.
    compile: (input, options) => inner.compile(input, options),
    run,
    stream,
    peek,
    classify: (input) => inner.classify(input),
  };
}
