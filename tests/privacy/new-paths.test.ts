/**
 * Attacks on the paths added after issue 17's protections (forecasts, `offset`, OData paging,
 * rollups), as an insider with the `demo-council` key on the seeded demo, both engines. Each test
 * is a protection that held when attacked; they stay here so it keeps holding:
 * - a forecast of a personal metric whose history has a withheld cell is refused (never fitted on,
 *   or revealing, the small cell), and each refusal is on record, also when repeated;
 * - `offset` + `limit` pages of a personal answer are slices of the whole protected answer (a page
 *   never shows a cell the whole answer withholds, e.g. a complementary one), each read audited;
 * - OData `$skip`/`$top`, `$count` and nextLink pages of a personal saved query are slices of its
 *   REST answer, and every page, replayed link and cached answer writes one audit entry;
 * - a rollup over the keyed (cell-key) benefit cases model answers exactly the raw protected answer
 *   (same perturbed values, same withheld cells), and falls back to raw at a coarser grouping.
 */
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CELL_KEY_SECRET } from '../../src/privacy/cell-key.js';
import { createEngine } from '../../src/engine/engine.js';
import { buildRollups } from '../../src/engine/rollups/build-rollups.js';
import { engineFor } from '../api/helpers/demo-app.js';
import { rollupSetup, type RollupSetup } from '../helpers/rollups.js';
import { ENGINES } from '../helpers/warehouses.js';
import { openAuditedDemo, PERSONAL_SAVED_QUERY, type AuditedDemo } from './helpers/audited-demo.js';

const COUNCIL = { 'x-api-key': 'demo-council' };
type Row = Record<string, unknown>;
interface Answer {
  rows: Row[];
  meta: { suppressed?: { row: number; columns: string[]; reason: string }[]; rollup?: { name: string } | null };
}

const MONTHLY = {
  metrics: ['benefit_cases_started'],
  groupBy: ['metric_time__month', 'district__district_name'],
  timeRange: { start: '2024-01-01', end: '2024-12-31' },
  orderBy: ['metric_time__month', 'district__district_name'],
};
/** Years × districts: on the small demo (scale 0.05) a mix of shown and withheld cells. */
const YEARLY = {
  metrics: ['benefit_cases_started', 'benefit_cases_ended'],
  groupBy: ['metric_time__year', 'district__district_name'],
  orderBy: ['metric_time__year', 'district__district_name'],
};

