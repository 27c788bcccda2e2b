/**
 * The catalogue: search and filter by owner, status, tag and sensitivity. Sensitivity lives in
 * each metric's governance (GET /v1/metrics/{name}), fetched in the background after first paint.
 */
import { getJson } from './api.js';
import { field, h, option } from './dom.js';
import { getLang, labelOf, t } from './i18n.js';
import { metricsList } from './explorer.js';
import { problemBox } from './problem-box.js';
import type { MetricDetail, MetricSummary } from './types.js';

export function metricDetail(name: string): Promise<MetricDetail> {
  return getJson<MetricDetail>(`/v1/metrics/${encodeURIComponent(name)}`, { cached: true });
}

export function statusBadge(status: string | undefined): HTMLElement | null {
  if (!status) return null;
  const text = (t() as unknown as Record<string, string>)[status] ?? status;
  return h('span', { class: `badge badge-${status}` }, text);
}

export function sensitivityBadge(s: string | undefined): HTMLElement | null {
  if (!s) return null;
  const text = (t() as unknown as Record<string, string>)[s] ?? s;
  return h('span', { class: `badge badge-sens-${s}` }, `${t().sensitivity}: ${text}`);
}

/** Fetches every metric's governance a few at a time; fills `into` as answers arrive. */
async function loadSensitivities(metrics: MetricSummary[], into: Map<string, string>, onEach: (name: string) => void): Promise<void> {
  const queue = [...metrics];
  const worker = async () => {
    for (let m = queue.shift(); m; m = queue.shift()) {
      const d = await metricDetail(m.name).catch(() => undefined);
      if (d?.governance.sensitivity) into.set(m.name, d.governance.sensitivity);
      onEach(m.name);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

export async function renderCatalog(main: HTMLElement, params: URLSearchParams): Promise<void> {
  let metrics: MetricSummary[];
  try {
    metrics = await metricsList();
  } catch (err) {
    main.replaceChildren(h('h1', {}, t().catalog), problemBox(err));
    return;
  }
  const sensitivity = new Map<string, string>();
  const distinct = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => Boolean(x)))].sort((a, b) => a.localeCompare(b));
  const select = (id: string, values: string[], current: string, labelFor: (v: string) => string = (v) => v) =>
    h('select', { id }, option('', t().all, !current), values.map((v) => option(v, labelFor(v), v === current)));
  const words = t() as unknown as Record<string, string>;

  const search = h('input', { id: 'catalog-search', type: 'search', value: params.get('q') ?? '', autocomplete: 'off' });
  const owner = select('catalog-owner', distinct(metrics.map((m) => m.owner)), params.get('owner') ?? '');
  const status = select('catalog-status', ['certified', 'draft', 'deprecated'], params.get('status') ?? '', (v) => words[v] ?? v);
  const tag = select('catalog-tag', distinct(metrics.flatMap((m) => m.tags)), params.get('tag') ?? '');
  const sens = select('catalog-sensitivity', ['public', 'internal', 'personal'], params.get('sensitivity') ?? '', (v) => words[v] ?? v);
  const count = h('p', { id: 'catalog-count', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { id: 'catalog-list', class: 'cards' });

  const apply = () => {
    const q = search.value.trim().toLowerCase();
    const shown = metrics.filter((m) => {
      const text = [m.name, m.label, m.labelEn, m.description, m.descriptionEn].join(' ').toLowerCase();
      return (!q || text.includes(q)) && (!owner.value || m.owner === owner.value) && (!status.value || m.status === status.value) &&
        (!tag.value || m.tags.includes(tag.value)) && (!sens.value || sensitivity.get(m.name) === sens.value);
    });
    list.replaceChildren(...shown.map((m) => h('li', { class: 'card', 'data-metric': m.name },
      h('h2', {}, h('a', { href: `#/metric/${encodeURIComponent(m.name)}` }, labelOf(m))),
      h('p', { class: 'badges' }, statusBadge(m.status), sensitivityBadge(sensitivity.get(m.name)), m.owner ? h('span', { class: 'badge badge-owner' }, m.owner) : null,
        m.tags.map((x) => h('span', { class: 'badge badge-tag' }, `#${x}`))),
      h('p', {}, (getLang() === 'en' && m.descriptionEn) || m.description || ''),
      h('p', { class: 'meta' }, h('code', {}, m.name), m.unit ? ` · ${m.unit}` : ''))));
    count.textContent = t().results(shown.length);
    // Filters in the address too, so a filtered catalogue can be shared (no new history entry).
    const p = new URLSearchParams();
    for (const [k, el] of [['q', search], ['owner', owner], ['status', status], ['tag', tag], ['sensitivity', sens]] as const) if (el.value) p.set(k, el.value);
    const hash = `#/catalog${p.size ? `?${p}` : ''}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  };
  for (const el of [search, owner, status, tag, sens]) el.addEventListener('input', apply);

  main.replaceChildren(
    h('h1', {}, t().catalog),
    h('form', { class: 'filters', role: 'search', onsubmit: (e: Event) => e.preventDefault() },
      field(t().search, search, t().searchHint), field(t().owner, owner), field(t().status, status), field(t().tag, tag), field(t().sensitivity, sens)),
    count,
    list,
  );
  apply();
  void loadSensitivities(metrics, sensitivity, (name) => {
    if (!list.isConnected) return;
    if (sens.value) return apply();
    // No sensitivity filter: add the badge in place, so keyboard focus in the list stays put.
    const badges = list.querySelector(`li[data-metric="${CSS.escape(name)}"] .badges`);
    const badge = sensitivityBadge(sensitivity.get(name));
    if (badges && badge && !badges.querySelector('[class*="badge-sens-"]')) badges.insertBefore(badge, badges.children[1] ?? null);
  });
}
