/**
 * The explorer: metrics, group-bys (grain or date part), filters with values from the API, a time
 * range. The state lives in the URL fragment, so a view is shared by copying the address.
 */
import { ApiError, getJson, postJson } from './api.js';
import { disposeChart } from './chart-slot.js';
import { clear, field, h, option } from './dom.js';
import { itemLabel } from './format.js';
import { labelOf, t } from './i18n.js';
import { problemBox } from './problem-box.js';
import { type ExplorerState, type Filter, stateFromParams, stateToParams, toQuery } from './query-state.js';
import { resultView } from './result-view.js';
import type { GroupByItem, MetricSummary, QueryResult } from './types.js';

export interface Navigate {
  (hash: string): void;
}

interface DimensionsAnswer {
  items: GroupByItem[];
}

export async function metricsList(): Promise<MetricSummary[]> {
  return (await getJson<{ metrics: MetricSummary[] }>('/v1/metrics', { cached: true })).metrics;
}

async function itemsFor(metrics: readonly string[]): Promise<GroupByItem[]> {
  if (!metrics.length) return [];
  const qs = new URLSearchParams(metrics.map((m) => ['metrics', m]));
  return (await getJson<DimensionsAnswer>(`/v1/dimensions?${qs}`, { cached: true })).items.filter((i) => i.kind !== 'entity');
}

/** `metric_time__extract_dow` → the item `metric_time` and the grain `extract_dow`. */
export function splitGroupBy(name: string, items: GroupByItem[]): { item: string; grain: string } {
  for (const i of items) {
    if (i.kind !== 'time' || !name.startsWith(`${i.name}__`)) continue;
    const grain = name.slice(i.name.length + 2);
    if (i.grains?.includes(grain) || i.dateParts?.some((p) => `extract_${p}` === grain)) return { item: i.name, grain };
  }
  return { item: name, grain: '' };
}

function joinGroupBy(item: GroupByItem | undefined, grain: string): string {
  if (!item) return '';
  return item.kind === 'time' ? `${item.name}__${grain || item.defaultGrain || 'month'}` : item.name;
}

let running: AbortController | null = null;
/** The last answer shown, kept while the reader tweaks the query. */
let previous: HTMLElement | null = null;

