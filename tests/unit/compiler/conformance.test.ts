/** SQL snapshots of the conformance fixture's queries (tests/fixtures/conformance): what MetricFlow's semantics compile to. */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/compiler/index.js';
import { MetricQuerySchema } from '../../../src/core/query.js';
import { CONFORMANCE_CASES } from '../../fixtures/conformance/cases.js';
import { conformanceGraph } from '../../fixtures/conformance/fixture.js';

const graph = conformanceGraph();

describe('conformance SQL snapshots', () => {
  for (const [name, c] of Object.entries(CONFORMANCE_CASES)) {
    it(name, () => {
      const compiled = compileQuery(graph, MetricQuerySchema.parse(c.query));
      expect(`${compiled.sql}\n-- params: ${JSON.stringify(compiled.params)}`).toMatchSnapshot();
    });
  }
});
