/**
 * Dashboards: each saved query as KPI tiles (dashboard-tiles.ts) — the value of one named period,
 * target and red/amber/green, a trend sparkline, comparisons with their two periods, the busiest
 * weekday × hour slot, the top group — and a link into the explorer with the saved query's state.
 */
import { getJson, postJson } from './api.js';
import { metricDetail } from './catalog.js';
import { capacityView } from './capacity.js';
import { heatmapTile, rankingTile, valueTile } from './dashboard-tiles.js';
import { h } from './dom.js';
import { groupByLabel } from './format.js';
import { labelOf, t } from './i18n.js';
import { metricsList } from './explorer.js';
import { problemBox } from './problem-box.js';
import { stateToParams } from './query-state.js';
import { grainOf, latestFact, todayIso } from './tile-facts.js';
import type { MetricDetail, MetricQuery, MetricSummary, QueryResult, SavedQuery } from './types.js';

const TIME_GRAIN = /^metric_time__(day|week|month|quarter|year)$/;
const DOW = /__extract_dow$/;
const HOUR = /__extract_hour$/;

const resultsOf = (sq: SavedQuery) => getJson<QueryResult>(`/v1/saved-queries/${encodeURIComponent(sq.name)}/results`);

/** The saved query itself when it is one time series; otherwise its metrics by month. */
async function trendFor(sq: SavedQuery): Promise<{ result: QueryResult; timeColumn: string }> {
  const g = sq.query.groupBy;
  if (g.length === 1 && TIME_GRAIN.test(g[0]!)) return { result: await resultsOf(sq), timeColumn: g[0]! };
  const timeColumn = g.find((x) => TIME_GRAIN.test(x)) ?? 'metric_time__month';
  const q: MetricQuery = { metrics: sq.query.metrics, groupBy: [timeColumn], orderBy: [timeColumn], ...(sq.query.where?.length ? { where: sq.query.where } : {}) };
  return { result: await postJson<QueryResult>('/v1/query', q), timeColumn };
}

async function tilesFor(sq: SavedQuery, metrics: MetricSummary[]): Promise<HTMLElement[]> {
  const summary = (m: string) => metrics.find((x) => x.name === m);
  const g = sq.query.groupBy;
  const dow = g.find((x) => DOW.test(x));
  const hour = g.find((x) => HOUR.test(x));
  if (dow && hour && g.length === 2) {
    const result = await resultsOf(sq);
    return sq.query.metrics.slice(0, 4).map((m) => heatmapTile(summary(m), m, result.rows, dow, hour));
  }
  const today = todayIso();
  const { result, timeColumn } = await trendFor(sq);
  const lead = sq.query.metrics[0]!;
  const anchor = latestFact(result.rows, timeColumn, lead, today)?.period;
  const details = await Promise.all(sq.query.metrics.slice(0, 4).map((m) => metricDetail(m).catch((): MetricDetail | undefined => undefined)));
  const tiles = sq.query.metrics.slice(0, 4).map((m, i) => valueTile(summary(m), m, details[i], { rows: result.rows, timeColumn, today, ...(anchor ? { anchor } : {}) }));
  const category = g.find((x) => !x.startsWith('metric_time__'));
  if (category) {
    // The top group in the dashboard's period, from the saved query's own rows.
    const rows = (await resultsOf(sq)).rows.filter((r) => !anchor || !(timeColumn in r) || (typeof r[timeColumn] === 'string' && (r[timeColumn] as string).slice(0, 10) === anchor));
    const lower = details[0]?.governance.direction === 'lower_is_better';
    tiles.push(rankingTile(summary(lead), lead, rows, category, groupByLabel(category, details[0]?.groupBy ?? []), anchor, grainOf(timeColumn), lower));
  }
  return tiles;
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
        list.replaceChildren(...(await tilesFor(sq, metrics)));
        const g = sq.query.groupBy;
        if (g.length === 2 && g.some((x) => DOW.test(x)) && g.some((x) => HOUR.test(x))) {
          // Weekday × hour: next week's expected values for planning the desk (the API's forecast).
          const m = metrics.find((x) => x.name === sq.query.metrics[0]);
          list.after(await capacityView(sq.query.metrics[0]!, m ? labelOf(m) : sq.query.metrics[0]!, m?.format).catch((err: unknown) => problemBox(err)));
        }
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
