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
  it('is byte for byte the JSON of {columns, rows, meta}, fresh or cached, with each request\'s own query id', () => {
    expect(jsonBody(result, 'q1')).toBe(reference(result, 'q1'));
    const miss = { ...result, meta: { ...result.meta, cache: 'miss' } as QueryResult['meta'] };
    expect(jsonBody(miss, 'q2')).toBe(reference(miss, 'q2'));
    expect(jsonBody(result, 'second "quoted"')).toBe(reference(result, 'second "quoted"'));
    expect(jsonBody(result, 'vraag-één')).toBe(reference(result, 'vraag-één'));
    const noMeta = { ...result, meta: {} as QueryResult['meta'] };
    expect(jsonBody(noMeta, 'x')).toBe(reference(noMeta, 'x'));
  });

  it('does not reuse the text of other columns over the same rows', () => {
    jsonBody(result, 'q1');
    const renamed = { ...result, columns: result.columns.map((c) => ({ ...c, label: `${c.label ?? ''}!` })) };
    expect(jsonBody(renamed, 'q3')).toBe(reference(renamed, 'q3'));
  });
});
