/**
 * The cell-key method (consistent perturbation of counts; Australian Bureau of Statistics'
 * TableBuilder, 2021 UK census), for metrics with `meta.disclosure_control: cell_key`. Pure.
 *
 * 1. Record key of a subject: the first 28 bits of HMAC-SHA256(secret, subject id), an integer in
 *    [0, 2^28) — computed IN SQL (identical on PGlite and PostgreSQL), keyed by a secret
 *    (MAATSTAF_CELL_KEY_SECRET), so it is stable across queries and restarts without storing
 *    anything and cannot be recomputed without the secret. The HMAC is written out (RFC 2104)
 *    with the core `sha256()` function: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)); the two padded keys are
 *    derived here from the secret and bound as ONE parameter (their hex, inner then outer), so
 *    neither engine needs pgcrypto (an extension PGlite loads as a separate bundle and a
 *    PostgreSQL warehouse owner would have to install).
 * 2. Cell key: the sum of the record keys of the DISTINCT subjects behind the cell, modulo 2^28
 *    (`SUM(DISTINCT record key)` in the same statement as the value).
 * 3. The published perturbation table maps (value, cell key) to a noise d: the cell key picks one
 *    of ten equally likely slots, `PERTURBATION_SLOTS` gives d for each (−2 once, −1 twice, 0 four
 *    times, +1 twice, +2 once: zero mean, variance 1.2, |d| ≤ 2). A value of 0, 1 or 2 is never
 *    changed (0 stays 0, no negative counts; these are below any k and normally withheld anyway).
 * The same set of subjects always gets the same noise, however the cell is asked for; two cells
 * whose subjects differ by one person get independent-looking noise.
 */
import { createHash, createHmac } from 'node:crypto';
import { MaatstafError } from '../core/errors.js';

/** Record keys and cell keys lie in [0, CELL_KEY_RANGE). */
export const CELL_KEY_RANGE = 2 ** 28;

/** Noise per slot (slot = floor(cell key × 10 / CELL_KEY_RANGE)). Published in README "Privacy". */
export const PERTURBATION_SLOTS: readonly number[] = [-2, -1, -1, 0, 0, 0, 0, 1, 1, 2];

/** Values up to this are shown unperturbed (after suppression they are never shown with k > 2). */
export const UNPERTURBED_UP_TO = 2;

/** Stands for the secret in SQL until the engine binds it as a parameter (never reaches a consumer). */
export const SECRET_TOKEN = '__maatstaf_cell_key_secret__';

/** What `/v1/compile` shows in place of the secret among the parameters. */
export const REDACTED_SECRET = '[MAATSTAF_CELL_KEY_SECRET]';

/** SHA-256's block size: the HMAC key is padded (or first hashed) to this many bytes. */
const BLOCK = 64;

/**
 * What the engine binds in place of SECRET_TOKEN: the hex of K ⊕ ipad followed by the hex of
 * K ⊕ opad (RFC 2104), each BLOCK bytes. Equivalent to the secret for computing record keys, so it
 * is never shown either.
 */
export function secretParam(secret: string): string {
  const raw = Buffer.from(secret, 'utf8');
  const key = Buffer.alloc(BLOCK);
  (raw.length > BLOCK ? createHash('sha256').update(raw).digest() : raw).copy(key);
  const pad = (byte: number) => Buffer.from(key.map((b) => b ^ byte)).toString('hex');
  return pad(0x36) + pad(0x5c);
}

/** The record key of `subjectSql`, as SQL: HMAC-SHA256 with the padded keys of the bound parameter. */
export function recordKeySql(subjectSql: string): string {
  const pads = `CAST(${SECRET_TOKEN} AS TEXT)`;
  const inner = `DECODE(SUBSTR(${pads}, 1, ${2 * BLOCK}), 'hex')`;
  const outer = `DECODE(SUBSTR(${pads}, ${2 * BLOCK + 1}, ${2 * BLOCK}), 'hex')`;
  const hmac = `SHA256(${outer} || SHA256(${inner} || CONVERT_TO(CAST(${subjectSql} AS TEXT), 'UTF8')))`;
  return `CAST(CAST(('x' || SUBSTR(ENCODE(${hmac}, 'hex'), 1, 7)) AS BIT(28)) AS INTEGER)`;
}

/** The same record key computed in JavaScript (tests and documentation). */
export function recordKey(secret: string, subject: string): number {
  return parseInt(createHmac('sha256', secret).update(subject, 'utf8').digest('hex').slice(0, 7), 16);
}

/**
 * A fingerprint of the secret for build records (rollups storing cell keys): an HMAC of a fixed
 * label, so it tells builds of different secrets apart without revealing anything of the secret.
 */
export function secretFingerprint(secret: string): string {
  return createHmac('sha256', secret).update('maatstaf rollup cell keys', 'utf8').digest('hex').slice(0, 16);
}

/** The noise for one cell. */
export function cellNoise(value: number, cellKey: number): number {
  if (!Number.isInteger(value) || value <= UNPERTURBED_UP_TO) return 0;
  const key = ((Math.trunc(cellKey) % CELL_KEY_RANGE) + CELL_KEY_RANGE) % CELL_KEY_RANGE;
  return PERTURBATION_SLOTS[Math.floor((key * PERTURBATION_SLOTS.length) / CELL_KEY_RANGE)]!;
}

/** The published value of a count with its cell key (the raw SUM of record keys). */
export function perturb(value: unknown, rawCellKey: unknown): unknown {
  if (typeof value !== 'number') return value;
  const key = Number(rawCellKey ?? 0);
  return value + cellNoise(value, Number.isFinite(key) ? key : 0);
}

/** Documented demo secret: used only outside production when none is configured. */
export const DEMO_CELL_KEY_SECRET = 'maatstaf-demo-cell-key-secret-not-for-production';

/**
 * The secret to use: MAATSTAF_CELL_KEY_SECRET when set (at least 16 characters); otherwise the demo
 * secret outside production, and none under NODE_ENV=production (queries of cell-key metrics are
 * then refused: a random per-process secret would change every published value at each restart).
 */
export function cellKeySecretFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const configured = env.MAATSTAF_CELL_KEY_SECRET;
  if (configured !== undefined && configured !== '') return configured;
  return env.NODE_ENV === 'production' ? undefined : DEMO_CELL_KEY_SECRET;
}

export function checkSecret(secret: string | undefined): string {
  if (secret === undefined) {
    throw new MaatstafError('NOT_READY', 'This query reads personal data published with cell-key perturbation, but no secret is configured: set MAATSTAF_CELL_KEY_SECRET (a long random value, kept for good).', {});
  }
  if (secret.length < 16) throw new MaatstafError('INVALID_CONFIG', 'MAATSTAF_CELL_KEY_SECRET must be at least 16 characters long.', { name: 'MAATSTAF_CELL_KEY_SECRET' });
  return secret;
}

/** Replaces the secret token by a new parameter (secretParam): the SQL and params to show, and the params to run. */
export function bindSecret(sql: string, params: readonly unknown[], secret: string): { sql: string; shown: unknown[]; run: unknown[] } {
  if (!sql.includes(SECRET_TOKEN)) return { sql, shown: [...params], run: [...params] };
  const placeholder = `$${params.length + 1}`;
  return { sql: sql.split(SECRET_TOKEN).join(placeholder), shown: [...params, REDACTED_SECRET], run: [...params, secretParam(secret)] };
}
