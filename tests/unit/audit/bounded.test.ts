/** Audit entries are bounded in size whatever the caller sends (issue 17, reproduction 6). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_BOUNDS, boundEntry, truncateUtf8 } from '../../../src/audit/bounded.js';
import type { AuditEntryInput } from '../../../src/audit/types.js';

const base: AuditEntryInput = {
  requestId: 'r1',
  callerId: 'anonymous',
  callerKind: 'anonymous',
  roles: [],
  interface: 'rest',
  metrics: ['benefit_cases_started'],
  sensitivity: 'personal',
  query: { metrics: ['benefit_cases_started'], rowFilters: [] },
  rowCount: undefined,
  cellsSuppressed: undefined,
  outcome: 'denied',
  errorCode: 'FORBIDDEN',
  durationMs: 3,
};

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe('boundEntry', () => {
  it('keeps a refused query as its sha256, size and first 512 bytes', () => {
    const query = { metrics: ['benefit_cases_started'], rowFilters: [], where: ['z'.repeat(2000)] };
    const text = JSON.stringify(query); // keys already sorted, no blanks: the canonical JSON
    const e = boundEntry({ ...base, query });
    expect(e.query).toEqual({ sha256: createHash('sha256').update(text).digest('hex'), bytes: text.length, text: text.slice(0, 512) });
  });

  it('keeps an answered query whole up to 16 KiB, compact beyond', () => {
    const small = { metrics: ['m'], where: ['a'.repeat(10_000)] };
    expect(boundEntry({ ...base, outcome: 'ok', errorCode: undefined, query: small }).query).toEqual(small);
    const big = { metrics: ['m'], where: ['a'.repeat(20_000)] };
    const q = boundEntry({ ...base, outcome: 'ok', errorCode: undefined, query: big }).query as { bytes: number; text: string };
    expect(q.bytes).toBe(bytes(big));
    expect(q.text).toHaveLength(4096);
  });

  it('caps every part: a refused entry stays under 4 KiB and any entry under the hard cap', () => {
    const long = 'é'.repeat(50_000);
    const hostile: AuditEntryInput = {
      ...base,
      requestId: long,
      callerId: long,
      callerKind: long,
      roles: Array.from({ length: 500 }, () => long),
      metrics: Array.from({ length: 500 }, () => long),
      query: { metrics: Array.from({ length: 500 }, () => long) },
      errorCode: long,
    };
    const refused = boundEntry(hostile);
    expect(refused.metrics).toHaveLength(AUDIT_BOUNDS.refusedMetrics);
    expect(Buffer.byteLength(refused.callerId)).toBeLessThanOrEqual(200);
    // The roles come from server configuration; 20 of 200 bytes are allowed.
    expect(bytes({ ...refused, roles: [] })).toBeLessThan(4096);
    const answered = boundEntry({ ...hostile, outcome: 'ok', errorCode: undefined });
    expect(bytes(answered)).toBeLessThanOrEqual(AUDIT_BOUNDS.entryBytes);
    expect(answered.metrics).toHaveLength(AUDIT_BOUNDS.metrics);
  });

  it('bounds fields added to entries later, like names', () => {
    const e = boundEntry({ ...base, clientRequestId: 'c'.repeat(5000) } as AuditEntryInput);
    expect((e as unknown as { clientRequestId: string }).clientRequestId).toHaveLength(200);
  });

  it('is idempotent', () => {
    const hostile = { ...base, metrics: ['x'.repeat(1000)], query: { where: ['y'.repeat(100_000)] } };
    const once = boundEntry(hostile);
    expect(boundEntry(once)).toEqual(once);
    const ok = boundEntry({ ...hostile, outcome: 'ok', errorCode: undefined });
    expect(boundEntry(ok)).toEqual(ok);
  });
});

describe('truncateUtf8', () => {
  it('never cuts inside a character', () => {
    expect(truncateUtf8('aé€😀', 4)).toBe('aé');
    expect(truncateUtf8('aé€😀', 6)).toBe('aé€');
    expect(truncateUtf8('aé€😀', 10)).toBe('aé€😀');
    expect(truncateUtf8('😀😀', 5)).toBe('😀');
  });
});
