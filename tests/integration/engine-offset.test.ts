/**
 * `offset` (paging, used by the OData feed): every page of an answer ordered by all of its
 * group-by items, joined, equals the whole answer — also for protected personal metrics, whose
 * suppression must see every row, so the offset is applied after it (never in the SQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoEngine, type DemoEngine } from '../helpers/demo-engine.js';
import { ENGINES } from '../helpers/warehouses.js';
import type { MetricQueryInput } from '../../src/core/query.js';

const QUERIES: Record<string, MetricQueryInput> = {
  open: { metrics: ['reports_received'], groupBy: ['metric_time__month', 'report__category'], orderBy: ['metric_time__month', 'report__category'] },
  protected: {
    metrics: ['benefit_cases_started'],
    groupBy: ['district__district_name'],
    orderBy: ['-district__district_name'],
  },
};

describe.each(ENGINES)('offset on %s', (engineName) => {
  let demo: DemoEngine;
  beforeAll(async () => {
    demo = await openDemoEngine(engineName, 0.05);
  }, 240_000);
  afterAll(async () => demo?.wh.dispose());

  it.each(Object.keys(QUERIES))('pages of the %s query joined equal the whole answer, withheld cells included', async (name) => {
    const query = QUERIES[name]!;
    const whole = await demo.engine.run(query);
    expect(whole.rows.length).toBeGreaterThan(3);
    const size = 2;
    const pages: Record<string, unknown>[] = [];
    const withheld: number[] = [];
    for (let offset = 0; offset < whole.rows.length + size; offset += size) {
      const page = await demo.engine.run({ ...query, limit: size, offset });
      for (const s of page.meta.suppressed ?? []) withheld.push(s.row + offset);
      pages.push(...page.rows);
    }
    expect(pages).toEqual(whole.rows);
    expect(withheld).toEqual((whole.meta.suppressed ?? []).map((s) => s.row));
    // The protected query went through suppression (its answer lists withheld cells, maybe none).
    if (name === 'protected') expect(whole.meta.suppressed).toBeDefined();
  });

  it('the SQL of an unprotected page has OFFSET (a validated whole number, like LIMIT); a protected one has none (sliced after suppression)', () => {
    const open = demo.engine.compile({ ...QUERIES.open!, limit: 5, offset: 10 });
    expect(open.sql).toMatch(/LIMIT 5\s+OFFSET 10\s*$/);
    const prot = demo.engine.compile({ ...QUERIES.protected!, limit: 5, offset: 10 });
    expect(prot.sql).not.toMatch(/OFFSET/);
  });

  it('a negative or fractional offset is a 400 INVALID_QUERY', async () => {
    await expect(demo.engine.run({ ...QUERIES.open!, offset: -1 })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(demo.engine.run({ ...QUERIES.open!, offset: 1.5 })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });
});
