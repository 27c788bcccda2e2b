/** The audited engine's decisions: what is recorded, how, and when a query fails closed. */
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/access/caller.js';
import { createAuditedEngine } from '../../../src/audit/audited-engine.js';
import type { AuditEntryInput, AuditLog, RecordMode } from '../../../src/audit/types.js';
import { MaatstafError } from '../../../src/core/errors.js';
import type { DataSensitivity } from '../../../src/definitions/governance/data-sensitivity.js';
import { parseQuery } from '../../../src/engine/engine.js';
import type { Engine, QueryResult } from '../../../src/engine/types.js';
import { createLimitedEngine } from '../../../src/limits/limited-engine.js';

const SENSITIVITY: Record<string, DataSensitivity> = { open: 'public', intern: 'internal', persoon: 'personal' };
const RANK: DataSensitivity[] = ['public', 'internal', 'personal'];

/** An engine whose classification is the most sensitive metric named (unknown names: public), as the real one without models. */
function fakeEngine(run: (q: { metrics?: string[] }) => Promise<QueryResult>): Engine {
  return {
    definitions: {} as Engine['definitions'],
    graph: {} as Engine['graph'],
    restricted: false,
    compile: () => ({}) as ReturnType<Engine['compile']>,
    run: (q) => run(q as { metrics?: string[] }),
    stream: async () => undefined,
    peek: () => undefined,
    classify: (q) => {
      const metrics = q.metrics ?? [];
      const sensitivity = RANK[Math.max(0, ...metrics.map((m) => RANK.indexOf(SENSITIVITY[m] ?? 'public')))]!;
      return { query: parseQuery(q), metrics, models: [], sensitivity };
    },
  };
}

const result = (rows: number, suppressed?: number): QueryResult => ({
  columns: [],
  rows: Array.from({ length: rows }, () => ({})),
  meta: { definitionsVersion: 'v', sqlHash: 'h', rowCount: rows, durationMs: 1, ...(suppressed !== undefined ? { suppressed: Array.from({ length: suppressed }, (_, row) => ({ row, columns: ['persoon'], reason: 'min_group_size', k: 10 })) } : {}) } as QueryResult['meta'],
});

function memoryAudit(fail = false) {
  const entries: { entry: AuditEntryInput; mode: RecordMode | undefined }[] = [];
  const log: AuditLog = {
    async record(entry, mode) {
      entries.push({ entry, mode });
      if (fail && mode !== 'background') throw new MaatstafError('AUDIT_UNAVAILABLE', 'down');
    },
    list: async () => ({ entries: [] }),
    flush: async () => {},
    close: async () => {},
  };
  return { log, entries };
}

const caller: Caller = { id: 'team', kind: 'api-key', roles: ['serviceplein'] };

