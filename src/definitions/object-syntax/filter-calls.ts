/**
 * Finds the `{{ … }}` calls in a filter string and interprets each as a group-by item reference.
 * Only the form is checked here; the planner's filter parser does the real resolution.
 */
import { ObjectSyntaxError, parseObjectCall } from './call-parser.js';
import { interpretObjectCall, type GroupByItemRef } from './group-by-item.js';

export type FilterCall =
  | { readonly ok: true; readonly text: string; readonly ref: GroupByItemRef }
  | { readonly ok: false; readonly text: string; readonly reason: string };

export function filterCalls(filter: string): FilterCall[] {
  const calls: FilterCall[] = [];
  for (const m of filter.matchAll(/\{\{([\s\S]*?)\}\}/g)) {
    const text = m[1]!.trim();
    try {
      calls.push({ ok: true, text, ref: interpretObjectCall(parseObjectCall(text)) });
    } catch (e) {
      if (!(e instanceof ObjectSyntaxError)) throw e;
      calls.push({ ok: false, text, reason: e.message });
    }
  }
  const rest = filter.replace(/\{\{[\s\S]*?\}\}/g, '');
  if (rest.includes('{{') || rest.includes('}}')) calls.push({ ok: false, text: filter, reason: "unbalanced '{{' / '}}'" });
  if (/\{%/.test(rest)) calls.push({ ok: false, text: filter, reason: 'Jinja statements ({% … %}) are not supported in filters' });
  return calls;
}
