/**
 * The schema-checked (not yet cross-validated or normalised) contents of a definitions folder:
 * each construct as written, with where it was written.
 */
import type { SourceLocation } from './model.js';
import type { MetricSpec } from './schema/metric.schema.js';
import type { SavedQuerySpec } from './schema/saved-query.schema.js';
import type { SemanticModelSpec } from './schema/semantic-model.schema.js';
import type { SettingsSpec } from './schema/settings.schema.js';
import type { TimeSpineModelSpec } from './schema/time-spine.schema.js';

export interface Located<T> {
  readonly spec: T;
  readonly loc: SourceLocation;
}

export interface SpecSet {
  readonly semanticModels: readonly Located<SemanticModelSpec>[];
  readonly metrics: readonly Located<MetricSpec>[];
  readonly savedQueries: readonly Located<SavedQuerySpec>[];
  readonly timeSpineModels: readonly Located<TimeSpineModelSpec>[];
  readonly settings: Located<SettingsSpec>;
  /**
   * Names declared by entries that failed the schema (and the elements inside them). References to
   * these are not reported as unknown: the schema error already explains the problem.
   */
  readonly brokenNames: ReadonlySet<string>;
  /** Some file could not be read or some entry failed its schema: the specs are not the whole project. */
  readonly incomplete: boolean;
}

const ORIGINAL_INDEX = Symbol('originalIndex');

/** Marks a salvaged element with its index in the file (the list it is in may have dropped bad elements). */
export function withOriginalIndex<T extends object>(element: T, index: number): T {
  Object.defineProperty(element, ORIGINAL_INDEX, { value: index, enumerable: false });
  return element;
}

/** The element's index as written in the file; `i` (its index in the list) when nothing was dropped. */
export function elementIndex(element: object, i: number): number {
  const original = (element as { [ORIGINAL_INDEX]?: unknown })[ORIGINAL_INDEX];
  return typeof original === 'number' ? original : i;
}
