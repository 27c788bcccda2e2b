/**
 * Grafana's augurs (WebAssembly) as this module uses it: MSTL with an AutoETS trend, and AutoETS
 * alone. The WASM is read from the installed package files and instantiated synchronously
 * (`initSync`) on first use: nothing is fetched at run time, and a server that never forecasts
 * never loads it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as etsModule from '@bsull/augurs/ets';
import * as mstlModule from '@bsull/augurs/mstl';

/** Point forecasts and the prediction interval at one level. */
export interface Band {
  readonly point: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

let loaded = false;

/** Instantiates both WASM modules from node_modules once (the package's `exports` hide the .wasm files, so its folder is found through a JS entry). */
function load(): void {
  if (loaded) return;
  const dir = dirname(createRequire(import.meta.url).resolve('@bsull/augurs/mstl'));
  mstlModule.initSync({ module: readFileSync(join(dir, 'mstl_bg.wasm')) });
  etsModule.initSync({ module: readFileSync(join(dir, 'ets_bg.wasm')) });
  loaded = true;
}

function band(f: mstlModule.Forecast, n: number): Band {
  const { point, intervals } = f;
  // Intervals are always asked for; an empty band stands for "none" rather than a crash.
  return { point, lower: intervals?.lower ?? new Array<number>(n).fill(Number.NaN), upper: intervals?.upper ?? new Array<number>(n).fill(Number.NaN) };
}

/**
 * MSTL (seasonal periods, AutoETS on the trend): `horizon` future points at `level`, and the
 * in-sample fit with its interval at each of `inSampleLevels` (one fit serves them all).
 */
export function mstlForecast(y: Float64Array, periods: readonly number[], horizon: number, level: number, inSampleLevels: readonly number[] = []): { future: Band; inSample: Band[] } {
  load();
  const model = mstlModule.MSTL.ets(Uint32Array.from(periods));
  try {
    model.fit(y);
    const future = horizon > 0 ? band(model.predict(horizon, level), horizon) : { point: [], lower: [], upper: [] };
    return { future, inSample: inSampleLevels.map((l) => band(model.predictInSample(l), y.length)) };
  } finally {
    model.free();
  }
}

/** AutoETS without a seasonal component (augurs' ETS has none): level and trend only. */
export function etsForecast(y: Float64Array, horizon: number, level: number): Band {
  load();
  const model = new etsModule.AutoETS(1, 'ZZN');
  try {
    model.fit(y);
    return band(model.predict(horizon, level), horizon);
  } finally {
    model.free();
  }
}
