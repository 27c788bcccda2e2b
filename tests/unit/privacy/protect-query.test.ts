/** Compiling protected queries: hidden subject-count columns in the same SQL statement (snapshots), and load-time checks. */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/compiler/index.js';
import { isMaatstafError } from '../../../src/core/errors.js';
import { MetricQuerySchema, type MetricQueryInput } from '../../../src/core/query.js';
import { parseDefinitionFiles } from '../../../src/definitions/index.js';
import { protectedCompiler } from '../../../src/privacy/index.js';
import { privacyDefinitionFiles, privacyGraph } from '../../fixtures/privacy/fixture.js';

const graph = privacyGraph();
const compileProtected = protectedCompiler(graph);
const compile = (q: MetricQueryInput) => compileProtected(MetricQuerySchema.parse(q));

const CASES: Record<string, MetricQueryInput> = {
  'simple count by district': { metrics: ['care_requests'], groupBy: ['request__district'] },
  'ratio without own k (inherits), filtered, time range': {
    metrics: ['grant_rate'],
    groupBy: ['metric_time__month'],
    where: ["{{ Dimension('request__age_band') }} = 'old'"],
    timeRange: { start: '2024-02-01', end: '2024-06-30' },
  },
  'sum with rounding and a median, ordered and limited': { metrics: ['requested_amount', 'median_amount'], groupBy: ['request__age_band'], orderBy: ['-requested_amount'], limit: 3 },
  'cumulative by quarter': { metrics: ['care_requests_to_date'], groupBy: ['metric_time__quarter'] },
  'derived with an offset input': { metrics: ['requests_change'], groupBy: ['metric_time__month'] },
  'protected and public metric together': { metrics: ['care_clients', 'visitors'], groupBy: ['metric_time__year'] },
};

describe('SQL snapshots with subject counts', () => {
  for (const [name, query] of Object.entries(CASES)) {
    it(name, () => {
      const p = compile(query);
      expect(`${p.compiled.sql}\n-- params: ${JSON.stringify(p.compiled.params)}`).toMatchSnapshot();
    });
  }
});

describe('protected compile', () => {
  it('adds one hidden subject column per protected metric, keeps the public columns', () => {
    const p = compile({ metrics: ['care_requests', 'grant_rate', 'visitors'], groupBy: ['metric_time__year'] });
    expect(p.compiled.columns.map((c) => c.name)).toEqual(['metric_time__year', 'care_requests', 'grant_rate', 'visitors']);
    expect(p.protectedColumns).toEqual([
      { column: 'care_requests', k: 5, subjects: '__subjects__care_requests' },
      { column: 'grant_rate', k: 5, subjects: '__subjects__grant_rate' },
    ]);
    expect(p.keyColumns).toEqual(['metric_time__year']);
    expect(p.compiled.sql).toMatch(/SELECT\s+"metric_time__year",\s+"care_requests",\s+"grant_rate",\s+"visitors",\s+"__subjects__care_requests",\s+"__subjects__grant_rate"\s+FROM/);
    // One statement: no second query is needed to count subjects.
    expect(p.compiled.sql.match(/;/g)).toBeNull();
  });

  it('counts distinct subjects (client_id) over the rows that contribute to the value', () => {
    expect(compile({ metrics: ['granted_requests'] }).compiled.sql).toContain('COUNT(DISTINCT');
    expect(compile({ metrics: ['granted_requests'] }).compiled.sql).toContain('(CASE WHEN (CASE WHEN granted THEN 1 ELSE 0 END) <> 0 THEN "client_id" END)');
    expect(compile({ metrics: ['median_amount'] }).compiled.sql).toContain('(CASE WHEN "amount" IS NOT NULL THEN "client_id" END)');
  });

  it('compiles queries without protected metrics exactly as before', () => {
    const q = { metrics: ['visitors'], groupBy: ['metric_time__month'] };
    const p = compile(q);
    expect(p.protectedColumns).toEqual([]);
    expect(p.compiled.sql).toBe(compileQuery(graph, MetricQuerySchema.parse(q)).sql);
  });

  it('sorts on a masked sort key and leaves the limit to the engine (applied after suppression)', () => {
    const p = compile({ metrics: ['care_requests', 'visitors'], groupBy: ['metric_time__year'], orderBy: ['-care_requests', 'visitors'], limit: 3 });
    expect(p.limit).toBe(3);
    expect(p.compiled.sql).not.toMatch(/LIMIT/);
    expect(p.compiled.sql).toMatch(/ORDER BY "__masked__desc__care_requests" DESC, "visitors"$/);
    expect(p.compiled.sql).toContain(`CASE WHEN masked_value IS NULL THEN NULL WHEN COALESCE(masked_subjects, 0) >= 5 THEN CAST(masked_value AS DOUBLE PRECISION) ELSE CAST('-Infinity' AS DOUBLE PRECISION) END`);
    const open = compile({ metrics: ['visitors'], orderBy: ['visitors'], limit: 3 });
    expect(open.limit).toBeUndefined();
    expect(open.compiled.sql).toMatch(/\nLIMIT 3$/);
  });

  it('rounding applies to metrics with round_to only', () => {
    expect(compile({ metrics: ['requested_amount', 'care_requests'] }).rounding).toEqual([{ column: 'requested_amount', base: 10 }]);
  });

  it('never lets a caller query a subject-count metric, also not in Metric() filters', () => {
    const codes = (q: MetricQueryInput) => {
      try {
        compile(q);
        return 'compiled';
      } catch (e) {
        return isMaatstafError(e) ? e.code : 'other';
      }
    };
    expect(codes({ metrics: ['__subjects__care_requests'] })).toBe('UNKNOWN_METRIC');
    expect(codes({ metrics: ['visitors'], where: ["{{ Metric('__subjects__care_requests', group_by=['request']) }} > 1"] })).not.toBe('compiled');
  });
});

