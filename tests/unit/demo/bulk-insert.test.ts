import { describe, expect, it } from 'vitest';
import { BatchInserter, unnestInsertSql, type TableSpec } from '../../../src/demo/bulk-insert.js';

interface Row {
  id: number;
  label: string | null;
}
const SPEC: TableSpec<Row> = { table: 'things', columns: [{ name: 'id', type: 'int4' }, { name: 'label', type: 'text' }] };

describe('unnest bulk insert', () => {
  it('builds one array parameter per column', () => {
    expect(unnestInsertSql(SPEC)).toBe('INSERT INTO "things" ("id", "label") SELECT * FROM unnest($1::int4[], $2::text[])');
  });

  it('sends full batches column-wise, then the rest, and reports progress', async () => {
    const sent: unknown[][] = [];
    const progress: number[] = [];
    const inserter = new BatchInserter(SPEC, async (_sql, params) => void sent.push([...params]), 2, (n) => progress.push(n));
    for (let id = 1; id <= 5; id++) {
      inserter.add({ id, label: id === 3 ? null : `x${id}` });
      await inserter.flushIfFull();
    }
    expect(await inserter.finish()).toBe(5);
    expect(sent).toEqual([
      [[1, 2], ['x1', 'x2']],
      [[3, 4], [null, 'x4']],
      [[5], ['x5']],
    ]);
    expect(progress).toEqual([2, 4, 5]);
  });

  it('surfaces a failed batch on the next flush or at finish', async () => {
    const inserter = new BatchInserter(SPEC, async () => {
      throw new Error('boom');
    }, 1);
    inserter.add({ id: 1, label: 'a' });
    await inserter.flushIfFull();
    await expect(inserter.finish()).rejects.toThrow('boom');
  });
});
