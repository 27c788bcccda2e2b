/**
 * Every queryable metric compiles (`{metrics: [m], groupBy: ['metric_time']}`, or without group-by
 * where metric_time is not available) and the warehouse accepts the SQL (`EXPLAIN`, no data read).
 */
import { isMaatstafError } from '../../core/errors.js';
import type { CompiledQuery, MetricQueryInput } from '../../core/query.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import type { Engine } from '../types.js';
import { emptyPhase, findingAt, statusOf, type PhaseResult } from './findings.js';
import { warehouseMessage } from './probe.js';
import { REDACTED_SECRET, secretParam } from '../../privacy/cell-key.js';

const EXPLAIN_SECRET = 'validate-explain-only-secret';

type Compiled = { readonly ok: true; readonly query: MetricQueryInput; readonly compiled: CompiledQuery } | { readonly ok: false; readonly message: string };

/** Compiles the simplest meaningful query for a metric: over metric_time, else the grand total. */
export function compileMetricProbe(engine: Engine, metric: string): Compiled {
  const attempts: MetricQueryInput[] = [{ metrics: [metric], groupBy: ['metric_time'] }, { metrics: [metric] }];
  let first: string | undefined;
  for (const query of attempts) {
    try {
      return { ok: true, query, compiled: engine.compile(query) };
    } catch (e) {
      if (!isMaatstafError(e)) throw e;
      first ??= `${e.code}: ${e.message}`;
    }
  }
  return { ok: false, message: first ?? 'does not compile' };
}

export async function validateMetrics(engine: Engine, wh: Warehouse): Promise<PhaseResult> {
  const phase = emptyPhase();
  const metrics = engine.definitions.metrics.filter((m) => !m.hidden);
  let compileErrors = 0;
  let explainErrors = 0;
  for (const def of metrics) {
    const res = compileMetricProbe(engine, def.name);
    if (!res.ok) {
      compileErrors++;
      phase.errors.push(findingAt(def.loc, 'METRIC_COMPILE', `metric '${def.name}' does not compile: ${res.message}`));
      continue;
    }
    try {
      // compile() shows the cell-key secret redacted; EXPLAIN folds the record-key hashing of that
      // parameter, so it gets well-formed padded keys of a throw-away secret (no data is read).
      const params = res.compiled.params.map((p) => (p === REDACTED_SECRET ? secretParam(EXPLAIN_SECRET) : p));
      await wh.query(`EXPLAIN ${res.compiled.sql}`, params);
    } catch (e) {
      explainErrors++;
      phase.errors.push(findingAt(def.loc, 'METRIC_EXPLAIN', `metric '${def.name}': the warehouse rejects its SQL: ${warehouseMessage(e)}`));
    }
  }
  phase.checks.push({ name: 'metrics_compile', status: statusOf(compileErrors, 0), checked: metrics.length, failed: compileErrors });
  phase.checks.push({ name: 'metrics_explain', status: statusOf(explainErrors, 0), checked: metrics.length - compileErrors, failed: explainErrors });
  return phase;
}
