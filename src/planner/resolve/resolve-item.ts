/**
 * Resolves one requested group-by name (or filter reference) to an available item (spec 3.4/3.5):
 * entity links match as a suffix, the fewest links win, grains must not be finer than the base
 * grain, omitted grains default (metric_time → default metric grain, others → base grain).
 */
import type { QueryIssue } from '../../core/errors.js';
import { suggest } from '../../core/suggest.js';
import { DATE_PART_GRAIN, grainRank, isDatePart, isTimeGrain, type TimeGrain } from '../../core/time.js';
import type { AvailableItem, AvailableItems } from '../../semantic-graph/available-items.js';
import { describeItems, queryableNames } from '../../semantic-graph/group-by-info.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { METRIC_TIME, itemColumnName, parseItemName, type ElementKind, type TimeSelection } from '../../semantic-graph/item-spec.js';
import type { ResolvedItem } from './resolved-query.js';

/** How many available names an error lists. */
export const MAX_AVAILABLE_IN_ERROR = 50;

export type RequestedKind = 'any' | 'dimension' | 'time_dimension' | 'entity';

export interface ItemRequest {
  readonly text: string;
  /** Request path for errors (`groupBy[1]`, `where[0]`). */
  readonly path: string;
  readonly kind: RequestedKind;
  /** Links prepended to the parsed ones (a filter's `entity_path`). */
  readonly entityPath?: readonly string[];
  /** Grain / date part given separately (filter object syntax). */
  readonly grain?: string;
  readonly datePart?: string;
}

export interface ItemScope {
  readonly graph: SemanticGraph;
  readonly available: AvailableItems;
  /** The metrics the items must be available for (for messages). */
  readonly metrics: readonly string[];
  readonly metricTimeGrain: TimeGrain;
}

const KIND_MATCHES: Record<RequestedKind, readonly (ElementKind | 'metric_time')[]> = {
  any: ['metric_time', 'dimension', 'time_dimension', 'entity'],
  dimension: ['metric_time', 'dimension', 'time_dimension'],
  time_dimension: ['metric_time', 'time_dimension'],
  entity: ['entity'],
};

function endsWith(links: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length > links.length) return false;
  return suffix.every((l, i) => links[links.length - suffix.length + i] === l);
}

/** Names listed in errors: the available items (without grains), capped. */
export function availableNames(scope: ItemScope): string[] {
  return [...scope.available.keys()].sort().slice(0, MAX_AVAILABLE_IN_ERROR);
}

function suggestionsFor(scope: ItemScope, text: string): string[] {
  return suggest(text, queryableNames(describeItems(scope.available, scope.graph.model, scope.metricTimeGrain)));
}

/** Whether the name matches an item of some model at all (then it is incompatible rather than unknown). */
function isKnownItem(graph: SemanticGraph, links: readonly string[], element: string): boolean {
  if (element === METRIC_TIME) return links.length === 0;
  for (const m of graph.models.values()) {
    for (const r of graph.reachable(m.name)) {
      if (r.spec.element === element && (links.length === 0 ? r.spec.links.length === 0 : endsWith(r.spec.links, links))) return true;
    }
  }
  return false;
}

function forMetrics(scope: ItemScope): string {
  return scope.metrics.length ? `metric(s) ${scope.metrics.join(', ')}` : 'a query without metrics';
}

/** The candidates with the element name and matching links, reduced to those with the fewest links. */
function candidatesFor(scope: ItemScope, kind: RequestedKind, links: readonly string[], element: string): AvailableItem[] {
  const kinds = KIND_MATCHES[kind];
  const matches = [...scope.available.values()].filter((item) => {
    if (!kinds.includes(item.spec.kind)) return false;
    if (item.spec.kind === 'metric_time') return element === METRIC_TIME && links.length === 0;
    if (item.spec.element !== element) return false;
    return links.length === 0 ? item.spec.links.length === 0 : endsWith(item.spec.links, links);
  });
  const fewest = Math.min(...matches.map((m) => (m.spec.kind === 'metric_time' ? 0 : m.spec.links.length)));
  return matches.filter((m) => (m.spec.kind === 'metric_time' ? 0 : m.spec.links.length) === fewest);
}

interface TimeRequest {
  readonly grain?: string;
  readonly datePart?: string;
  /** A custom granularity name. */
  readonly custom?: string;
}

