/**
 * Entry point: header (menu, language, API key) and a fragment router —
 * #/catalog, #/metric/{name}, #/explore?…, #/dashboards.
 */
import { getApiKey, setApiKey } from './api.js';
import { renderCatalog } from './catalog.js';
import { disposeChart } from './chart-slot.js';
import { renderDashboards } from './dashboards.js';
import { h } from './dom.js';
import { renderExplorer } from './explorer.js';
import { getLang, setLang, t } from './i18n.js';
import { renderMetric } from './metric-page.js';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const tools = document.getElementById('header-tools')!;

function route(): { page: string; arg: string; params: URLSearchParams } {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : 'catalog';
  const [path = '', query = ''] = hash.split('?', 2);
  const [page = 'catalog', ...rest] = path.split('/');
  return { page: page || 'catalog', arg: decodeURIComponent(rest.join('/')), params: new URLSearchParams(query) };
}

function navigate(hash: string): void {
  if (location.hash === hash) void render();
  else location.hash = hash;
}

function renderHeader(page: string): void {
  const link = (href: string, key: string, text: string) =>
    h('a', { href, 'aria-current': page === key ? 'page' : null }, text);
  nav.setAttribute('aria-label', t().nav);
  nav.replaceChildren(h('ul', {}, h('li', {}, link('#/catalog', 'catalog', t().catalog)), h('li', {}, link('#/explore', 'explore', t().explorer)), h('li', {}, link('#/dashboards', 'dashboards', t().dashboards))));

  const langButton = h('button', { type: 'button', id: 'lang-switch', class: 'secondary', lang: getLang() === 'nl' ? 'en' : 'nl', 'aria-label': t().switchLangLabel }, t().switchLang);
  langButton.addEventListener('click', () => {
    setLang(getLang() === 'nl' ? 'en' : 'nl');
    void render().then(() => document.getElementById('lang-switch')?.focus());
  });
  const key = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', value: getApiKey(), 'aria-describedby': 'api-key-hint' });
  const keyForm = h('form', { class: 'api-key' },
    h('label', { for: 'api-key' }, t().apiKey), key, h('button', { type: 'submit', class: 'secondary' }, t().save),
    h('span', { id: 'api-key-hint', class: 'hint' }, t().apiKeyHint));
  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    setApiKey(key.value.trim());
    void render();
  });
  tools.replaceChildren(h('details', {}, h('summary', {}, `${t().apiKey}${getApiKey() ? ` (${t().keyActive})` : ''}`), keyForm), langButton);
  const skip = document.querySelector('.skip-link');
  if (skip) skip.textContent = t().skip;
}

let renderSeq = 0;
async function render(): Promise<void> {
  const seq = ++renderSeq;
  const { page, arg, params } = route();
  document.documentElement.lang = getLang();
  renderHeader(page);
  disposeChart();
  const target = document.createElement('div');
  // Render off-document, then swap, so a slow answer never overwrites a newer page.
  const swap = () => {
    if (seq === renderSeq) main.replaceChildren(...target.childNodes);
  };
  if (page === 'catalog') await renderCatalog(target, params);
  else if (page === 'metric') await renderMetric(target, arg);
  else if (page === 'dashboards') await renderDashboards(target);
  else if (page === 'explore') {
    // The explorer paints its form before the answer arrives, so it works in the page itself.
    if (seq === renderSeq) main.replaceChildren();
    await renderExplorer(main, params, navigate);
    return;
  } else target.append(h('h1', {}, t().notFound));
  swap();
  const h1 = main.querySelector('h1');
  document.title = `${h1?.textContent ?? 'maatstaf'} — maatstaf`;
}

document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => void render());
void render();
