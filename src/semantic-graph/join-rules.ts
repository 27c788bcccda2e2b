import type { EntityType } from '../definitions/model.js';

/**
 * Right-side entity types a left entity type may be LEFT OUTER JOINed to (MetricFlow's join table,
 * spec 4.1). The right side is always at most one row per key, so a join never multiplies the left
 * rows (no fan-out); foreign → foreign (many-to-many) is never allowed.
 *
 * A natural entity on the right is an SCD type II key: allowed only when the right model has a
 * validity window (one row per key and instant), joined with a validity condition (spec 6.3).
 */
const JOINABLE: Readonly<Record<EntityType, readonly EntityType[]>> = {
  primary: ['primary', 'unique'],
  unique: ['primary', 'unique'],
  foreign: ['primary', 'unique'],
  natural: ['primary', 'unique'],
};

/** Natural-entity (SCD type II) joins are allowed from these left entity types (spec 4.1). */
const SCD_LEFT: readonly EntityType[] = ['primary', 'unique', 'foreign'];

/** `rightIsScd`: the right model has a validity window; two SCD models are never joined. */
export function canJoin(left: EntityType, right: EntityType, rightIsScd = false, leftIsScd = false): boolean {
  if (right === 'natural') return rightIsScd && !leftIsScd && SCD_LEFT.includes(left);
  return JOINABLE[left].includes(right);
}