describe('Metric() filters on protected metrics', () => {
  it('are refused: they would select entities by a small, unsuppressed value', () => {
    const where = "{{ Metric('care_requests', group_by=['client']) }} = 1";
    let err: unknown;
    try {
      compile({ metrics: ['care_requests'], groupBy: ['request__district'], where: ["{{ Dimension('request__age_band') }} = 'old'", where] });
    } catch (e) {
      err = e;
    }
    expect(isMaatstafError(err) && err.code).toBe('UNSUPPORTED_QUERY');
    expect(isMaatstafError(err) && err.details).toMatchObject({ name: 'care_requests', path: 'where[1]' });
  });

  it('on public metrics stay allowed', () => {
    expect(compile({ metrics: ['visitors'], where: "{{ Metric('visitors', group_by=['counter']) }} > 1" }).compiled.sql).toContain('"visitors"');
  });
});

describe('subject validation at load', () => {
  const load = (edit: (text: string) => string) => {
    const files = privacyDefinitionFiles().map((f) => ({ ...f, text: edit(f.text) }));
    return parseDefinitionFiles(files);
  };
  const errors = (r: ReturnType<typeof load>) => r.issues.filter((i) => i.severity === 'error').map((i) => i.message);

  it('loads the fixture without issues', () => {
    expect(errors(load((t) => t))).toEqual([]);
  });

  it('rejects a meta.subject that is not an entity of the model', () => {
    const r = load((t) => t.replace('subject: client', 'subject: person'));
    expect(r.definitions).toBeUndefined();
    expect(errors(r).join('\n')).toContain("'person' is not an entity of semantic model 'care_requests' (entities: request, client)");
  });

  it('falls back to the primary entity, and needs one when there is no meta.subject', () => {
    expect(errors(load((t) => t.replace('      meta:\n        subject: client\n', '      meta: {}\n')))).toEqual([]);
    const r = load((t) => t.replace('      meta:\n        subject: client\n', '      meta: {}\n').replace('{ name: request, type: primary, expr: request_id }', '{ name: request, type: unique, expr: request_id }').replace('    defaults:\n      agg_time_dimension: requested_at', '    primary_entity: care_request\n    defaults:\n      agg_time_dimension: requested_at'));
    expect(errors(r).join('\n')).toContain("no subject for protected metric 'care_requests': semantic model 'care_requests' has no primary entity");
  });

  it('checks round_to and subject types in governance meta', () => {
    const r = load((t) => t.replace('round_to: 10', 'round_to: 0.5'));
    expect(errors(r).join('\n')).toContain('round_to must be an integer above 1');
  });
});
