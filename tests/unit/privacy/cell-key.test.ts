/** The cell-key method's published table and its load-time rules (src/privacy/cell-key.ts). */
import { describe, expect, it } from 'vitest';
import { parseDefinitionFiles } from '../../../src/definitions/index.js';
import { bindSecret, CELL_KEY_RANGE, cellNoise, cellKeySecretFromEnv, DEMO_CELL_KEY_SECRET, PERTURBATION_SLOTS, perturb, REDACTED_SECRET, secretParam } from '../../../src/privacy/cell-key.js';
import { privacyDefinitionFiles } from '../../fixtures/privacy/fixture.js';

describe('perturbation table', () => {
  it('has zero mean, noise within ±2, and keeps 0, 1 and 2 unchanged', () => {
    expect(PERTURBATION_SLOTS.reduce((a, b) => a + b, 0)).toBe(0);
    expect(PERTURBATION_SLOTS.every((d) => Math.abs(d) <= 2)).toBe(true);
    for (const key of [0, 1, CELL_KEY_RANGE / 2, CELL_KEY_RANGE - 1]) {
      expect(cellNoise(0, key)).toBe(0);
      expect(cellNoise(2, key)).toBe(0);
    }
    // Each slot is a tenth of the key range; the lowest slot subtracts 2, the highest adds 2.
    expect(cellNoise(50, 0)).toBe(-2);
    expect(cellNoise(50, CELL_KEY_RANGE - 1)).toBe(2);
    expect(cellNoise(50, Math.floor(CELL_KEY_RANGE * 0.45))).toBe(0);
    // The raw SUM of record keys is reduced modulo the range.
    expect(perturb(50, String(CELL_KEY_RANGE * 3))).toBe(48);
    expect(perturb(null, 5)).toBeNull();
    for (let v = 3; v < 40; v++) for (let s = 0; s < 10; s++) expect(perturb(v, (s * CELL_KEY_RANGE) / 10) as number).toBeGreaterThan(0);
  });
});

describe('secret', () => {
  it('comes from MAATSTAF_CELL_KEY_SECRET; the demo secret only outside production', () => {
    expect(cellKeySecretFromEnv({ MAATSTAF_CELL_KEY_SECRET: 'a-long-operator-secret' })).toBe('a-long-operator-secret');
    expect(cellKeySecretFromEnv({})).toBe(DEMO_CELL_KEY_SECRET);
    expect(cellKeySecretFromEnv({ NODE_ENV: 'production' })).toBeUndefined();
  });
  it('is bound as a new parameter and redacted in what is shown', () => {
    const b = bindSecret('SELECT md5(CAST(__maatstaf_cell_key_secret__ AS TEXT)) WHERE x = $1', ['v'], 's3cret-s3cret-s3cret');
    expect(b.sql).toBe('SELECT md5(CAST($2 AS TEXT)) WHERE x = $1');
    expect(b.shown).toEqual(['v', REDACTED_SECRET]);
    expect(b.run).toEqual(['v', secretParam('s3cret-s3cret-s3cret')]);
  });
  it('binds the RFC 2104 padded keys of the secret (hex, inner then outer), never the secret itself', () => {
    const pads = secretParam('s3cret-s3cret-s3cret');
    expect(pads).toHaveLength(256);
    expect(pads).not.toContain(Buffer.from('s3cret').toString('hex'));
    // 's' (0x73) ⊕ 0x36 = 0x45, ⊕ 0x5c = 0x2f; the zero padding becomes 0x36… and 0x5c….
    expect(pads.slice(0, 2)).toBe('45');
    expect(pads.slice(126, 128)).toBe('36');
    expect(pads.slice(128, 130)).toBe('2f');
    expect(pads.slice(254)).toBe('5c');
  });
});

describe('disclosure_control in definitions', () => {
  const load = (extra: string) => parseDefinitionFiles([...privacyDefinitionFiles(), { path: 'extra.yml', text: extra }]);
  const messages = (extra: string) => load(extra).issues.filter((i) => i.severity === 'error').map((i) => i.message);
  it('accepts cell_key on a counting simple metric', () => {
    expect(messages(`metrics:\n  - name: ck\n    type: simple\n    type_params: { measure: care_requests }\n    config: { meta: { sensitivity: personal, min_group_size: 5, disclosure_control: cell_key } }\n`)).toEqual([]);
  });
  it('refuses cell_key on a sum, round without round_to, and unknown methods', () => {
    expect(messages(`metrics:\n  - name: ck\n    type: simple\n    type_params: { measure: requested_amount }\n    config: { meta: { sensitivity: personal, min_group_size: 5, disclosure_control: cell_key } }\n`).join()).toContain('disclosure_control cell_key perturbs counts');
    expect(messages(`metrics:\n  - name: rounded\n    type: simple\n    type_params: { measure: care_requests }\n    config: { meta: { sensitivity: personal, min_group_size: 5, disclosure_control: round } }\n`).join()).toContain('needs meta.round_to');
    expect(messages(`metrics:\n  - name: rounded\n    type: simple\n    type_params: { measure: care_requests }\n    config: { meta: { sensitivity: personal, min_group_size: 5, disclosure_control: noise } }\n`).join()).toContain('disclosure_control must be one of cell_key | round');
  });
});
