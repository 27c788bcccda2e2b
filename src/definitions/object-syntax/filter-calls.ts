/**
 * Finds the `{{ … }}` calls in a filter string and interprets each as a group-by item reference,
 * with the same parser the planner uses. Only the form is checked here; the planner's filter parser
 * does the real resolution.
 */
import { ObjectSyntaxError, parseTemplateCall } from './call-parser.js';
import { interpretObjectCall, type GroupByItemRef } from './group-by-item.js';

export type FilterCall =
  | { readonly ok: true; readonly text: string; readonly ref: GroupByItemRef }
  | { readonly ok: false; readonly text: string; readonly reason: string };

export function filterCalls(filter: string): FilterCall[] {
  const calls: FilterCall[] = [];
  let i = filter.indexOf('{{');
  let rest = filter.slice(0, Math.max(i, 0));
  if (i < 0) rest = filter;
  while (i >= 0) {
    let end: number;
    try {
      const parsed = parseTemplateCall(filter, i + 2);
      end = parsed.end;
      const text = filter.slice(i + 2, end - 2).trim();
      try {
        calls.push({ ok: true, text, ref: interpretObjectCall(parsed.call) });
      } catch (e) {
        if (!(e instanceof ObjectSyntaxError)) throw e;
        calls.push({ ok: false, text, reason: e.message });
      }
    } catch (e) {
      if (!(e instanceof ObjectSyntaxError)) throw e;
      const close = filter.indexOf('}}', i);
      if (close < 0) return [...calls, { ok: false, text: filter, reason: "unbalanced '{{' / '}}'" }];
      calls.push({ ok: false, text: filter.slice(i + 2, close).trim(), reason: e.message });
      end = close + 2;
    }
    const next = filter.indexOf('{{', end);
    rest += filter.slice(end, next < 0 ? undefined : next);
    i = next;
  }
  if (rest.includes('}}')) calls.push({ ok: false, text: filter, reason: "unbalanced '{{' / '}}'" });
  if (/\{%/.test(rest)) calls.push({ ok: false, text: filter, reason: 'Jinja statements ({% … %}) are not supported in filters' });
  return calls;
}