function chooseTime(req: ItemRequest, item: AvailableItem, wanted: TimeRequest, scope: ItemScope): TimeSelection | QueryIssue {
  const base = item.baseGrain ?? 'day';
  const at = { name: req.text, path: req.path };
  const { grain, datePart, custom } = wanted;
  if (custom !== undefined) {
    const spine = scope.graph.customGranularities.get(custom)?.spine;
    if (!spine || grainRank(spine.grain) < grainRank(base)) {
      return { code: 'INVALID_GRAIN', message: `${req.path}: '${item.key}' cannot be queried at '${custom}'; its finest grain is ${base}.`, ...at };
    }
    return { kind: 'custom', name: custom };
  }
  if (datePart !== undefined) {
    if (!isDatePart(datePart)) {
      return { code: 'INVALID_DATE_PART', message: `${req.path}: unknown date part '${datePart}' in '${req.text}'.`, ...at, suggestions: suggest(datePart, Object.keys(DATE_PART_GRAIN)) };
    }
    if (!item.datePartsAllowed || grainRank(DATE_PART_GRAIN[datePart]) < grainRank(base)) {
      return { code: 'INVALID_DATE_PART', message: `${req.path}: date part '${datePart}' is not available on '${item.key}' (base grain ${base}).`, ...at };
    }
    return { kind: 'date_part', part: datePart };
  }
  if (grain !== undefined) {
    if (!isTimeGrain(grain) || grain === 'nanosecond' || grainRank(grain) < grainRank(base)) {
      return { code: 'INVALID_GRAIN', message: `${req.path}: '${item.key}' cannot be queried at grain '${grain}'; its finest grain is ${base}.`, ...at };
    }
    return { kind: 'grain', grain };
  }
  return { kind: 'grain', grain: item.spec.kind === 'metric_time' ? scope.metricTimeGrain : base };
}

/** Resolves a request; returns the item or the problem. */
export function resolveItem(req: ItemRequest, scope: ItemScope): ResolvedItem | QueryIssue {
  const at = { name: req.text, path: req.path };
  const parsed = parseItemName(req.text);
  if (!parsed) {
    return { code: 'UNKNOWN_GROUP_BY', message: `${req.path}: '${req.text}' is not a valid group-by name.`, ...at, available: availableNames(scope) };
  }
  if (req.grain !== undefined && parsed.grain !== undefined && req.grain !== parsed.grain) {
    return { code: 'INVALID_GRAIN', message: `${req.path}: '${req.text}' names grain ${parsed.grain} but ${req.grain} was given.`, ...at };
  }
  const customs = scope.graph.customGranularities;
  const links = [...(req.entityPath ?? []), ...parsed.links];
  let element = parsed.element;
  let custom = req.grain !== undefined && customs.has(req.grain) ? req.grain : undefined;
  // `x__fiscal_quarter`: a trailing custom granularity name is a grain, not an element (names never collide).
  if (parsed.grain === undefined && parsed.datePart === undefined && parsed.links.length > 0 && customs.has(parsed.element)) {
    if (custom !== undefined && custom !== parsed.element) {
      return { code: 'INVALID_GRAIN', message: `${req.path}: '${req.text}' names grain ${parsed.element} but ${custom} was given.`, ...at };
    }
    custom = parsed.element;
    element = links.pop()!;
  }
  const wanted: TimeRequest = custom !== undefined ? { custom } : { grain: parsed.grain ?? req.grain, datePart: parsed.datePart ?? req.datePart };
  const { grain, datePart } = wanted;
  const candidates = candidatesFor(scope, req.kind, links, element);
  if (candidates.length === 0) {
    const known = isKnownItem(scope.graph, links, element);
    return {
      code: known ? 'INCOMPATIBLE_GROUP_BY' : 'UNKNOWN_GROUP_BY',
      message: known
        ? `${req.path}: '${req.text}' is not available for ${forMetrics(scope)}.`
        : `${req.path}: unknown group-by item '${req.text}'.`,
      ...at,
      suggestions: suggestionsFor(scope, req.text),
      available: availableNames(scope),
    };
  }
  if (candidates.length > 1) {
    const names = candidates.map((c) => c.key).sort();
    return { code: 'AMBIGUOUS_GROUP_BY', message: `${req.path}: '${req.text}' is ambiguous; use one of ${names.join(', ')}.`, ...at, suggestions: names };
  }
  const item = candidates[0]!;
  const spec = item.spec;
  const isTime = spec.kind === 'metric_time' || spec.kind === 'time_dimension';
  if (!isTime) {
    if (grain !== undefined || custom !== undefined) return { code: 'INVALID_GRAIN', message: `${req.path}: '${item.key}' is not a time dimension and has no grain.`, ...at };
    if (datePart !== undefined) return { code: 'INVALID_DATE_PART', message: `${req.path}: '${item.key}' is not a time dimension and has no date parts.`, ...at };
    const kind = spec.kind === 'entity' ? 'entity' : 'dimension';
    return { spec, name: itemColumnName({ spec }), kind, ...(item.owner ? { owner: item.owner } : {}) };
  }
  const time = chooseTime(req, item, wanted, scope);
  if ('code' in time) return time;
  return { spec, time, name: itemColumnName({ spec, time }), kind: 'time', baseGrain: item.baseGrain ?? 'day', ...(item.owner ? { owner: item.owner } : {}) };
}
