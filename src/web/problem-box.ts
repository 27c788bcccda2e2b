/** API errors in words: what went wrong, the API's own detail, and its suggestions as buttons. */
import { ApiError } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

export function problemBox(err: unknown, onSuggestion?: (wrong: string, suggestion: string) => void): HTMLElement {
  const p = err instanceof ApiError ? err.problem : { status: 0, code: 'INTERNAL', detail: String(err) };
  const words = t().problems[p.code];
  const suggestions = p.suggestions ?? [];
  return h(
    'div',
    { class: 'problem', role: 'alert', 'data-code': p.code },
    h('h2', {}, t().error),
    words ? h('p', {}, words) : null,
    p.detail ? h('p', { class: 'detail' }, p.detail) : null,
    suggestions.length && p.name
      ? h(
          'p',
          {},
          `${t().didYouMean} `,
          suggestions.map((s) =>
            onSuggestion
              ? h('button', { type: 'button', class: 'link-button', onclick: () => onSuggestion(p.name!, s) }, s)
              : h('code', {}, s),
          ),
        )
      : null,
    h('p', { class: 'hint' }, t().tryAgain),
  );
}
