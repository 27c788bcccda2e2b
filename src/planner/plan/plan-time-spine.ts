/**
 * Time-spine rows (spec 5.3): the spine table with the coarsest base grain that is fine enough
 * (or the spine defining a requested custom granularity), or generate_series when the definitions
 * have no spine (bounded by the time range, else 2000-01-01 … 2040-12-31, and by the data's span
 * when the caller gives bounds).
 */
import { MaatstafError } from '../../core/errors.js';
import { DATE_PART_GRAIN, compareGrains, finestGrain, grainRank, type TimeGrain } from '../../core/time.js';
import type { ElementExpr, TimeSpineDef } from '../../definitions/model.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import type { CustomGranularity } from '../../semantic-graph/time-spines.js';
import type { TimeColumnType } from '../../semantic-graph/time-column-types.js';
import type { ResolvedItem, ResolvedTimeRange } from '../resolve/resolved-query.js';
import { DEFAULT_RANGE_END, DEFAULT_RANGE_START, formatNaiveTime, nextPeriod, parseNaiveTime } from '../resolve/time-range.js';
import { INTERNAL } from './element-columns.js';
import type { PlanBuilder } from './plan-builder.js';
import type { NodeId, SourceColumn, SourceExpr, SpineBounds, SpineSource } from './plan-nodes.js';

/** Name of the generated series column. */
const SERIES_COLUMN = 'ts';
/** The spine time at its own grain, in custom-granularity lookups. */
export const SPINE_TIME = `${INTERNAL}spine_time`;

function itemGrain(graph: SemanticGraph, i: ResolvedItem): TimeGrain {
  switch (i.time?.kind) {
    case 'grain':
      return i.time.grain;
    case 'date_part':
      return DATE_PART_GRAIN[i.time.part];
    case 'custom':
      return graph.customGranularities.get(i.time.name)?.spine.grain ?? 'day';
    case undefined:
      return 'day';
  }
}

function neededGrain(graph: SemanticGraph, items: readonly ResolvedItem[], range: ResolvedTimeRange | undefined): TimeGrain {
  const grains = items.map((i) => itemGrain(graph, i));
  if (range) grains.push(range.grain);
  const finest = finestGrain(grains) ?? 'day';
  // Date parts count as day (spec 5.3).
  return compareGrains(finest, 'day') > 0 ? 'day' : finest;
}

function seriesSource(step: TimeGrain, range: ResolvedTimeRange | undefined): SpineSource {
  const start = range?.start ?? `${DEFAULT_RANGE_START} 00:00:00`;
  const endExclusive = range?.endExclusive ?? formatNaiveTime(nextPeriod(parseNaiveTime(DEFAULT_RANGE_END)!, 'day'));
  // generate_series includes its stop value: the last step start before the exclusive end.
  const stepMs = { hour: 3_600_000, minute: 60_000, second: 1_000 }[step as 'hour' | 'minute' | 'second'] ?? 86_400_000;
  const stop = formatNaiveTime(new Date(parseNaiveTime(endExclusive)!.getTime() - stepMs));
  return { kind: 'series', start, stop, step };
}

function tableSource(spine: TimeSpineDef): SpineSource {
  return { kind: 'table', relation: spine.relation, column: spine.primaryColumn, grain: spine.grain };
}

/** Spine columns are naive: dates (grains ≥ day) or timestamps; never shifted to a zone. */
function spineColumnType(source: SpineSource, grain: TimeGrain): TimeColumnType {
  return source.kind === 'table' && grainRank(grain) >= grainRank('day') ? 'date' : 'timestamp';
}

/** The spine table that must be read: the one defining the custom granularities asked for, if any. */
function customSpine(graph: SemanticGraph, items: readonly ResolvedItem[]): TimeSpineDef | undefined {
  const spines = new Set(items.flatMap((i) => (i.time?.kind === 'custom' ? [graph.customGranularities.get(i.time.name)!.spine] : [])));
  if (spines.size > 1) throw new MaatstafError('UNSUPPORTED_QUERY', 'Custom granularities from different time spines cannot be combined in one query.');
  return [...spines][0];
}

export interface SpineRows {
  readonly node: NodeId;
  /** Column holding the spine time at its base grain (for the time constraint). */
  readonly baseColumn: string;
}

/** True when the spine for these items is generated (no spine table fits). */
export function isGeneratedSpine(graph: SemanticGraph, items: readonly ResolvedItem[], range: ResolvedTimeRange | undefined): boolean {
  return !(customSpine(graph, items) ?? graph.spineFor(neededGrain(graph, items, range)));
}

/**
 * Plans spine rows exposing the time `items` (named by `item.name`) and the base-grain column,
 * limited to `bounds` when given (the span the data can reach, plan-spine-bounds.ts).
 */
export function planTimeSpine(b: PlanBuilder, graph: SemanticGraph, items: readonly ResolvedItem[], range: ResolvedTimeRange | undefined, bounds?: SpineBounds): SpineRows {
  const needed = neededGrain(graph, items, range);
  const table = customSpine(graph, items) ?? graph.spineFor(needed);
  const step: TimeGrain = grainRank(needed) < grainRank('day') ? needed : 'day';
  const spine = table ? tableSource(table) : seriesSource(step, range);
  const grain = spine.kind === 'table' ? spine.grain : spine.step;
  const column = spine.kind === 'table' ? spine.column : SERIES_COLUMN;
  const columnType = spineColumnType(spine, grain);
  const expr: ElementExpr = { sql: column, column };
  const exprFor = (i: ResolvedItem): SourceExpr => {
    switch (i.time?.kind) {
      case 'date_part':
        return { kind: 'date-part', expr, columnType, part: i.time.part };
      case 'custom': {
        const c = graph.customGranularities.get(i.time.name)!.column;
        return { kind: 'element', expr: { sql: c, column: c } };
      }
      case 'grain':
        return { kind: 'time-trunc', expr, columnType, grain: i.time.grain };
      case undefined:
        return { kind: 'time-trunc', expr, columnType, grain };
    }
  };
  const baseColumn = `metric_time__${grain}`;
  const select: SourceColumn[] = items.map((i) => ({ name: i.name, expr: exprFor(i) }));
  if (!select.some((c) => c.name === baseColumn)) select.push({ name: baseColumn, expr: { kind: 'time-trunc', expr, columnType, grain } });
  const node = b.add({ kind: 'time-spine', spine, select, ...(bounds ? { bounds } : {}), columns: select.map((c) => c.name) }, 'metric_time');
  return { node, baseColumn };
}

/** The spine rows of a custom granularity: spine time at its grain → custom period label. */
export function planCustomGranularityLookup(b: PlanBuilder, granularity: CustomGranularity): NodeId {
  const spine = tableSource(granularity.spine);
  const time: ElementExpr = { sql: granularity.spine.primaryColumn, column: granularity.spine.primaryColumn };
  const select: SourceColumn[] = [
    { name: SPINE_TIME, expr: { kind: 'time-trunc', expr: time, columnType: spineColumnType(spine, granularity.spine.grain), grain: granularity.spine.grain } },
    { name: granularity.name, expr: { kind: 'element', expr: { sql: granularity.column, column: granularity.column } } },
  ];
  return b.add({ kind: 'time-spine', spine, select, columns: select.map((c) => c.name) }, granularity.name);
}
