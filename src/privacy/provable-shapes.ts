/**
 * Shapes whose derived values the engine cannot protect are refused, not answered (issue 17:
 * "a simple, provable rule beats a clever leaky one"). Pure; runs on every protected query.
 *
 * A cumulative metric over personal data is protected cell by cell AND increment by increment
 * (subject-metrics.ts): the difference of two consecutive shown periods is the input over the
 * later period, whose subjects are counted in the same SQL. That holds when
 * - the cumulative has no `window` (a moving window also drops rows leaving it, which no count
 *   covers), and
 * - the cell's value is the running total at the END of its period: `period_agg: last`, or a
 *   time grain of a day or finer (then first, last and average are the same day).
 * Grouping such a metric by a date part (`extract_month`) has no consecutive periods to protect.
 */
import { MaatstafError } from '../core/errors.js';
import type { OutputColumn } from '../core/query.js';
import type { MetricDef } from '../definitions/model.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import { metricClosure } from '../semantic-graph/metric-tree.js';

const COARSER_THAN_DAY = new Set(['week', 'month', 'quarter', 'year']);

const refuse = (message: string, name: string): MaatstafError => new MaatstafError('PRIVACY_PROTECTED', message, { name });

/** Throws PRIVACY_PROTECTED when a protected metric of the query has a cumulative input the engine cannot protect at its time grouping. */
export function refuseUnprovableShapes(graph: SemanticGraph, protectedMetrics: readonly string[], columns: readonly OutputColumn[]): void {
  const times = columns.filter((c) => c.kind === 'time');
  for (const metric of protectedMetrics) {
    for (const def of metricClosure((n) => graph.metric(n), metric)) {
      if (def.type !== 'cumulative') continue;
      checkCumulative(metric, def, times);
    }
  }
}

function checkCumulative(metric: string, def: Extract<MetricDef, { type: 'cumulative' }>, times: readonly OutputColumn[]): void {
  const via = metric === def.name ? '' : ` (an input of '${metric}')`;
  if (def.window) {
    throw refuse(
      `Cumulative metric '${def.name}'${via} has a moving window over personal data: the difference of two periods also drops the rows leaving the window, ` +
        `which no subject count covers. It cannot be queried; ask for its input '${def.input.name}' per period instead.`,
      metric,
    );
  }
  const part = times.find((t) => t.grain?.startsWith('extract_'));
  if (part) {
    throw refuse(`Cumulative metric '${def.name}'${via} over personal data cannot be grouped by a date part ('${part.name}'); group by a time grain instead.`, part.name);
  }
  if (def.periodAgg === 'last') return;
  const coarse = times.find((t) => t.grain !== undefined && COARSER_THAN_DAY.has(t.grain));
  if (coarse) {
    const base = coarse.name.slice(0, coarse.name.length - coarse.grain!.length);
    throw refuse(
      `Cumulative metric '${def.name}'${via} (period_agg: ${def.periodAgg}) over personal data is protected only per day: its ${coarse.grain} values are ` +
        `not running totals at the end of each ${coarse.grain}, so their differences are not counted. The coarsest grain allowed is '${base}day' ` +
        `(or define the metric with period_agg: last).`,
      coarse.name,
    );
  }
}
