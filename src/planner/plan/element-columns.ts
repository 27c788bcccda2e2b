/** Source-column expressions for the elements of one semantic model. */
import { coarsestGrain, type TimeGrain } from '../../core/time.js';
import type { DimensionDef } from '../../definitions/model.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { timeSuffix, type TimeSelection } from '../../semantic-graph/item-spec.js';
import type { ModelNode } from '../../semantic-graph/model-node.js';
import type { CustomGranularity } from '../../semantic-graph/time-spines.js';
import type { SourceColumn, SourceExpr } from './plan-nodes.js';

/** A standard grain or a date part: what a source column can compute by itself. */
export type SourceTime = Exclude<TimeSelection, { kind: 'custom' }>;

/**
 * A column a model level must provide: computed from the row, or a custom granularity looked up
 * in the spine that defines it (joined on the time dimension at the spine's grain).
 */
export type LevelColumn =
  | { readonly name: string; readonly expr: SourceExpr }
  | { readonly name: string; readonly custom: { readonly dimension: DimensionDef; readonly granularity: CustomGranularity } };

/** Prefix of internal (non-output) columns, MetricFlow's convention. */
export const INTERNAL = '__';

export function partitionColumn(name: string): string {
  return `${INTERNAL}partition__${name}`;
}

/** A time dimension of `model` truncated to a grain or with a date part extracted. */
export function timeExpr(graph: SemanticGraph, model: ModelNode, dim: DimensionDef, time: SourceTime): SourceExpr {
  const columnType = graph.timeColumnType(model.name, dim.name);
  return time.kind === 'grain'
    ? { kind: 'time-trunc', expr: dim.expr, columnType, grain: time.grain }
    : { kind: 'date-part', expr: dim.expr, columnType, part: time.part };
}

/** An element of `model` by name: entity or dimension (time dimensions at a grain or date part). */
export function elementExpr(graph: SemanticGraph, model: ModelNode, element: string, time?: SourceTime): SourceExpr {
  const entity = model.entities.get(element);
  if (entity) return { kind: 'element', expr: entity.expr };
  const dim = model.dimensions.get(element);
  if (!dim) throw new Error(`model ${model.name} has no element ${element}`);
  if (dim.type === 'time') return timeExpr(graph, model, dim, time ?? { kind: 'grain', grain: dim.grain ?? 'day' });
  return { kind: 'element', expr: dim.expr };
}

/** The column for an element named `name` on `model`'s rows, custom granularities included. */
export function levelColumn(graph: SemanticGraph, model: ModelNode, name: string, element: string, time?: TimeSelection): LevelColumn {
  if (time?.kind !== 'custom') return { name, expr: elementExpr(graph, model, element, time) };
  const dimension = model.dimensions.get(element);
  const granularity = graph.customGranularities.get(time.name);
  if (!dimension || !granularity) throw new Error(`model ${model.name}: no time dimension ${element} / granularity ${time.name}`);
  return { name, custom: { dimension, granularity } };
}

/** Column name of an element relative to the model that owns it: `country`, `signup_at__month`. */
export function relativeName(element: string, time?: TimeSelection): string {
  return time ? `${element}__${timeSuffix(time)}` : element;
}

/** The column a partition equality compares: time partitions at the coarser of both base grains. */
export function partitionSelect(graph: SemanticGraph, model: ModelNode, other: ModelNode, name: string): SourceColumn {
  const dim = model.partitions.get(name)!;
  if (dim.type !== 'time') return { name: partitionColumn(name), expr: { kind: 'element', expr: dim.expr } };
  const grains = [dim.grain, other.partitions.get(name)?.grain].filter((g): g is TimeGrain => g !== undefined);
  const grain = coarsestGrain(grains) ?? 'day';
  return { name: partitionColumn(name), expr: timeExpr(graph, model, dim, { kind: 'grain', grain }) };
}

/** Row number of conversion events in conversion joins (spec 5.7). */
export const CONVERSION_ROW = `${INTERNAL}conversion_row`;
