import type { EntityType } from '../definitions/model.js';

/**
 * Right-side entity types a left entity type may be LEFT OUTER JOINed to (MetricFlow's join table,
 * spec 4.1). The right side is always at most one row per key, so a join never multiplies the left
 * rows (no fan-out); foreign → foreign (many-to-many) is never allowed.
 *
 * A natural entity on the right is an SCD type II key that needs a validity-window join condition;
 * those joins are not planned yet, so `natural` is absent from every right-hand list here (the one
 * place to change when SCD joins are added).
 */
const JOINABLE: Readonly<Record<EntityType, readonly EntityType[]>> = {
  primary: ['primary', 'unique'],
  unique: ['primary', 'unique'],
  foreign: ['primary', 'unique'],
  natural: ['primary', 'unique'],
};

export function canJoin(left: EntityType, right: EntityType): boolean {
  return JOINABLE[left].includes(right);
}
