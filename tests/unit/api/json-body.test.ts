import { describe, expect, it } from 'vitest';
import { jsonBody, jsonParts, type JsonParts } from '../../../src/api/rest/formats/json-body.js';
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

/** The parts as the client receives them: head then tail; the length must be the byte count. */
function joined(p: JsonParts): string {
  const bytes = Buffer.concat([p.head, Buffer.from(p.tail)]);
  expect(p.length).toBe(bytes.length);
  return bytes.toString();
}

describe('jsonBody and jsonParts', () => {
  it('are byte for byte the JSON of {columns, rows, meta}, fresh or cached', () => {
    expect(jsonBody(result, 'q1')).toBe(reference(result, 'q1'));
    const first = jsonParts(result, 'q1');
    const miss = { ...result, meta: { ...result.meta, cache: 'miss' } as QueryResult['meta'] };
    const second = jsonParts(miss, 'q2');
    expect(joined(first)).toBe(reference(result, 'q1'));
    expect(joined(second)).toBe(reference(miss, 'q2'));
  });

  it('share the encoded rows between hits and never write to them', () => {
    const first = jsonParts(result, 'q1');
    const before = Buffer.from(first.head);
    const second = jsonParts(result, 'q2');
    expect(second.head).toBe(first.head);
    expect(first.head.equals(before)).toBe(true);
    expect(first.tail).not.toBe(second.tail);
  });

  it('do not reuse bytes for other columns over the same rows', () => {
    jsonParts(result, 'q1');
    const renamed = { ...result, columns: result.columns.map((c) => ({ ...c, label: `${c.label ?? ''}!` })) };
    expect(joined(jsonParts(renamed, 'q3'))).toBe(reference(renamed, 'q3'));
  });

  it("reuse the encoded meta of a cached answer with each request's own query id, counting bytes of non-ASCII ids and meta", () => {
    const cached = { ...result, meta: { ...result.meta } as QueryResult['meta'] };
    expect(joined(jsonParts(cached, 'first'))).toBe(reference(cached, 'first'));
    expect(joined(jsonParts(cached, 'second "quoted"'))).toBe(reference(cached, 'second "quoted"'));
    expect(joined(jsonParts(cached, 'vraag-één'))).toBe(reference(cached, 'vraag-één'));
    const dutchMeta = { ...result, meta: { ...result.meta, note: 'één ✓' } as unknown as QueryResult['meta'] };
    expect(joined(jsonParts(dutchMeta, 'x'))).toBe(reference(dutchMeta, 'x'));
    const noMeta = { ...result, meta: {} as QueryResult['meta'] };
    expect(joined(jsonParts(noMeta, 'x'))).toBe(reference(noMeta, 'x'));
  });
});
