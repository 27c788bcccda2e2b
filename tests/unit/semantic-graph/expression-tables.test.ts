/** Lineage lists every table an expression reads, parsed by PostgreSQL's parser (issue 22). */
import { describe, expect, it } from 'vitest';
import { loadDefinitionsOrThrow } from '../../../src/definitions/index.js';
import { buildSemanticGraph } from '../../../src/semantic-graph/index.js';
import { tablesReadBy } from '../../../src/semantic-graph/expression-tables.js';

describe('tables an expression reads', () => {
  it.each<[string, string[]]>([
    ['resolved_at - received_at', []],
    ['(SELECT count(*) FROM calendar c WHERE c.is_workday)', ['calendar']],
    ['CASE WHEN EXISTS (SELECT 1 FROM ref.holidays h JOIN calendar USING (day)) THEN 1 END', ['calendar', 'ref.holidays']],
    ['(WITH days AS (SELECT day FROM calendar) SELECT count(*) FROM days)', ['calendar']],
    ["'FROM calendar' || note", []],
    ['not valid sql (((', []],
  ])('%s', (sql, tables) => {
    expect(tablesReadBy(sql)).toEqual(tables);
  });

  it("the demo's resolved_within_norm lists calendar beside its model's table", async () => {
    const graph = buildSemanticGraph(await loadDefinitionsOrThrow('metrics'));
    const lineage = graph.lineage('resolved_within_norm');
    expect(lineage.relations).toContain('calendar');
    expect(lineage.relations).toContain('public_space_reports');
    // A metric whose expressions read only its model lists just that table.
    expect(graph.lineage('reports_received').relations).toEqual(['public_space_reports']);
  });
});
