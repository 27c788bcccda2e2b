/** Percentile values: fractions in (0, 1); values in (1, 100) are read as percentages (maatstaf decision 2). */

export type PercentileValue =
  | { readonly ok: true; readonly value: number; readonly fromPercentage: boolean }
  | { readonly ok: false };

export function readPercentile(p: number): PercentileValue {
  if (p > 0 && p < 1) return { ok: true, value: p, fromPercentage: false };
  if (p > 1 && p < 100) return { ok: true, value: p / 100, fromPercentage: true };
  return { ok: false };
}
