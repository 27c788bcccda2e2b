/**
 * The perturbed subject count the engine writes in SQL (src/privacy/keyed-counts.ts) follows the
 * published table exactly, on both engines: compared with the rule written out by hand (array
 * lookup on the slot) over every slot boundary, keys past 2^28 (sums of record keys) and the
 * unperturbed counts 0, 1, 2 and NULL. And the record key the engine computes in SQL is the
 * HMAC-SHA256 of node:crypto, for short, long (> 64 bytes, hashed first) and non-ASCII secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { recordKeySql, secretParam, SECRET_TOKEN } from '../../src/privacy/cell-key.js';
import { perturbedCountSql } from '../../src/privacy/keyed-counts.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const RANGE = 2 ** 28;
/** The published table (README "Privacy"), copied on purpose. */
const HAND = `(n + CASE WHEN n <= 2 THEN 0 ELSE (ARRAY[-2, -1, -1, 0, 0, 0, 0, 1, 1, 2])[(mod(k, ${RANGE}) * 10 / ${RANGE})::int + 1] END)`;

describe.each(ENGINES)('perturbed subject counts in SQL on %s', (engineName) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
  });
  afterAll(async () => {
    await wh?.dispose();
  });

  it('equal the hand-written table for every slot, for keys beyond 2^28, and leave 0 … 2 and NULL alone', async () => {
    // Each slot's first and last key, and the same shifted by whole multiples of 2^28 (cell keys are raw sums).
    const keys = Array.from({ length: 10 }, (_, slot) => [Math.ceil((slot * RANGE) / 10), Math.ceil(((slot + 1) * RANGE) / 10) - 1]).flat();
    const shifted = [...keys, ...keys.map((k) => k + 3 * RANGE)];
    const counts = [0, 1, 2, 3, 9, 10, 11, 250];
    const values = counts.flatMap((n) => shifted.map((k) => `(${n}::bigint, ${k}::bigint)`)).join(', ');
    const rows = (
      await wh.query<{ n: number; k: string; ours: string; hand: string }>(
        `SELECT n, k::text AS k, (${perturbedCountSql('n', 'k')})::text AS ours, ${HAND}::text AS hand FROM (VALUES ${values}) AS t(n, k)`,
      )
    ).rows;
    expect(rows).toHaveLength(counts.length * shifted.length);
    for (const r of rows) expect({ n: r.n, k: r.k, ours: r.ours }).toEqual({ n: r.n, k: r.k, ours: r.hand });
    // Every noise of the table occurs (the comparison is not vacuous).
    expect(new Set(rows.filter((r) => Number(r.n) === 10).map((r) => Number(r.ours) - 10))).toEqual(new Set([-2, -1, 0, 1, 2]));
    const nulls = await wh.query<{ v: unknown }>(`SELECT ${perturbedCountSql('CAST(NULL AS BIGINT)', '5')} AS v`);
    expect(nulls.rows[0]!.v).toBeNull();
  });

  it('record keys in SQL are the first 28 bits of HMAC-SHA256(secret, subject) for any secret', async () => {
    const subjects = ['client-0001', 'Zoë ✓', '42', ''];
    for (const secret of ['a-sixteen-chars!', 'x'.repeat(100), 'geheim-sleutel-ÄÖÜ-€-0123456789']) {
      const values = subjects.map((_, i) => `($${i + 2})`).join(', ');
      const rows = (await wh.query<{ s: string; k: number }>(`SELECT s, ${recordKeySql('s').replaceAll(SECRET_TOKEN, '$1')} AS k FROM (VALUES ${values}) AS t(s)`, [secretParam(secret), ...subjects])).rows;
      expect(rows.map((r) => [r.s, Number(r.k)])).toEqual(subjects.map((s) => [s, parseInt(createHmac('sha256', secret).update(s, 'utf8').digest('hex').slice(0, 7), 16)]));
    }
  });
});
