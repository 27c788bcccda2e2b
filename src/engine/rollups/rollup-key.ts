/**
 * Rollups of keyed personal models store each cell's key (a sum of HMAC record keys under the
 * cell-key secret). Such a build is only valid under the secret it was built with: served after a
 * secret change, the rollup would give the old noise while the raw tables (`useRollups: false`)
 * give the new one — two independent draws for the same cell, which an attacker can average. So the
 * build records a fingerprint of its secret in its hash, and a build of another secret reads as
 * "changed since the build" (rule `definitions-changed`): the raw tables answer until it is rebuilt.
 */
import type { RollupSource } from '../../compiler/index.js';
import type { RollupShape } from '../../planner/rollups/index.js';
import { secretFingerprint } from '../../privacy/cell-key.js';
import { CELL_KEY_PREFIX } from '../../privacy/subject-metrics.js';

/** Whether a rollup stores cell keys (its build SQL needs the secret). */
export const storesCellKeys = (shape: RollupShape): boolean => shape.build.metrics.some((m) => m.startsWith(CELL_KEY_PREFIX));

/** The hash a build of `shape` records: the shape's hash, plus its secret's fingerprint when it stores cell keys. */
export function storedHash(shape: RollupShape, secret: string | undefined): string {
  return storesCellKeys(shape) ? `${shape.hash}#key:${secret === undefined ? 'none' : secretFingerprint(secret)}` : shape.hash;
}

/** The rollups as the compiler sees them under `secret`: a build of another secret does not match its shape. */
export function underSecret(source: RollupSource, secret: string | undefined): RollupSource {
  return {
    now: () => source.now(),
    candidates: () =>
      source.candidates().map((c) => {
        if (!c.state || !storesCellKeys(c.shape)) return c;
        const matches = c.state.hash === storedHash(c.shape, secret);
        return { ...c, state: { ...c.state, hash: matches ? c.shape.hash : `${c.state.hash} (another cell-key secret)` } };
      }),
  };
}
