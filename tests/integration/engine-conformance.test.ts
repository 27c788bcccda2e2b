/**
 * Semantics the MetricFlow conformance runner taught us (tests/conformance), on our own data, so CI
 * guards them without a copy of MetricFlow: each query against hand-written SQL, on both engines.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CONFORMANCE_CASES } from '../fixtures/conformance/cases.js';
import { conformanceGraph } from '../fixtures/conformance/fixture.js';
import { seedConformance } from '../fixtures/conformance/seed.js';
import { expectNonEmptyQueryMatches } from '../fixtures/engine/harness.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const graph = conformanceGraph();

describe.each(ENGINES)('MetricFlow semantics on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
    await seedConformance(wh);
  });
  afterAll(async () => {
    await wh.dispose();
  });

  for (const [name, c] of Object.entries(CONFORMANCE_CASES)) {
    it(name, async () => {
      await expectNonEmptyQueryMatches(wh, graph, c.query, c.sql);
    });
  }
});