describe.each(ENGINES)('new paths attacked on %s', (engineName) => {
  let demo: AuditedDemo;
  beforeAll(async () => {
    demo = await openAuditedDemo(engineName);
  });
  afterAll(async () => {
    await demo.close();
  });

  /** Sends a request and returns it with the number of audit entries it stored. */
  async function audited(send: () => Promise<Response>): Promise<{ res: Response; entries: number }> {
    const before = await demo.storedEntries();
    const res = await send();
    return { res, entries: (await demo.storedEntries()) - before };
  }

  it('a forecast of a personal metric over a history with small cells is PRIVACY_PROTECTED on every read, each refusal audited', async () => {
    // Hand-written SQL: the month × district history has cells of at most 7 clients, which no
    // perturbation (±2) can lift to k = 10, so the history has withheld cells.
    const small = await demo.wh.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM (SELECT date_trunc('month', start_date), district_id FROM benefit_cases
        WHERE start_date BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY 1, 2 HAVING COUNT(DISTINCT client_pseudonym) <= 7) s`,
    );
    expect(small.rows[0]!.n).toBeGreaterThan(0);
    const { orderBy: _o, ...history } = MONTHLY;
    // Without a forecast the answer leaves those cells out (a row whose only cell is withheld is dropped).
    const plain = (await demo.http().post('/v1/query').set(COUNCIL).send(history)).body as Answer;
    const cells = await demo.wh.query<{ n: number }>(
      `SELECT COUNT(DISTINCT (date_trunc('month', start_date), district_id))::int AS n FROM benefit_cases WHERE start_date BETWEEN '2024-01-01' AND '2024-12-31'`,
    );
    expect(plain.rows.length).toBeLessThan(cells.rows[0]!.n);
    const sends = [
      () => demo.http().post('/v1/query').set(COUNCIL).send({ ...history, forecast: { horizon: 2, method: 'seasonal_naive', seasonalPeriods: [2] } }),
      () => demo.http().post('/v1/query').set(COUNCIL).send({ ...history, anomalies: {} }),
      () =>
        demo
          .http()
          .get('/v1/query?metrics=benefit_cases_started&groupBy=metric_time__month,district__district_name&start=2024-01-01&end=2024-12-31&forecastHorizon=2&format=csv')
          .set(COUNCIL),
    ];
    for (const send of [...sends, ...sends]) {
      const { res, entries } = await audited(send);
      expect(res.status).toBe(403);
      expect((res.body as { code: string }).code).toBe('PRIVACY_PROTECTED');
      expect(res.text).not.toContain('__forecast');
      expect(entries).toBe(1);
    }
  });

  it('offset + limit pages of a personal answer are slices of the whole protected answer, each page audited', async () => {
    // Two metrics: a row stays when one cell is shown, so withheld (and complementary) cells are nulls in it.
    const query = YEARLY;
    const whole = (await demo.http().post('/v1/query').set(COUNCIL).send(query)).body as Answer;
    expect(whole.meta.suppressed!.length).toBeGreaterThan(0);
    const withheld = (rows: Row[], suppressed: Answer['meta']['suppressed']) =>
      (suppressed ?? []).flatMap((s) => s.columns.map((c) => `${JSON.stringify([rows[s.row]!.metric_time__year, rows[s.row]!.district__district_name])}:${c}`)).sort();
    const pages: Row[] = [];
    const pageWithheld: string[] = [];
    for (let offset = 0; offset < whole.rows.length; offset += 7) {
      for (let repeat = 0; repeat < 2; repeat++) {
        const { res, entries } = await audited(() => demo.http().post('/v1/query').set(COUNCIL).send({ ...query, offset, limit: 7 }));
        expect(res.status).toBe(200);
        expect(entries).toBe(1); // the repeat comes from the result cache and is audited too
        if (repeat) continue;
        const page = res.body as Answer;
        pages.push(...page.rows);
        pageWithheld.push(...withheld(page.rows, page.meta.suppressed));
      }
    }
    expect(pages).toEqual(whole.rows);
    expect(pageWithheld.sort()).toEqual(withheld(whole.rows, whole.meta.suppressed));
  });

  it('OData $skip/$top, $count and nextLink pages of a personal saved query are slices of its REST answer, every read audited', async () => {
    const rest = (await demo.http().get(`/v1/saved-queries/${PERSONAL_SAVED_QUERY}/results`).set(COUNCIL)).body as Answer;
    expect(rest.rows.length).toBeGreaterThan(3);
    const order = '$orderby=district__district_name';
    const skipTop = await audited(() => demo.http().get(`/odata/${PERSONAL_SAVED_QUERY}?${order}&$skip=1&$top=2&$count=true`).set(COUNCIL));
    expect(skipTop.res.status).toBe(200);
    expect(skipTop.entries).toBe(1);
    const odata = skipTop.res.body as { value: Row[]; '@odata.count': number };
    // @odata.count counts every row of the set, ignoring $skip and $top (OData URL conventions, $count).
    expect(odata['@odata.count']).toBe(rest.rows.length);
    const all = (await demo.http().get(`/odata/${PERSONAL_SAVED_QUERY}?${order}`).set(COUNCIL)).body as { value: Row[] };
    expect(odata.value).toEqual(all.value.slice(1, 3));
    for (const r of odata.value) expect(r.benefit_cases_started).toBe(rest.rows.find((x) => x.district__district_name === r.district__district_name)!.benefit_cases_started);
    const count = await audited(() => demo.http().get(`/odata/${PERSONAL_SAVED_QUERY}/$count`).set(COUNCIL));
    expect([count.res.status, Number(count.res.text), count.entries]).toEqual([200, rest.rows.length, 1]);

    // Server-driven paging: each page and each replay of the same nextLink (a cache hit) is one entry.
    const seen: Row[] = [];
    let url: string | undefined = `/odata/${PERSONAL_SAVED_QUERY}?${order}`;
    while (url) {
      let next: string | undefined;
      for (let replay = 0; replay < 2; replay++) {
        const { res, entries } = await audited(() => demo.http().get(url!).set({ ...COUNCIL, prefer: 'odata.maxpagesize=2' }));
        expect(res.status).toBe(200);
        expect(entries).toBe(1);
        const body = res.body as { value: Row[]; '@odata.nextLink'?: string };
        if (!replay) seen.push(...body.value);
        next = body['@odata.nextLink'] ? new URL(body['@odata.nextLink']).pathname + new URL(body['@odata.nextLink']).search : undefined;
      }
      url = next;
    }
    expect(seen.map((r) => [r.district__district_name, r.benefit_cases_started]).sort()).toEqual(rest.rows.map((r) => [r.district__district_name, r.benefit_cases_started]).sort());
  });

  describe('rollups over the keyed benefit cases model', () => {
    let r: RollupSetup;
    beforeAll(async () => {
      const graph = (await engineFor('metrics', demo.wh)).graph;
      r = rollupSetup(graph, demo.wh, `rollups:\n  - name: benefit_yearly\n    metrics: [benefit_cases_started]\n    group_by: [district__district_name]\n    time_grain: year\n    max_age: 1d\n`, {
        cellKeySecret: DEMO_CELL_KEY_SECRET,
      });
      await r.build();
    });
    afterAll(async () => {
      await r.drop();
    });

    it('at exactly the rollup grouping: the raw protected answer (perturbed values and withheld cells); coarser: raw', async () => {
      const q = { ...YEARLY, metrics: ['benefit_cases_started'] };
      expect(r.engine.compile(q).rollupCandidates).toEqual([{ name: 'benefit_yearly', used: true }]);
      const res = await r.engine.run(q);
      expect(res.meta.rollup?.name).toBe('benefit_yearly');
      const raw = await r.engine.run({ ...q, useRollups: false });
      expect(raw.meta.rollup).toBeNull();
      expect(res.rows).toEqual(raw.rows);
      expect(res.meta.suppressed).toEqual(raw.meta.suppressed);
      // The same numbers as the server answers (cell keys from the same secret), against hand-written counts:
      // each shown value is within ±2 of its true count and covers at least k − 2 = 8 clients.
      const served = (await demo.http().post('/v1/query').set(COUNCIL).send(q)).body as Answer;
      expect(served.rows).toEqual(res.rows);
      const hand = (
        await demo.wh.query<{ m: string; d: string; n: number; s: number }>(
          `SELECT to_char(date_trunc('year', b.start_date), 'YYYY-MM-DD') AS m, d.district_name AS d, COUNT(*)::int AS n, COUNT(DISTINCT b.client_pseudonym)::int AS s
             FROM benefit_cases b JOIN districts d ON d.district_id = b.district_id GROUP BY 1, 2`,
        )
      ).rows;
      const shown = res.rows.filter((row) => row.benefit_cases_started !== null);
      expect(shown.length).toBeGreaterThan(0);
      // Small cells exist and are not shown (a row whose one cell is withheld is dropped).
      expect(hand.filter((h) => h.s <= 7).length).toBeGreaterThan(0);
      for (const h of hand.filter((x) => x.s <= 7)) expect(shown.some((row) => String(row.metric_time__year).slice(0, 10) === h.m && row.district__district_name === h.d)).toBe(false);
      for (const row of shown) {
        const cell = hand.find((h) => h.m === String(row.metric_time__year).slice(0, 10) && h.d === row.district__district_name)!;
        expect(Math.abs((row.benefit_cases_started as number) - cell.n)).toBeLessThanOrEqual(2);
        expect(cell.s).toBeGreaterThanOrEqual(8);
      }
      const coarse = await r.engine.run({ metrics: ['benefit_cases_started'], groupBy: ['district__district_name'] });
      expect(coarse.meta.rollup).toBeNull();
    });

    it('a build under another cell-key secret is never served: the raw tables answer with the current noise until it is rebuilt', async () => {
      const q = { ...YEARLY, metrics: ['benefit_cases_started'] };
      const other = 'another-cell-key-secret-of-this-test';
      // The same declarations and builds, served under another secret (the operator changed MAATSTAF_CELL_KEY_SECRET).
      const rotated = createEngine({ graph: r.catalog.graph, warehouse: demo.wh, rollups: r.catalog, cellKeySecret: other });
      const stale = await rotated.run(q);
      expect(stale.meta.rollup).toBeNull();
      expect(rotated.compile(q).rollupCandidates).toEqual([expect.objectContaining({ name: 'benefit_yearly', used: false, rule: 'definitions-changed' })]);
      expect(stale.rows).toEqual((await rotated.run({ ...q, useRollups: false })).rows);
      // One noise per cell: the rollup built under the demo secret would have answered otherwise.
      expect(stale.rows).not.toEqual((await r.engine.run(q)).rows);
      // Rebuilt under the new secret, the rollup answers again with the raw answer.
      await buildRollups({ catalog: r.catalog, write: demo.wh, cellKeySecret: other, full: true });
      await r.catalog.refresh();
      const rebuilt = await rotated.run(q);
      expect(rebuilt.meta.rollup?.name).toBe('benefit_yearly');
      expect(rebuilt.rows).toEqual(stale.rows);
      // …and the demo-secret engine now falls back to raw, never serving the other secret's keys.
      expect((await r.engine.run(q)).meta.rollup).toBeNull();
    });
  });
});
