/**
 * Spine bounds from the data (issue 24): the span of spine times that can meet a metric's rows,
 * computed in the same statement (MIN/MAX of the rows' time in a CTE), so a spine is never built
 * over decades the data does not reach. Spine times outside it match no row, so bounding changes
 * no number of an INNER time join (cumulative windows, offsets).
 */
import type { TimeGrain } from '../../core/time.js';
import type { PlanBuilder } from './plan-builder.js';
import { BOUNDS_END, BOUNDS_START, type GrainWindow, type NodeId, type SpineBounds, type TimeBoundsNode, type TimeJoinCondition } from './plan-nodes.js';

/**
 * Month arithmetic clamps to the month's end (03-31 minus 1 month is 02-29, as is 03-30), so a
 * spine time can lie a few days after the row time plus the offset: the end gets this margin.
 */
const CLAMP_MARGIN: GrainWindow = { count: 7, grain: 'day' };

type Reach = Pick<TimeBoundsNode, 'startShift' | 'end'>;

function reachOf(condition: TimeJoinCondition): Reach | undefined {
  switch (condition.kind) {
    case 'trailing-window':
      // r <= s < r + window
      return { end: { after: [condition.window] } };
    case 'grain-to-date':
      return { end: { periodOf: condition.grain } };
    case 'all-time':
      return {};
    case 'offset-window':
      // s - window = r
      return { startShift: condition.window, end: { after: [condition.window, CLAMP_MARGIN] } };
    case 'offset-to-grain':
      // DATE_TRUNC(grain, s) = r
      return { end: { periodOf: condition.grain } };
    case 'offset-custom':
      return undefined;
  }
}

function add(b: PlanBuilder, input: NodeId, column: string, reach: Reach): SpineBounds {
  const columns = reach.end ? [BOUNDS_START, BOUNDS_END] : [BOUNDS_START];
  const node = b.add({ kind: 'time-bounds', input, column, ...reach, columns }, 'spine');
  return { node, hasEnd: reach.end !== undefined };
}

/** Bounds for spine times joined to `rows` on `column` by `condition`; undefined when not derivable. */
export function planJoinBounds(b: PlanBuilder, rows: NodeId, column: string, condition: TimeJoinCondition): SpineBounds | undefined {
  const reach = reachOf(condition);
  return reach ? add(b, rows, column, reach) : undefined;
}

/** Bounds covering exactly the `grain` periods present in `column` (first to last, gaps included). */
export function planPeriodBounds(b: PlanBuilder, rows: NodeId, column: string, grain: TimeGrain): SpineBounds {
  return add(b, rows, column, { end: { periodOf: grain } });
}
