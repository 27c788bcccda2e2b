/**
 * Streamed CSV building blocks (no warehouse): the head plus each batch's lines are byte for byte
 * the buffered toCsv, and the limited engine passes Engine.stream through with its shape check and
 * the MAATSTAF_MAX_EXPORT_ROWS cap (never inheriting the inner stream unchecked).
 */
import { describe, expect, it } from 'vitest';
import { csvHead, csvRows, toCsv } from '../../../src/api/rest/formats/csv.js';
import type { OutputColumn } from '../../../src/core/query.js';
import type { Engine, QueryStream } from '../../../src/engine/types.js';
import { createLimitedEngine } from '../../../src/limits/limited-engine.js';

const columns = [{ name: 'district' }, { name: 'n' }, { name: 'note' }];
const rows = [
  { district: 'Molenwijk', n: 3, note: 'plain' },
  { district: 'Oud, "Centrum"', n: null, note: 'line\nbreak' },
  { district: 'Zuid', n: 1.5, note: '' },
  { district: 'Noord', n: Number.NaN, note: 'x\r' },
];

describe('streamed CSV bytes', () => {
  it('equals toCsv for any split into batches, with and without BOM', () => {
    for (const bom of [false, true]) {
      const whole = toCsv(columns, rows, { bom });
      for (let size = 1; size <= rows.length; size++) {
        let streamed = csvHead(columns, { bom });
        for (let i = 0; i < rows.length; i += size) streamed += csvRows(columns, rows.slice(i, i + size));
        expect(streamed).toBe(whole);
      }
    }
    expect(csvHead(columns) + csvRows(columns, [])).toBe(toCsv(columns, []));
  });
});

/** A stand-in engine whose stream yields the given batches (the wrappers under test never look inside). */
function fakeEngine(batches: readonly (readonly Record<string, unknown>[])[]): Engine & { returned: boolean } {
  const self = {
    returned: false,
    stream: async (): Promise<QueryStream> => ({
      columns: [{ name: 'n' }] as unknown as OutputColumn[],
      meta: { definitionsVersion: 'v', sqlHash: 'h' },
      batches: (async function* () {
        try {
          for (const b of batches) yield b;
        } finally {
          self.returned = true;
        }
      })(),
    }),
  };
  return self as unknown as Engine & { returned: boolean };
}

async function drain(stream: QueryStream | undefined): Promise<number> {
  let n = 0;
  for await (const b of stream!.batches) n += b.length;
  return n;
}

describe('the limited engine and Engine.stream', () => {
  const limits = { maxMetrics: 2, maxGroupBy: 1, maxRows: 1 };
  const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i }));

  it('ignores the JSON row limit for streams and checks the query shape first', async () => {
    const limited = createLimitedEngine(fakeEngine([batch(3), batch(3)]), limits);
    expect(await drain(await limited.stream({ metrics: ['a'] }))).toBe(6);
    await expect(limited.stream({ metrics: ['a', 'b', 'c'] })).rejects.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', details: { name: 'metrics' } });
  });

  it('fails with QUERY_LIMIT_EXCEEDED past maxExportRows and closes the source', async () => {
    const inner = fakeEngine([batch(3), batch(3), batch(3)]);
    const limited = createLimitedEngine(inner, { ...limits, maxExportRows: 5 });
    await expect(drain(await limited.stream({ metrics: ['a'] }))).rejects.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED' });
    expect(inner.returned).toBe(true);
  });

  it('answers undefined (buffered path) when the inner engine cannot stream', async () => {
    const plain = { stream: async () => undefined } as unknown as Engine;
    expect(await createLimitedEngine(plain, limits).stream({ metrics: ['a'] })).toBeUndefined();
  });
});
