import { describe, expect, it } from 'vitest';
import { jsonBody } from '../../../src/api/rest/formats/json-body.js';
import type { QueryResult } from '../../../src/engine/types.js';

const result: QueryResult = {
  columns: [
    { name: 'metric_time__month', kind: 'time', dataType: 'date', grain: 'month', label: 'Maand' },
    { name: 'reports_received', kind: 'metric', dataType: 'integer', label: 'Meldingen', unit: 'meldingen' },
  ] as unknown as QueryResult['columns'],
  rows: [
    { metric_time__month: '2024-01-01', reports_received: 12 },
    { metric_time__month: '2024-02-01', reports_received: null },
    { metric_time__month: 'Één "quoted" ✓', reports_received: 1.5 },
  ],
  meta: { definitionsVersion: 'v1', sqlHash: 'abc', rowCount: 3, durationMs: 1.25, cache: 'hit' } as QueryResult['meta'],
};

/** What the route sent before the encoded body was kept: the whole body through JSON.stringify. */
function reference(r: QueryResult, queryId: string): string {
  return JSON.stringify({
    columns: r.columns.map((c) => ({ name: c.name, kind: c.kind, dataType: c.dataType, label: c.label, unit: c.unit, grain: c.grain })),
    rows: r.rows,
    meta: { queryId, ...r.meta },
  });
}

describe('jsonBody', () => {
  it('is byte for byte the JSON of {columns, rows, meta}, fresh or reused', () => {
    expect(jsonBody(result, 'q1', false)).toBe(reference(result, 'q1'));
    const first = jsonBody(result, 'q1', true);
    const second = jsonBody({ ...result, meta: { ...result.meta, cache: 'miss' } as QueryResult['meta'] }, 'q2', true);
    expect(Buffer.isBuffer(first)).toBe(true);
    expect(first.toString()).toBe(reference(result, 'q1'));
    expect(second.toString()).toBe(reference({ ...result, meta: { ...result.meta, cache: 'miss' } as QueryResult['meta'] }, 'q2'));
  });

  it('does not reuse bytes for other columns over the same rows', () => {
    jsonBody(result, 'q1', true);
    const renamed = { ...result, columns: result.columns.map((c) => ({ ...c, label: `${c.label ?? ''}!` })) };
    expect(jsonBody(renamed, 'q3', true).toString()).toBe(reference(renamed, 'q3'));
  });

  it('reuses the encoded meta of a cached answer with each request\'s own query id', () => {
    const cached = { ...result, meta: { ...result.meta } as QueryResult['meta'] };
    expect(jsonBody(cached, 'first', true).toString()).toBe(reference(cached, 'first'));
    expect(jsonBody(cached, 'second "quoted"', true).toString()).toBe(reference(cached, 'second "quoted"'));
    const noMeta = { ...result, meta: {} as QueryResult['meta'] };
    expect(jsonBody(noMeta, 'x', true).toString()).toBe(reference(noMeta, 'x'));
  });

  it('gives every request its own bytes', () => {
    const big = { ...result, rows: Array.from({ length: 300 }, (_, i) => ({ metric_time__month: `2024-${i}`, reports_received: i })) };
    const bodies = Array.from({ length: 60 }, (_, i) => jsonBody(big, `id-${i}`, true) as Buffer);
    for (const [i, b] of bodies.entries()) expect(b.toString()).toBe(reference(big, `id-${i}`));
    // Overwriting one body leaves its neighbours intact.
    bodies[10]!.fill(0x20);
    expect(bodies[9]!.toString()).toBe(reference(big, 'id-9'));
    expect(bodies[11]!.toString()).toBe(reference(big, 'id-11'));
    expect(new Set(bodies.map((b) => b.buffer)).size).toBeGreaterThan(1);
  });
});
