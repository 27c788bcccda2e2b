/** The explorer's URL state and the texts it hands out (CSV URL, GraphQL, curl), and tile status. */
import { describe, expect, it } from 'vitest';
import { chooseChart, csvUrl, curlText, filterToWhere, graphqlText, powerQueryText, stateFromParams, stateToParams, toQuery } from '../../../src/web/query-state.js';
import { ragStatus } from '../../../src/web/rag.js';

const STATE = {
  metrics: ['document_pickups'],
  groupBy: ['metric_time__extract_dow', 'metric_time__extract_hour'],
  filters: [{ dimension: 'application__location', values: ['Stadskantoor', "O'Brien ~ plein"] }],
  start: '2025-01-01',
  end: '2025-12-31',
};

describe('explorer state', () => {
  it('round-trips through the URL, values with quotes and tildes included', () => {
    expect(stateFromParams(new URLSearchParams(stateToParams(STATE).toString()))).toEqual(STATE);
  });

  it('builds the API query with quoted filter literals and ordered group-bys', () => {
    expect(toQuery(STATE)).toEqual({
      metrics: ['document_pickups'],
      groupBy: STATE.groupBy,
      where: ["{{ Dimension('application__location') }} IN ('Stadskantoor', 'O''Brien ~ plein')"],
      timeRange: { start: '2025-01-01', end: '2025-12-31' },
      orderBy: STATE.groupBy,
    });
    expect(filterToWhere({ dimension: 'd', values: ['x'] })).toBe("{{ Dimension('d') }} = 'x'");
  });

  it('hands out the GET form, GraphQL and curl for the same query', () => {
    const q = toQuery(STATE);
    const url = new URL(csvUrl('http://127.0.0.1:3000', q));
    expect(url.pathname).toBe('/v1/query');
    expect(url.searchParams.getAll('groupBy')).toEqual(STATE.groupBy);
    expect(url.searchParams.get('format')).toBe('csv');
    expect(url.searchParams.get('bom')).toBe('true');
    expect(url.searchParams.get('start')).toBe('2025-01-01');
    expect(graphqlText(q)).toContain('query(input: { metrics: ["document_pickups"]');
    const curl = curlText('http://127.0.0.1:3000', q, true);
    expect(curl).toContain('$MAATSTAF_API_KEY');
    // The single quote in the value is closed, escaped and reopened for the shell.
    expect(curl).toContain(`O'\\''`);
  });

  it('writes Power Query M with the key in X-API-Key and every query part, quotes doubled', () => {
    const m = powerQueryText('https://kpi.gemeente.nl', { metrics: ['a', 'b'], groupBy: ['metric_time__month'], where: [`{{ Dimension('x__y') }} = 'say "hi"'`], timeRange: { start: '2025-01-01' } });
    expect(m).toContain('Headers = [#"X-API-Key" = ApiKey]');
    expect(m).toContain('"https://kpi.gemeente.nl",');
    expect(m).toContain('RelativePath = "v1/query"');
    expect(m).toContain('Query = [metrics = {"a", "b"}, groupBy = {"metric_time__month"}, where = {"{{ Dimension(\'x__y\') }} = \'say ""hi""\'"}, start = "2025-01-01", format = "csv", bom = "true"]');
  });

  it('chooses the chart from the group-bys', () => {
    expect(chooseChart([])).toBe('number');
    expect(chooseChart(['metric_time__extract_dow', 'metric_time__extract_hour'])).toBe('heatmap');
    expect(chooseChart(['metric_time__month', 'report__category'])).toBe('line');
    expect(chooseChart(['report__category'])).toBe('bar');
  });
});

describe('red/amber/green', () => {
  it('follows direction and target, amber within 10 %', () => {
    expect(ragStatus(0.85, 0.8, 'higher_is_better')).toBe('green');
    expect(ragStatus(0.75, 0.8, 'higher_is_better')).toBe('amber');
    expect(ragStatus(0.5, 0.8, 'higher_is_better')).toBe('red');
    expect(ragStatus(40, 48, 'lower_is_better')).toBe('green');
    expect(ragStatus(52, 48, 'lower_is_better')).toBe('amber');
    expect(ragStatus(80, 48, 'lower_is_better')).toBe('red');
    expect(ragStatus(1, undefined, undefined)).toBe('none');
    expect(ragStatus(null, 1, 'higher_is_better')).toBe('none');
  });
});