describe('createAuditedEngine', () => {
  it('records personal queries (waiting) and internal ones (background), never public ones', async () => {
    const { log, entries } = memoryAudit();
    const engine = createAuditedEngine(fakeEngine(async () => result(3, 1)), log, caller, { interface: 'csv', requestId: 'r1', rowFilters: ['b', 'a'] });
    await engine.run({ metrics: ['open'] });
    await engine.run({ metrics: ['open', 'intern'] });
    await engine.run({ metrics: ['intern', 'persoon'], where: ['z', 'y'] });
    expect(entries.map((e) => [e.entry.sensitivity, e.mode])).toEqual([
      ['internal', 'background'],
      ['personal', 'wait'],
    ]);
    expect(entries[1]!.entry).toMatchObject({
      callerId: 'team',
      callerKind: 'api-key',
      roles: ['serviceplein'],
      interface: 'csv',
      requestId: 'r1',
      metrics: ['intern', 'persoon'],
      rowCount: 3,
      cellsSuppressed: 1,
      outcome: 'ok',
      query: { metrics: ['intern', 'persoon'], where: ['y', 'z'], rowFilters: ['a', 'b'] },
    });
  });

  it('fails closed when a personal entry cannot be stored, and records the refusal for a retry', async () => {
    const { log, entries } = memoryAudit(true);
    const engine = createAuditedEngine(fakeEngine(async () => result(2)), log, caller, { interface: 'rest' });
    await expect(engine.run({ metrics: ['persoon'] })).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', status: 503 });
    expect(entries.at(-1)).toMatchObject({ mode: 'background', entry: { outcome: 'error', errorCode: 'AUDIT_UNAVAILABLE', rowCount: undefined } });
    // Internal data is not held back by an audit outage.
    await expect(engine.run({ metrics: ['intern'] })).resolves.toMatchObject({ rows: [{}, {}] });
  });

  it('records refusals as denied (even of unknown or public metrics) and errors of protected metrics with their code', async () => {
    const { log, entries } = memoryAudit();
    const forbidden = createAuditedEngine(fakeEngine(async () => Promise.reject(new MaatstafError('FORBIDDEN', 'no'))), log, caller, { interface: 'graphql' });
    await expect(forbidden.run({ metrics: ['geheim'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(forbidden.run({ metrics: ['open'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const failing = createAuditedEngine(fakeEngine(async () => Promise.reject(new MaatstafError('STATEMENT_TIMEOUT', 'slow'))), log, caller, { interface: 'rest' });
    await expect(failing.run({ metrics: ['persoon'] })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    await expect(failing.run({ metrics: ['open'] })).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT' });
    const crashing = createAuditedEngine(fakeEngine(async () => Promise.reject(new TypeError('bug'))), log, caller, { interface: 'rest' });
    await expect(crashing.run({ metrics: ['intern'] })).rejects.toThrow(TypeError);
    expect(entries.map((e) => [e.entry.metrics[0], e.entry.outcome, e.entry.errorCode, e.entry.sensitivity])).toEqual([
      ['geheim', 'denied', 'FORBIDDEN', 'internal'],
      ['open', 'denied', 'FORBIDDEN', 'internal'],
      ['persoon', 'error', 'STATEMENT_TIMEOUT', 'personal'],
      ['intern', 'error', 'INTERNAL', 'internal'],
    ]);
  });

  it('keeps the inner engine for everything but run', () => {
    const inner = fakeEngine(async () => result(0));
    const engine = createAuditedEngine(inner, memoryAudit().log, caller, { interface: 'rest' });
    expect(engine.definitions).toBe(inner.definitions);
    expect(engine.graph).toBe(inner.graph);
    expect({ ...engine }.graph).toBe(inner.graph);
  });
});

describe('createLimitedEngine', () => {
  const limits = { maxMetrics: 2, maxGroupBy: 1, maxRows: 5 };
  it('refuses too many metrics, group-by items or rows with QUERY_LIMIT_EXCEEDED', async () => {
    let runs = 0;
    const engine = createLimitedEngine(fakeEngine(async (q) => (runs++, result(q.metrics?.length === 1 ? 5 : 6))), limits);
    await expect(engine.run({ metrics: ['a', 'b', 'c'] })).rejects.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', status: 400, details: { name: 'metrics' } });
    await expect(engine.run({ metrics: ['a'], groupBy: ['x', 'y'] })).rejects.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', details: { name: 'groupBy' } });
    expect(runs).toBe(0);
    await expect(engine.run({ metrics: ['a'] })).resolves.toMatchObject({ meta: { rowCount: 5 } });
    await expect(engine.run({ metrics: ['a', 'b'] })).rejects.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', details: { name: 'limit' } });
    expect(() => engine.compile({ metrics: ['a', 'b', 'c'] })).toThrow(/at most 2 metrics/);
  });
});

describe('forecast queries in the audit log', () => {
  it('record the forecast and anomaly spec (defaults filled) with the query', async () => {
    const { log, entries } = memoryAudit();
    const engine = createAuditedEngine(fakeEngine(async () => result(2)), log, caller, { interface: 'rest', requestId: 'r1' });
    await engine.run({ metrics: ['persoon'], groupBy: ['metric_time__day'], forecast: { horizon: 7, seasonalPeriods: [7] }, anomalies: {} });
    expect(entries[0]!.entry.query).toMatchObject({
      metrics: ['persoon'],
      forecast: { horizon: 7, level: 0.9, method: 'auto', seasonalPeriods: [7] },
      anomalies: { level: 0.99 },
    });
  });
});
