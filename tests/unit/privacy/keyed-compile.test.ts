/**
 * Compiling over a KEYED model (src/privacy/keyed-counts.ts): the privacy fixture with its
 * `care_requests` count published by cell key. Every threshold column is then the perturbed count
 * of its persons in the same statement (snapshots), the secret is one bound parameter shown
 * redacted, and without a secret such queries are refused — also rounded metrics and answers
 * without metrics over that model.
 */
import { describe, expect, it } from 'vitest';
import { isMaatstafError } from '../../../src/core/errors.js';
import { MetricQuerySchema, type MetricQueryInput } from '../../../src/core/query.js';
import { buildSemanticGraph } from '../../../src/semantic-graph/index.js';
import { REDACTED_SECRET, SECRET_TOKEN, secretParam } from '../../../src/privacy/cell-key.js';
import { protectedCompiler } from '../../../src/privacy/index.js';
import { PRIVACY_TIME_TYPES, privacyDefinitionFiles, privacyDefinitions } from '../../fixtures/privacy/fixture.js';

const KEYED = privacyDefinitionFiles().map((f) => ({
  ...f,
  text: f.text.replace(
    'type_params: { measure: care_requests }\n    config: { meta: { sensitivity: personal, min_group_size: 5 } }',
    'type_params: { measure: care_requests }\n    config: { meta: { sensitivity: personal, min_group_size: 5, disclosure_control: cell_key } }',
  ),
}));
const graph = buildSemanticGraph(privacyDefinitions(KEYED), { timeColumnTypes: PRIVACY_TIME_TYPES });
const SECRET = 'unit-test-secret-0123456789';
/** `secret: null` compiles as a production server without MAATSTAF_CELL_KEY_SECRET. */
const compile = (q: MetricQueryInput, secret: string | null = SECRET) => protectedCompiler(graph, secret === null ? {} : { cellKeySecret: secret })(MetricQuerySchema.parse(q));

const CASES: Record<string, MetricQueryInput> = {
  'answer without metrics': { groupBy: ['request__district'] },
  'rounded sum (threshold perturbed, value rounded)': { metrics: ['requested_amount'], groupBy: ['request__age_band'] },
  'cumulative (window and increment perturbed)': { metrics: ['care_requests_to_date'], groupBy: ['metric_time__quarter'] },
  'derived count (|value| perturbed with its inputs keys)': { metrics: ['open_requests'], groupBy: ['metric_time__month'] },
};

describe('keyed compile: SQL snapshots', () => {
  for (const [name, query] of Object.entries(CASES)) {
    it(name, () => {
      const p = compile(query);
      expect(`${p.compiled.sql}\n-- params: ${JSON.stringify(p.compiled.params)}`).toMatchSnapshot();
    });
  }
});

describe('keyed compile', () => {
  it('binds the padded keys of the secret once, shows it redacted, never the secret', () => {
    for (const query of Object.values(CASES)) {
      const p = compile(query);
      expect(p.compiled.sql).not.toContain(SECRET_TOKEN);
      expect(p.compiled.sql).toMatch(/SHA256/);
      expect(p.compiled.params.at(-1)).toBe(REDACTED_SECRET);
      expect(p.runParams?.at(-1)).toBe(secretParam(SECRET));
      expect(JSON.stringify([p.compiled, p.runParams])).not.toContain(SECRET);
    }
  });

  it('puts the threshold on the perturbed count: the exact count and the cell key are hidden inputs of it', () => {
    const p = compile({ groupBy: ['request__district'] });
    expect(p.rowThresholds).toEqual([{ subjects: '__rows__care_requests', k: 5 }]);
    expect(p.compiled.sql).toContain('__rowsexact__care_requests');
    expect(p.compiled.sql).toContain('__rowkeys__care_requests');
    const m = compile({ metrics: ['median_amount'], groupBy: ['request__district'] });
    expect(m.compiled.sql).toContain('__exact__median_amount');
    expect(m.compiled.sql).toContain('__cellkey__median_amount');
  });

  it('without a secret refuses every protected query over the keyed model (NOT_READY), not only cell-key metrics', () => {
    for (const query of Object.values(CASES)) {
      const err = (() => {
        try {
          compile(query, null);
        } catch (e) {
          return e;
        }
      })();
      expect(isMaatstafError(err) && err.code).toBe('NOT_READY');
    }
    // Public data compiles without the secret.
    expect(compile({ metrics: ['visitors'] }, null).runParams).toBeUndefined();
  });
});
