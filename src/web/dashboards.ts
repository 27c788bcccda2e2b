/**
 * Dashboards: each saved query as KPI tiles — latest value, target, red/amber/green from direction
 * and target, a trend sparkline, and a link into the explorer with the saved query's state.
 */
import { getJson, postJson } from './api.js';
import { metricDetail } from './catalog.js';
import { h } from './dom.js';
import { formatValue } from './format.js';
import { labelOf, t } from './i18n.js';
import { metricsList } from './explorer.js';
import { problemBox } from './problem-box.js';
import { stateToParams } from './query-state.js';
import { ragStatus } from './rag.js';
import { sparkline } from './sparkline.js';
import type { MetricQuery, MetricSummary, QueryResult, SavedQuery } from './types.js';

const TIME_GRAIN = /^metric_time__(day|week|month|quarter|year)$/;

/** The saved query itself when it is one time series; otherwise its metrics by month. */
async function trendFor(sq: SavedQuery): Promise<{ result: QueryResult; timeColumn: string }> {
  const g = sq.query.groupBy;
  if (g.length === 1 && TIME_GRAIN.test(g[0]!)) {
    return { result: await getJson<QueryResult>(`/v1/saved-queries/${encodeURIComponent(sq.name)}/results`), timeColumn: g[0]! };
  }
  const timeColumn = g.find((x) => TIME_GRAIN.test(x)) ?? 'metric_time__month';
  const q: MetricQuery = { metrics: sq.query.metrics, groupBy: [timeColumn], orderBy: [timeColumn], ...(sq.query.where?.length ? { where: sq.query.where } : {}) };
  return { result: await postJson<QueryResult>('/v1/query', q), timeColumn };
}

async function tile(metric: MetricSummary | undefined, name: string, result: QueryResult, timeColumn: string): Promise<HTMLElement> {
  const detail = await metricDetail(name).catch(() => undefined);
  const g = detail?.governance ?? {};
  const format = g.format ?? metric?.format;
  const values = result.rows.map((r) => (typeof r[name] === 'number' ? (r[name] as number) : null));
  let lastIdx = values.length - 1;
  while (lastIdx >= 0 && values[lastIdx] === null) lastIdx -= 1;
  const latest = lastIdx >= 0 ? values[lastIdx]! : null;
  const period = lastIdx >= 0 ? String(result.rows[lastIdx]![timeColumn] ?? '') : '';
  const rag = ragStatus(latest, g.target, g.direction);
  const ragText = { green: t().onTarget, amber: t().nearTarget, red: t().offTarget, none: t().noTarget }[rag];
  const label = metric ? labelOf(metric) : name;
  return h(
    'li',
    { class: `tile rag-${rag}`, 'data-metric': name, 'data-rag': rag },
    h('h3', {}, label),
    h('p', { class: 'tile-value' }, formatValue(latest, format)),
    h('p', { class: 'tile-period' }, `${t().current}${period ? ` (${period})` : ''}`),
    h('p', { class: 'tile-target' },
      h('span', { class: `rag-dot rag-dot-${rag}`, 'aria-hidden': 'true' }),
      g.target === undefined ? ragText : `${ragText} · ${t().target} ${formatValue(g.target, format)} (${(t() as unknown as Record<string, string>)[g.direction ?? ''] ?? g.direction ?? ''})`),
    h('div', { class: 'tile-spark', title: t().trend }, sparkline(values)),
  );
}

export async function renderDashboards(main: HTMLElement): Promise<void> {
  let saved: SavedQuery[];
  let metrics: MetricSummary[];
  try {
    [saved, metrics] = await Promise.all([getJson<{ savedQueries: SavedQuery[] }>('/v1/saved-queries', { cached: true }).then((x) => x.savedQueries), metricsList()]);
  } catch (err) {
    main.replaceChildren(h('h1', {}, t().dashboards), problemBox(err));
    return;
  }
  const loaders: (() => Promise<void>)[] = [];
  const sections = saved.map((sq) => {
    const list = h('ul', { class: 'tiles' }, h('li', { class: 'tile' }, t().loading));
    const link = stateToParams({ metrics: sq.query.metrics, groupBy: sq.query.groupBy, filters: [], start: '', end: '' });
    const section = h('section', { class: 'dashboard', 'data-saved-query': sq.name, 'aria-labelledby': `sq-${sq.name}` },
      h('h2', { id: `sq-${sq.name}` }, sq.label ?? sq.name),
      sq.description ? h('p', {}, sq.description) : null,
      list,
      h('p', {}, h('a', { href: `#/explore?${link}`, class: 'button secondary' }, `${t().openInExplorer}: ${sq.label ?? sq.name}`)));
    loaders.push(async () => {
      try {
        const { result, timeColumn } = await trendFor(sq);
        const tiles = await Promise.all(sq.query.metrics.slice(0, 4).map((m) => tile(metrics.find((x) => x.name === m), m, result, timeColumn)));
        list.replaceChildren(...tiles);
      } catch (err) {
        list.replaceChildren(h('li', { class: 'tile' }, problemBox(err)));
      }
    });
    return section;
  });
  main.replaceChildren(h('h1', {}, t().dashboards), h('p', {}, t().tiles), ...sections);
  // One saved query at a time: the tiles fill in order and the warehouse queue stays short.
  // Stops when the reader leaves the page.
  void (async () => {
    await new Promise((r) => requestAnimationFrame(r));
    for (const load of loaders) {
      if (!sections[0]?.isConnected) return;
      await load();
    }
  })();
}
