/**
 * Small-cell suppression after re-aggregation, on the privacy fixture (both engines): protection
 * runs on the final cells. At exactly a rollup's grouping the subject counts stored beside the
 * metric decide, and small cells are withheld as from the raw tables; at a coarser grouping the
 * subject count (a distinct count) cannot be re-aggregated, so the raw tables answer — small
 * rollup cells that add up to a large one are shown, never summed from withheld pieces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyGraph, seedPrivacyFixture } from '../../fixtures/privacy/fixture.js';
import { rollupSetup, type RollupSetup } from '../../helpers/rollups.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../../helpers/warehouses.js';

const ROLLUPS = `
rollups:
  - name: care_monthly
    metrics: [care_requests, granted_requests]
    group_by: [request__district]
    time_grain: quarter
    max_age: 1d
`;

describe.each(ENGINES)('suppression after re-aggregation on %s', (engineName) => {
  let wh: TestWarehouse;
  let r: RollupSetup;
  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await seedPrivacyFixture(wh);
    r = rollupSetup(privacyGraph(), wh, ROLLUPS);
    await r.build();
  });
  afterAll(async () => {
    await r.drop();
    await wh.dispose();
  });

  it('withholds small cells read at exactly the rollup grouping, as the raw tables do', async () => {
    const q = { metrics: ['care_requests'], groupBy: ['metric_time__quarter', 'request__district'], orderBy: ['metric_time__quarter', 'request__district'] };
    const res = await r.engine.run(q);
    expect(res.meta.rollup?.name).toBe('care_monthly');
    const raw = await r.engine.run({ ...q, useRollups: false });
    expect(res.rows).toEqual(raw.rows);
    expect(res.meta.suppressed).toEqual(raw.meta.suppressed);
    // Shown exactly where the quarter × district cell has 5 or more clients (hand-written SQL).
    const cells = (
      await wh.query<{ q: string; d: string; n: number; s: number }>(
        `SELECT to_char(date_trunc('quarter', requested_at), 'YYYY-MM-DD') AS q, district AS d, COUNT(*)::int AS n, COUNT(DISTINCT client_id)::int AS s FROM care_requests GROUP BY 1, 2`,
      )
    ).rows;
    const shown = res.rows.filter((row) => row.care_requests !== null).map((row) => [row.metric_time__quarter, row.request__district, row.care_requests]);
    expect(shown.length).toBeGreaterThan(0);
    for (const [quarter, district, n] of shown) expect(cells.find((c) => c.q === quarter && c.d === district)).toMatchObject({ n, s: expect.any(Number) });
    for (const [quarter, district] of shown) expect(cells.find((c) => c.q === quarter && c.d === district)!.s).toBeGreaterThanOrEqual(5);
    expect(cells.some((c) => c.s < 5)).toBe(true);
    for (const c of cells.filter((x) => x.s < 5)) expect(shown.some(([quarter, district]) => quarter === c.q && district === c.d)).toBe(false);
  });

  it('shows a district whose small monthly cells add up to 5 or more clients: from the raw tables, with the reason', async () => {
    const q = { metrics: ['care_requests'], groupBy: ['request__district'], orderBy: ['request__district'] };
    const res = await r.engine.run(q);
    expect(res.meta.rollup).toBeNull();
    expect(r.engine.compile(q).rollupCandidates).toEqual([
      { name: 'care_monthly', used: false, rule: 'personal-needs-exact-grouping', reason: expect.stringContaining("personal metric 'care_requests'") },
    ]);
    const hand = (await wh.query(`SELECT district AS request__district, COUNT(*)::int AS care_requests, COUNT(DISTINCT client_id)::int AS clients FROM care_requests GROUP BY district ORDER BY district`)).rows;
    const noord = hand.find((h) => h.request__district === 'Noord')!;
    expect(noord.clients).toBeGreaterThanOrEqual(5);
    expect(res.rows.find((row) => row.request__district === 'Noord')).toEqual({ request__district: 'Noord', care_requests: noord.care_requests });
    expect(res.rows).toEqual((await r.engine.run({ ...q, useRollups: false })).rows);
  });
});
