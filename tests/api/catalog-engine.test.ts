/** The engine-layer catalogue functions the REST and GraphQL APIs share (no database). */
import { describe, expect, it } from 'vitest';
import { isMaatstafError } from '../../src/core/errors.js';
import { loadDefinitions } from '../../src/definitions/index.js';
import type { Definitions } from '../../src/definitions/model.js';
import { exampleQuery, listMetrics, metricSummary, requireMetric } from '../../src/engine/catalog.js';
import { canonicalJson } from '../../src/engine/definition-hash.js';
import { containsPattern } from '../../src/engine/dimension-values.js';
import { deprecationNotice, readGovernance } from '../../src/engine/governance.js';
import { listSavedQueries, savedQueryRunRequest } from '../../src/engine/saved-queries.js';
import { buildSemanticGraph } from '../../src/semantic-graph/index.js';
import { DEMO_METRICS_DIR, demoDefinitionsWith } from './helpers/demo-app.js';

async function definitions(dir = DEMO_METRICS_DIR): Promise<Definitions> {
  const result = await loadDefinitions(dir);
  if (!result.definitions) throw new Error(JSON.stringify(result.issues));
  return result.definitions;
}

describe('governance', () => {
  it('reads meta leniently: wrong types are left out, tags normalised', () => {
    expect(
      readGovernance({ owner: 'KCC', status: 'Certified', version: 2, target: '0.5', sensitivity: 'secret', tags: 'kpi', min_group_size: 10, sunset: 'not a date', unit: ['x'] }),
    ).toEqual({ owner: 'KCC', status: 'certified', version: '2', target: 0.5, tags: ['kpi'], minGroupSize: 10 });
    expect(readGovernance({ sunset: new Date(Date.UTC(2026, 11, 31)), tags: ['a', 3, ' b '] })).toEqual({ sunset: '2026-12-31', tags: ['a', 'b'] });
  });

  it('announces the earliest sunset and every replacement of deprecated metrics', async () => {
    const defs = await definitions();
    const base = defs.metrics.find((m) => m.name === 'reports_received')!;
    const dep = (name: string, meta: Record<string, unknown>) => ({ ...base, name, meta: { ...meta, status: 'deprecated' } });
    expect(deprecationNotice([base])).toBeUndefined();
    expect(deprecationNotice([base, dep('a', { sunset: '2027-01-01', replacement: 'x' }), dep('b', { sunset: '2026-06-30', deprecated_at: '2025-01-01' })])).toEqual({
      metrics: ['a', 'b'],
      deprecatedAt: new Date('2025-01-01'),
      sunset: new Date('2026-06-30'),
      replacements: ['x'],
    });
  });
});

describe('catalogue', () => {
  it('hashes what a metric computes: documentation changes keep the hash, a filter change alters it', async () => {
    const graph = buildSemanticGraph(await definitions());
    const hash = (g = graph, name = 'app_share') => metricSummary(g, name).definitionHash;
    expect(hash()).toBe(hash());
    expect(hash(graph, 'reports_received')).not.toBe(hash(graph, 'urgent_reports_received'));

    const relabelled = demoDefinitionsWith({});
    const filtered = demoDefinitionsWith({});
    try {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const file = (dir: string) => `${dir}/openbare_ruimte/reports.yml`;
      const src = readFileSync(file(relabelled.dir), 'utf8');
      writeFileSync(file(relabelled.dir), `# moved down a line\n${src.replace('label: Aandeel meldingen via de app', 'label: Aandeel app').replace('owner: Openbare Ruimte', 'owner: Iemand')}`);
      writeFileSync(file(filtered.dir), src.replace("= 'app'", "= 'web'").replace('agg: median', 'agg: max'));
      expect(hash(buildSemanticGraph(await definitions(relabelled.dir)))).toBe(hash());
      const changed = buildSemanticGraph(await definitions(filtered.dir));
      expect(hash(changed)).not.toBe(hash());
      // Inputs count: a derived metric's hash follows its input's definition; unrelated metrics keep theirs.
      expect(hash(changed, 'median_resolution_days')).not.toBe(hash(graph, 'median_resolution_days'));
      expect(hash(changed, 'reports_received')).toBe(hash(graph, 'reports_received'));
    } finally {
      relabelled.cleanup();
      filtered.cleanup();
    }
  });

  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });

  it('lists, filters and looks up metrics; unknown names get suggestions', async () => {
    const graph = buildSemanticGraph(await definitions());
    expect(listMetrics(graph, { owner: 'leerplicht' }).map((m) => m.name)).toEqual(['absence_recidivism_rate', 'absence_repeats', 'absence_reports', 'pupils_reported']);
    expect(listMetrics(graph, { search: '  ' })).toHaveLength(graph.metricNames.length);
    try {
      requireMetric(graph, 'pupils');
      expect.unreachable();
    } catch (e) {
      expect(isMaatstafError(e) && e.code).toBe('UNKNOWN_METRIC');
      expect(isMaatstafError(e) && e.details.suggestions).toContain('pupils_reported');
    }
    expect(exampleQuery(graph, 'benefit_cases_started')).toEqual({ metrics: ['benefit_cases_started'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'] });
  });

  it('escapes LIKE wildcards and quotes in search patterns', () => {
    expect(containsPattern("50%_o'k\\")).toBe("'%50\\%\\_o''k\\\\%'");
  });
});

describe('saved queries', () => {
  it('runs with run-time where ANDed and order/limit replacing the saved ones', async () => {
    const defs = await definitions();
    expect(listSavedQueries(defs, { tag: 'KCC' }).map((q) => q.name)).toEqual(['satisfaction_by_month']);
    expect(savedQueryRunRequest(defs, 'satisfaction_by_month')).toEqual({
      metrics: ['satisfaction_avg', 'share_scores_7_plus', 'survey_responses'],
      groupBy: ['metric_time__month'],
      orderBy: ['metric_time__month'],
    });
    expect(savedQueryRunRequest(defs, 'satisfaction_by_month', { where: 'f', orderBy: [], limit: 3, timeRange: { start: '2024-01-01' } })).toEqual({
      metrics: ['satisfaction_avg', 'share_scores_7_plus', 'survey_responses'],
      groupBy: ['metric_time__month'],
      where: ['f'],
      orderBy: [],
      limit: 3,
      timeRange: { start: '2024-01-01' },
    });
    const withSavedWhere = { ...defs, savedQueries: defs.savedQueries.map((q) => ({ ...q, where: ['saved'], limit: 10 })) };
    expect(savedQueryRunRequest(withSavedWhere, 'pickup_peaks', { where: ['a', 'b'] })).toMatchObject({ where: ['saved', 'a', 'b'], limit: 10 });
    expect(() => savedQueryRunRequest(defs, 'pickup_peaks', { groupBy: [] })).toThrow(/Unrecognized key/i);
    expect(() => savedQueryRunRequest(defs, 'pickup_peak')).toThrow(/Unknown saved query/);
  });
});
