/**
 * Runs the data-quality checks declared on semantic models (`config.meta.data_tests`): counts the
 * rows of the model's relation that violate each one. This reads data (one aggregate per test).
 */
import { sql } from 'kysely';
import { coldKysely } from '../../compiler/index.js';
import { elementSql, relationRef } from '../../compiler/render-exprs.js';
import { readDataTests, type DataTest } from '../../definitions/governance/data-tests.js';
import type { SemanticModelDef } from '../../definitions/model.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { emptyPhase, findingAt, type PhaseResult } from './findings.js';
import { warehouseMessage } from './probe.js';

/** `SELECT count(*) FILTER (WHERE <violation>) AS violations, count(*) AS total FROM <relation>`. */
export function dataTestSql(model: SemanticModelDef, test: DataTest): string {
  let violation;
  switch (test.check.kind) {
    case 'sql':
      // Raw SQL from the reviewed definitions; NULL counts as a violation.
      violation = sql`NOT COALESCE((${sql.raw(test.check.condition)}), false)`;
      break;
    case 'not_null': {
      const name = test.check.column;
      const element = [...model.entities, ...model.dimensions].find((e) => e.name === name);
      violation = sql`${element ? elementSql(element.expr) : sql.id(name)} IS NULL`;
      break;
    }
  }
  return sql`SELECT count(*) FILTER (WHERE ${violation}) AS ${sql.id('violations')}, count(*) AS ${sql.id('total')} FROM ${relationRef(model.relation)}`.compile(coldKysely).sql;
}

export async function runDataTests(models: readonly SemanticModelDef[], wh: Warehouse, readable: ReadonlySet<string>): Promise<PhaseResult> {
  const phase = emptyPhase();
  for (const model of models) {
    const { tests } = readDataTests(model.meta.data_tests);
    for (const test of tests) {
      const name = `data_test:${model.name}.${test.name}`;
      if (!readable.has(model.name)) {
        phase.checks.push({ name, status: 'skipped', checked: 0, failed: 0, detail: 'relation cannot be read' });
        continue;
      }
      try {
        const res = await wh.query<{ violations: number | string; total: number | string }>(dataTestSql(model, test));
        const violations = Number(res.rows[0]?.violations ?? 0);
        const total = Number(res.rows[0]?.total ?? 0);
        const pct = total > 0 ? ` (${((violations / total) * 100).toFixed(2)}%)` : '';
        const detail = `${violations} of ${total} rows violate it${pct}`;
        if (violations > 0) {
          const finding = findingAt(model.loc, 'DATA_TEST_FAILED', `data test '${test.name}' on '${model.name}': ${detail}`);
          (test.severity === 'error' ? phase.errors : phase.warnings).push(finding);
        }
        const status = violations === 0 ? 'passed' : test.severity === 'error' ? 'failed' : 'warning';
        phase.checks.push({ name, status, checked: total, failed: violations, detail });
      } catch (e) {
        phase.errors.push(findingAt(model.loc, 'DATA_TEST_INVALID', `data test '${test.name}' on '${model.name}' cannot run: ${warehouseMessage(e)}`));
        phase.checks.push({ name, status: 'failed', checked: 0, failed: 0, detail: warehouseMessage(e) });
      }
    }
  }
  return phase;
}
