import { suggest } from '../core/suggest.js';

/** ` (did you mean 'x'?)` for the closest candidate, or '' when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const [best] = suggest(input, candidates, 1);
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}

/**
 * The message for a reference that does not resolve: `unknown measure 'x' (did you mean 'y'?)`,
 * or with a scope `unknown entity 'x' in semantic model 'orders' (did you mean 'y'?)`.
 */
export function unknownMessage(kind: string, name: string, candidates: Iterable<string>, scope?: string): string {
  return `unknown ${kind} '${name}'${scope === undefined ? '' : ` in ${scope}`}${didYouMean(name.toLowerCase(), candidates)}`;
}