export async function renderExplorer(main: HTMLElement, params: URLSearchParams, navigate: Navigate): Promise<void> {
  disposeChart();
  const state = stateFromParams(params);
  const draft = { ...state, groupBy: [...state.groupBy], filters: state.filters.map((f) => ({ ...f, values: [...f.values] })) as Filter[] };
  let metrics: MetricSummary[];
  try {
    metrics = await metricsList();
  } catch (err) {
    main.replaceChildren(problemBox(err));
    return;
  }
  let items = await itemsFor(draft.metrics).catch(() => [] as GroupByItem[]);

  const metricSelect = h('select', { id: 'metrics', multiple: true, size: 8, required: true },
    metrics.map((m) => option(m.name, `${labelOf(m)} (${m.name})`, draft.metrics.includes(m.name))));
  const groupFs = h('fieldset', { id: 'groupby-fieldset' });
  const filterFs = h('fieldset', { id: 'filters-fieldset' });
  const formError = h('p', { class: 'form-error', role: 'alert' });

  const renderGroupBy = () => {
    clear(groupFs);
    groupFs.append(h('legend', {}, t().groupBy));
    draft.groupBy.forEach((g, idx) => {
      const { item, grain } = splitGroupBy(g, items);
      const itemSel = h('select', { id: `groupby-item-${idx}` }, items.map((i) => option(i.name, `${itemLabel(i)}${i.name === 'metric_time' ? '' : ` (${i.name})`}`, i.name === item)));
      const selected = items.find((i) => i.name === item);
      const grainSel = h('select', { id: `groupby-grain-${idx}` });
      if (selected?.kind === 'time') {
        grainSel.append(
          h('optgroup', { label: t().grain }, (selected.grains ?? []).map((gr) => option(gr, t().grainNames[gr] ?? gr, gr === grain))),
          h('optgroup', { label: 'Datumdeel / date part' }, (selected.dateParts ?? []).map((p) => option(`extract_${p}`, t().grainNames[`extract_${p}`] ?? p, `extract_${p}` === grain))),
        );
      }
      itemSel.addEventListener('change', () => {
        draft.groupBy[idx] = joinGroupBy(items.find((i) => i.name === itemSel.value), '');
        renderGroupBy();
        document.getElementById(`groupby-item-${idx}`)?.focus();
      });
      grainSel.addEventListener('change', () => {
        draft.groupBy[idx] = joinGroupBy(selected, grainSel.value);
      });
      const remove = h('button', { type: 'button', class: 'secondary', onclick: () => {
        draft.groupBy.splice(idx, 1);
        renderGroupBy();
        document.getElementById('add-groupby')?.focus();
      } }, t().remove);
      remove.setAttribute('aria-label', `${t().remove}: ${itemLabel(selected ?? { name: item })}`);
      groupFs.append(h('div', { class: 'row' }, field(`${t().groupBy} ${idx + 1}`, itemSel), selected?.kind === 'time' ? field(t().grain, grainSel) : null, remove));
    });
    groupFs.append(h('button', { type: 'button', id: 'add-groupby', class: 'secondary', disabled: items.length === 0, onclick: () => {
      const time = items.find((i) => i.name === 'metric_time') ?? items[0];
      draft.groupBy.push(joinGroupBy(time, ''));
      renderGroupBy();
      document.getElementById(`groupby-item-${draft.groupBy.length - 1}`)?.focus();
    } }, t().addGroupBy));
  };

  const renderFilters = () => {
    clear(filterFs);
    filterFs.append(h('legend', {}, t().filters));
    const dims = items.filter((i) => i.kind === 'dimension');
    draft.filters.forEach((f, idx) => {
      const dimSel = h('select', { id: `filter-dim-${idx}` }, dims.map((d) => option(d.name, `${itemLabel(d)} (${d.name})`, d.name === f.dimension)));
      const valSel = h('select', { id: `filter-values-${idx}`, multiple: true, size: 5 }, option('', t().loading));
      void loadValues(valSel, f, draft.metrics);
      dimSel.addEventListener('change', () => {
        draft.filters[idx] = { dimension: dimSel.value, values: [] };
        renderFilters();
        document.getElementById(`filter-dim-${idx}`)?.focus();
      });
      valSel.addEventListener('change', () => {
        draft.filters[idx] = { dimension: f.dimension, values: [...valSel.selectedOptions].map((o) => o.value) };
      });
      const remove = h('button', { type: 'button', class: 'secondary', onclick: () => {
        draft.filters.splice(idx, 1);
        renderFilters();
        document.getElementById('add-filter')?.focus();
      } }, t().remove);
      filterFs.append(h('div', { class: 'row' }, field(t().dimension, dimSel), field(t().values, valSel), remove));
    });
    filterFs.append(h('button', { type: 'button', id: 'add-filter', class: 'secondary', disabled: dims.length === 0, onclick: () => {
      draft.filters.push({ dimension: dims[0]!.name, values: [] });
      renderFilters();
      document.getElementById(`filter-dim-${draft.filters.length - 1}`)?.focus();
    } }, t().addFilter));
  };

  metricSelect.addEventListener('change', async () => {
    draft.metrics = [...metricSelect.selectedOptions].map((o) => o.value);
    items = await itemsFor(draft.metrics).catch(() => []);
    // Keep only group-bys and filters the new metric set still accepts.
    draft.groupBy = draft.groupBy.filter((g) => items.some((i) => i.name === splitGroupBy(g, items).item));
    draft.filters = draft.filters.filter((f) => items.some((i) => i.name === f.dimension));
    renderGroupBy();
    renderFilters();
  });

  const start = h('input', { id: 'time-start', type: 'date', value: draft.start });
  const end = h('input', { id: 'time-end', type: 'date', value: draft.end });
  const showForecast = h('input', { id: 'show-forecast', type: 'checkbox', checked: Boolean(draft.forecast) });
  const form = h(
    'form',
    { id: 'explorer-form', class: 'explorer-form', novalidate: true },
    h('fieldset', {}, h('legend', {}, t().metrics), field(t().metrics, metricSelect, t().multiSelectHint)),
    groupFs,
    filterFs,
    h('fieldset', {}, h('legend', {}, t().timeRange), h('div', { class: 'row' }, field(t().start, start), field(t().end, end)),
      h('label', { class: 'check', for: 'show-forecast' }, showForecast, ` ${t().showForecast}`)),
    formError,
    h('button', { type: 'submit', id: 'run-query' }, t().run),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!draft.metrics.length) {
      formError.textContent = t().chooseMetric;
      metricSelect.focus();
      return;
    }
    const next: ExplorerState = { ...draft, start: start.value, end: end.value, forecast: showForecast.checked };
    navigate(`#/explore?${stateToParams(next).toString()}`);
  });
  renderGroupBy();
  renderFilters();

  const resultRegion = h('div', { id: 'result-region' });
  main.replaceChildren(h('h1', {}, t().explorer), h('div', { class: 'explorer' }, form, resultRegion));
  if (!state.metrics.length) return;

  // One query at a time: a new one cancels the one still running (the server cancels it too).
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const started = Date.now();
  const elapsed = h('span', { class: 'elapsed' }, '0 s');
  const status = h('div', { class: 'loading', role: 'status' }, `${t().loading} `, elapsed,
    h('button', { type: 'button', id: 'cancel-query', class: 'secondary', onclick: () => controller.abort() }, t().cancel));
  const timer = setInterval(() => {
    elapsed.textContent = `${Math.round((Date.now() - started) / 1000)} s`;
  }, 1000);
  // The last answer stays in view (a dimmed, inert copy without ids) while the next one is on its way.
  const stale = previous ? staleCopy(previous) : null;
  resultRegion.append(status, stale ?? '');
  // Fetch the chart code while the query runs, not after it.
  void import('./chart.js');
  const query = toQuery(state);
  try {
    const result = await postJson<QueryResult>('/v1/query', query, controller.signal);
    previous = resultView(result, query, metrics, items);
    resultRegion.replaceChildren(previous);
  } catch (err) {
    if (err instanceof ApiError && err.problem.code === 'ABORTED') {
      stale?.classList.remove('stale');
      resultRegion.replaceChildren(h('p', { role: 'status', id: 'query-cancelled' }, t().cancelled), stale ?? '');
      return;
    }
    resultRegion.replaceChildren(problemBox(err, (wrong, suggestion) => {
      const swap = (xs: readonly string[]) => xs.map((x) => (x === wrong ? suggestion : x));
      navigate(`#/explore?${stateToParams({ ...state, metrics: swap(state.metrics), groupBy: swap(state.groupBy) }).toString()}`);
    }));
  } finally {
    clearInterval(timer);
    if (running === controller) running = null;
  }
}

function staleCopy(view: HTMLElement): HTMLElement {
  const copy = view.cloneNode(true) as HTMLElement;
  for (const el of [copy, ...copy.querySelectorAll('[id]')]) el.removeAttribute('id');
  copy.classList.add('stale');
  copy.inert = true;
  return copy;
}

async function loadValues(select: HTMLSelectElement, f: Filter, metrics: readonly string[]): Promise<void> {
  const qs = new URLSearchParams(metrics.map((m) => ['metrics', m]));
  qs.set('limit', '500');
  try {
    const answer = await getJson<{ values: (string | number | boolean | null)[] }>(`/v1/dimensions/${encodeURIComponent(f.dimension)}/values?${qs}`, { cached: true });
    select.replaceChildren(...answer.values.filter((v) => v !== null).map((v) => option(String(v), String(v), f.values.includes(String(v)))));
  } catch (err) {
    select.replaceChildren(option('', t().error));
    select.after(problemBox(err));
  }
}
