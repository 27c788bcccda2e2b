/**
 * The published cell-key rule (README "Privacy") written out in SQL for hand-written expected
 * rows: a count as the demo publishes it with its default secret. Independent of the engine's code:
 * the record key, the cell key and the perturbation table are spelled out here.
 */
import { DEMO_CELL_KEY_SECRET } from '../../src/privacy/cell-key.js';

const TABLE = 'ARRAY[-2, -1, -1, 0, 0, 0, 0, 1, 1, 2]';
const RANGE = 268435456; // 2^28

/** The record key of a subject (NULL for NULL: a row that does not contribute). */
export const recordKeyHandSql = (subject: string): string => `('x' || substr(md5('${DEMO_CELL_KEY_SECRET}' || (${subject})::text), 1, 7))::bit(28)::int`;

/**
 * `count` (an aggregate expression) as published: plus the noise the table gives for the cell key
 * of the distinct contributing subjects (`subject`: NULL where a row does not contribute).
 * Counts of 0, 1 or 2 are unchanged.
 */
export const publishedCountSql = (count: string, subject: string): string =>
  `((${count}) + CASE WHEN (${count}) <= 2 THEN 0 ELSE (${TABLE})[(mod(coalesce(sum(DISTINCT ${recordKeyHandSql(subject)}), 0), ${RANGE}) * 10 / ${RANGE})::int + 1] END)`;
