/** Windows and offsets written as `"<count> <grain>"`: `7 days`, `1 week`, `2 fiscal_quarters`. */
import { isTimeGrain, TIME_GRAINS, type TimeWindow } from '../core/time.js';
import { didYouMean } from './did-you-mean.js';

export type WindowResult = { readonly ok: true; readonly window: TimeWindow } | { readonly ok: false; readonly message: string };

/**
 * Parses a window. The trailing `s` of a plural is stripped when the rest is a standard or custom
 * grain (MetricFlow's rule). `standardOnly` rejects custom grains (cumulative windows).
 */
export function parseWindow(text: string, customGrains: ReadonlySet<string>, standardOnly = false): WindowResult {
  const m = /^\s*(\d+)\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text);
  const allowed = standardOnly ? [...TIME_GRAINS] : [...TIME_GRAINS, ...customGrains];
  if (!m) return { ok: false, message: `invalid window '${text}': expected '<count> <grain>', e.g. '7 days'` };
  const count = Number(m[1]);
  const word = m[2]!.toLowerCase();
  const known = (g: string) => isTimeGrain(g) || (!standardOnly && customGrains.has(g));
  const grain = known(word) ? word : word.endsWith('s') && known(word.slice(0, -1)) ? word.slice(0, -1) : undefined;
  if (grain === undefined) {
    const kind = standardOnly ? 'standard time grain' : 'time grain';
    const custom = !standardOnly ? '' : customGrains.has(word) || customGrains.has(word.replace(/s$/, '')) ? ' (custom grains are not allowed here)' : '';
    return { ok: false, message: `invalid window '${text}': '${m[2]}' is not a ${kind}${custom}${didYouMean(word, allowed)}` };
  }
  if (count < 1) return { ok: false, message: `invalid window '${text}': the count must be at least 1` };
  return { ok: true, window: { count, grain } };
}
