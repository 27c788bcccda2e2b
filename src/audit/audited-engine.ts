/**
 * An engine that records every query of internal or personal metrics in the audit log. It wraps
 * the caller's engine OUTSIDE the authorisation check (src/access/engine-for.ts), so refusals are
 * recorded as `denied` too. Personal data fails closed: when the entry cannot be stored the rows
 * are withheld and the caller gets 503 AUDIT_UNAVAILABLE.
 */
import type { Caller } from '../access/caller.js';
import { isMaatstafError, MaatstafError } from '../core/errors.js';
import type { MetricQuery, MetricQueryInput } from '../core/query.js';
import { normaliseQuery } from '../cache/query-key.js';
import { parseQuery } from '../engine/engine.js';
import { metricGovernance } from '../engine/governance.js';
import type { Engine, PeekOptions, QueryResult, QueryStream, RunOptions, StreamOptions } from '../engine/types.js';
import { createIdentityMemo } from '../core/frozen-input.js';
import type { AuditEntryInput, AuditInterface, AuditLog, AuditOutcome } from './types.js';
import { suppressedCellCount } from '../privacy/index.js';

export interface AuditMeta {
  readonly interface: AuditInterface;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  /** Where filters the caller's role adds to every query (row-level rules), for the record. */
  readonly rowFilters?: readonly string[];
}

type Level = 'public' | 'internal' | 'personal';
const RANK: Record<Level, number> = { public: 0, internal: 1, personal: 2 };

/** Metric names of a query as sent, even when it does not validate. */
function metricsOf(input: MetricQueryInput, parsed: MetricQuery | undefined): string[] {
  if (parsed) return [...parsed.metrics];
  const raw = (input as { metrics?: unknown } | null)?.metrics;
  return Array.isArray(raw) ? raw.filter((m): m is string => typeof m === 'string').slice(0, 100) : [];
}

/** The most sensitive level among the metrics (unknown names count as public: nothing is served from them). */
export function sensitivityOf(engine: Engine, metrics: readonly string[]): Level {
  let level: Level = 'public';
  for (const name of metrics) {
    const def = engine.graph.metric(name);
    const s = def ? (metricGovernance(def).sensitivity ?? 'public') : 'public';
    if (RANK[s] > RANK[level]) level = s;
  }
  return level;
}

/** What the access-checked view (src/access/access-view.ts) offers beyond Engine, read by duck typing. */
interface AccessCheckedLike {
  readonly unchecked?: Engine;
  authorise?(query: MetricQueryInput): { readonly rowFilter?: string };
}

/** The row filter the caller's role adds to this query (undefined when none or when refused). */
function rowFilterOf(engine: Engine, input: MetricQueryInput): string | undefined {
  const view = engine as Engine & AccessCheckedLike;
  if (typeof view.authorise !== 'function') return undefined;
  try {
    return view.authorise(input).rowFilter;
  } catch {
    return undefined;
  }
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
  /** The query as parsed (when it parses), its metric names and its sensitivity. */
  function classify(input: MetricQueryInput) {
    let parsed: MetricQuery | undefined;
    try {
      parsed = parseQuery(input);
    } catch {
      parsed = undefined;
    }
    const metrics = metricsOf(input, parsed);
    // The caller's view hides metrics it may not use; sensitivity is a server-side fact.
    const level = sensitivityOf((inner as Engine & AccessCheckedLike).unchecked ?? inner, metrics);
    return { parsed, metrics, level };
  }

  /** The query's sensitivity and a builder of its audit entry (durationMs counted from here). */
  function prepare(input: MetricQueryInput, options: RunOptions | undefined) {
    const requestId = options?.requestId ?? meta.requestId;
    const clientRequestId = options?.clientRequestId ?? meta.clientRequestId;
    const { parsed, metrics, level } = classify(input);
    const rowFilters = [...(meta.rowFilters ?? [])];
    if (level !== 'public') {
      const added = rowFilterOf(inner, input);
      if (added !== undefined && !rowFilters.includes(added)) rowFilters.push(added);
    }
    const started = performance.now();
    const entry = (outcome: AuditOutcome, extra: Partial<AuditEntryInput>): AuditEntryInput => ({
      requestId,
      clientRequestId,
      callerId: caller.id,
      callerKind: caller.kind,
      roles: [...caller.roles],
      interface: meta.interface,
      metrics,
      // Only refusals are recorded for public or unknown metrics (probing); they count as internal.
      sensitivity: level === 'public' ? 'internal' : level,
      query: { ...(parsed ? normaliseQuery(parsed) : { metrics }), rowFilters: rowFilters.sort() },
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
    if (!inner.stream) return undefined;
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

  // A repeated (frozen) query is classified once.
  const levels = createIdentityMemo<Level>();
  /** Cached answers of public metrics need no entry; anything else goes through run. */
  function peek(input: MetricQueryInput, options?: PeekOptions): QueryResult | undefined {
    if (!inner.peek) return undefined;
    return levels.get(input, () => classify(input).level) === 'public' ? inner.peek(input, options) : undefined;
  }

  // Everything else (definitions, graph, compile, later additions) is the inner engine's.
  // Own properties too, so a later spread of this engine keeps them. `stream` and `peek` are
  // always set here: inherited from the inner engine they would skip the audit.
  return Object.assign(Object.create(inner) as Engine, { definitions: inner.definitions, graph: inner.graph, compile: inner.compile.bind(inner), run, stream, peek });
}
