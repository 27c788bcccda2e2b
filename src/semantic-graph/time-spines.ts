import type { TimeSpineDef } from '../definitions/model.js';
import { compareGrains, finestGrain, grainRank, type TimeGrain } from '../core/time.js';

/** A custom granularity: a column of the spine that defines it, labelling each base-grain row. */
export interface CustomGranularity {
  readonly name: string;
  readonly column: string;
  readonly spine: TimeSpineDef;
}

export function customGranularities(spines: readonly TimeSpineDef[]): CustomGranularity[] {
  return spines.flatMap((spine) => spine.customGranularities.map((c) => ({ name: c.name, column: c.column, spine })));
}

/** Custom granularities a time item with this base grain can use: their spine's grain must not be finer. */
export function customGrainsFrom(customs: readonly CustomGranularity[], base: TimeGrain): string[] {
  return customs.filter((c) => grainRank(c.spine.grain) >= grainRank(base)).map((c) => c.name);
}

/** Without a spine, metric_time rows come from generate_series, stepping at most this fine. */
export const GENERATED_SPINE_FINEST_GRAIN: TimeGrain = 'hour';

/**
 * The spine for a needed grain (spec 5.3): among spines whose base grain is not coarser than the
 * finest needed grain, the coarsest one. Ties: definition order.
 */
export function chooseSpine(spines: readonly TimeSpineDef[], needed: TimeGrain): TimeSpineDef | undefined {
  let best: TimeSpineDef | undefined;
  for (const s of spines) {
    if (compareGrains(s.grain, needed) > 0) continue;
    if (!best || compareGrains(s.grain, best.grain) > 0) best = s;
  }
  return best;
}

/** The finest grain metric_time can have in a query without metrics. */
export function finestSpineGrain(spines: readonly TimeSpineDef[]): TimeGrain {
  return finestGrain(spines.map((s) => s.grain)) ?? GENERATED_SPINE_FINEST_GRAIN;
}
