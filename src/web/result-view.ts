/**
 * The explorer's answer: a chart chosen to fit, the table beside it (same rows as the API), and
 * the ways to take the query elsewhere (CSV, Power BI/Excel URL, GraphQL, curl).
 */
import { getApiKey, postForText } from './api.js';
import { h } from './dom.js';
import { columnLabel, formatGroupValue, formatValue } from './format.js';
import { t } from './i18n.js';
import { problemBox } from './problem-box.js';
import { nullGroupsLast } from './tile-facts.js';
import { chooseChart, csvUrl, curlText, graphqlText, odataUrl, powerQueryText } from './query-state.js';
import type { GroupByItem, MetricQuery, MetricSummary, QueryResult } from './types.js';

export function resultView(result: QueryResult, query: MetricQuery, metrics: MetricSummary[], items: GroupByItem[]): HTMLElement {
  const labels: Record<string, string> = {};
  const formats: Record<string, string | undefined> = {};
  for (const c of result.columns) {
    labels[c.name] = columnLabel(c, metrics, items);
    if (c.kind === 'metric') formats[c.name] = metrics.find((m) => m.name === c.name)?.format;
  }
  const kind = chooseChart(query.groupBy);
  // The unknown group ("(geen datum)", "(onbekend)") after the known ones, in the table and the chart.
  const rows = nullGroupsLast(result.rows, result.columns.filter((c) => c.kind !== 'metric').map((c) => c.name));
  const captionText = `${query.metrics.map((m) => labels[m] ?? m).join(', ')} — ${t().rows(result.rows.length)}`;

  const chartEl = h('div', {
    class: `chart chart-${kind}`,
    id: 'result-chart',
    role: 'img',
    'data-kind': kind,
    'data-forecast': query.forecast ? 'true' : null,
    'aria-label': `${kind === 'heatmap' ? t().heatmapTitle(labels[query.metrics[0]!] ?? '') : captionText}. ${t().chartAlt}`,
  });
  const figure =
    kind === 'number'
      ? h('div', { class: 'numbers' }, result.columns.filter((c) => c.kind === 'metric').map((c) =>
          h('div', { class: 'number-card' }, h('span', { class: 'number-label' }, labels[c.name]), h('span', { class: 'number-value' }, formatValue(result.rows[0]?.[c.name], formats[c.name])))))
      : chartEl;

  const table = h(
    'table',
    { id: 'result-table', class: 'data-table' },
    h('caption', {}, captionText),
    h('thead', {}, h('tr', {}, result.columns.map((c) => h('th', { scope: 'col', 'data-column': c.name, class: c.kind === 'metric' ? 'num' : null }, labels[c.name])))),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h('tr', {}, result.columns.map((c) => {
          const v = r[c.name];
          const text = c.kind === 'metric' ? formatValue(v, formats[c.name]) : formatGroupValue(v, c);
          return h('td', { 'data-column': c.name, 'data-value': v === null || v === undefined ? '' : String(v), class: c.kind === 'metric' ? 'num' : null }, text);
        })),
      ),
    ),
  );

  const status = h('p', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const copyBox = h('textarea', { class: 'copy-box', readonly: true, rows: 6, 'aria-label': 'tekst', hidden: true });
  const copy = async (text: string) => {
    copyBox.value = text;
    copyBox.hidden = false;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = t().copied;
    } catch {
      status.textContent = t().copyManual;
      copyBox.focus();
      copyBox.select();
    }
  };
  const origin = location.origin;
  const download = async () => {
    try {
      const csv = await postForText('/v1/query?format=csv', query);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = h('a', { href: url, download: `maatstaf-${query.metrics.join('-')}.csv`, hidden: true });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      status.replaceChildren(problemBox(err));
    }
  };
  const actions = h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Export' },
    h('button', { type: 'button', id: 'download-csv', onclick: () => void download() }, t().downloadCsv),
    h('button', { type: 'button', id: 'copy-url', onclick: () => void copy(csvUrl(origin, query)) }, t().copyUrl),
    h('button', { type: 'button', id: 'copy-powerquery', onclick: () => void copy(powerQueryText(origin, query)) }, t().copyPowerQuery),
    h('button', { type: 'button', id: 'copy-odata', onclick: () => void copy(odataUrl(origin)) }, t().copyOdata),
    h('button', { type: 'button', id: 'copy-graphql', onclick: () => void copy(graphqlText(query)) }, t().copyGraphql),
    h('button', { type: 'button', id: 'copy-curl', onclick: () => void copy(curlText(origin, query, Boolean(getApiKey()))) }, t().copyCurl),
  );

  const view = h(
    'section',
    { class: 'result', 'aria-labelledby': 'result-heading' },
    h('h2', { id: 'result-heading' }, captionText),
    actions,
    status,
    copyBox,
    result.rows.length === 0
      ? h('p', {}, t().noRows)
      : h('div', { class: 'result-grid' }, h('div', { class: 'result-chart' }, figure), h('div', { class: 'result-table', tabindex: 0, role: 'region', 'aria-label': t().table }, table)),
  );
  if (kind !== 'number' && result.rows.length) {
    // ECharts needs the element in the document to measure it.
    // ECharts is its own chunk: the catalogue and dashboards never download it.
    void import('./chart.js').then(({ renderChart }) =>
      requestAnimationFrame(() => {
        if (chartEl.isConnected) renderChart(chartEl, { kind, columns: result.columns, rows, labels, formats });
      }),
    );
  }
  return view;
}
