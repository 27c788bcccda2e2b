/**
 * The published cell-key rule (README "Privacy") written out in SQL for hand-written expected
 * rows: a count as the demo publishes it with its default secret. Independent of the engine's code:
 * the record key, the cell key and the perturbation table are spelled out here.
 */
import { createHmac } from 'node:crypto';
import { DEMO_CELL_KEY_SECRET } from '../../src/privacy/cell-key.js';

const TABLE = 'ARRAY[-2, -1, -1, 0, 0, 0, 0, 1, 1, 2]';
/** The published perturbation table (README "Privacy"), copied on purpose. */
const NOISE = [-2, -1, -1, 0, 0, 0, 0, 1, 1, 2];
const RANGE = 268435456; // 2^28

/** The record key of a subject, computed here with node:crypto's HMAC (independent of the engine's SQL). */
export const recordKeyJs = (subject: string): number => parseInt(createHmac('sha256', DEMO_CELL_KEY_SECRET).update(subject, 'utf8').digest('hex').slice(0, 7), 16);

/** RFC 2104 by hand: the demo secret (shorter than 64 bytes) zero-padded and XORed with ipad / opad. */
const padHex = (byte: number) => {
  const key = Buffer.alloc(64);
  Buffer.from(DEMO_CELL_KEY_SECRET, 'utf8').copy(key);
  return Buffer.from(key.map((b) => b ^ byte)).toString('hex');
};

/** `value` as published for the cell of these subjects (duplicates counted once in the cell key). */
export function publishedCount(value: number, subjects: readonly string[]): number {
  if (value <= 2) return value;
  const key = [...new Set(subjects)].reduce((s, c) => s + recordKeyJs(c), 0) % RANGE;
  return value + NOISE[Math.floor((key * 10) / RANGE)]!;
}

/** The record key of a subject (NULL for NULL: a row that does not contribute). */
export const recordKeyHandSql = (subject: string): string =>
  `('x' || substr(encode(sha256(decode('${padHex(0x5c)}', 'hex') || sha256(decode('${padHex(0x36)}', 'hex') || convert_to((${subject})::text, 'UTF8'))), 'hex'), 1, 7))::bit(28)::int`;

/**
 * `count` (an aggregate expression) as published: plus the noise the table gives for the cell key
 * of the distinct contributing subjects (`subject`: NULL where a row does not contribute).
 * Counts of 0, 1 or 2 are unchanged.
 */
export const publishedCountSql = (count: string, subject: string): string =>
  `((${count}) + CASE WHEN (${count}) <= 2 THEN 0 ELSE (${TABLE})[(mod(coalesce(sum(DISTINCT ${recordKeyHandSql(subject)}), 0), ${RANGE}) * 10 / ${RANGE})::int + 1] END)`;
