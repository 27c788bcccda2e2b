/**
 * One metric: plain-language definition, owner and steward, target and direction, unit, lineage
 * (tables and columns), the dimensions it can be sliced by, and its compiled SQL.
 */
import { metricDetail, sensitivityBadge, statusBadge } from './catalog.js';
import { append, clear, h } from './dom.js';
import { formatValue } from './format.js';
import { getLang, labelOf, t } from './i18n.js';
import { problemBox } from './problem-box.js';
import { stateToParams } from './query-state.js';

export async function renderMetric(main: HTMLElement, name: string): Promise<void> {
  let m;
  try {
    m = await metricDetail(name);
  } catch (err) {
    main.replaceChildren(h('h1', {}, name), problemBox(err), h('p', {}, h('a', { href: '#/catalog' }, t().backToCatalog)));
    return;
  }
  const g = m.governance;
  const words = t() as unknown as Record<string, string>;
  const definition = (getLang() === 'en' && g.definitionEn) || g.definition;
  const row = (label: string, value: unknown) =>
    value === undefined || value === null || value === '' ? null : [h('dt', {}, label), h('dd', {}, String(value))];
  const target = g.target === undefined ? undefined : `${formatValue(g.target, g.format)}${g.direction ? ` (${words[g.direction] ?? g.direction})` : ''}`;
  const timeItem = m.groupBy.find((i) => i.name === 'metric_time');
  const explore = stateToParams({ metrics: [m.name], groupBy: timeItem ? ['metric_time__month'] : [], filters: [], start: '', end: '' });

  clear(main);
  append(main, [
    h('p', { class: 'crumbs' }, h('a', { href: '#/catalog' }, t().backToCatalog)),
    h('h1', {}, labelOf(m)),
    h('p', { class: 'badges' }, statusBadge(g.status ?? m.status), sensitivityBadge(g.sensitivity), h('span', { class: 'badge' }, m.type)),
    definition ? h('section', { 'aria-labelledby': 'def-h' }, h('h2', { id: 'def-h' }, t().definition), h('p', { id: 'metric-definition' }, definition)) : null,
    (getLang() === 'en' && m.descriptionEn) || m.description ? h('p', {}, (getLang() === 'en' && m.descriptionEn) || m.description!) : null,
    h('dl', { class: 'facts', id: 'metric-facts' },
      row(t().owner, g.owner ?? m.owner), row(t().steward, g.steward), row(t().target, target), row(t().unit, g.unit ?? m.unit),
      row(t().sensitivity, g.sensitivity ? words[g.sensitivity] ?? g.sensitivity : undefined), row(t().refresh, g.refresh),
      row(t().version, g.version), row(t().source, m.source ? `${m.source.file}:${m.source.line}` : undefined),
      g.replacement ? row('→', g.replacement) : null),
    h('p', {}, h('a', { class: 'button', id: 'open-in-explorer', href: `#/explore?${explore}` }, t().openInExplorer)),
    h('section', { 'aria-labelledby': 'lin-h' },
      h('h2', { id: 'lin-h' }, t().lineage),
      h('p', {}, `${t().tables}: `, (m.lineage?.relations ?? []).map((r, i) => [i ? ', ' : '', h('code', {}, r)])),
      h('table', { class: 'data-table' },
        h('caption', {}, t().reads),
        h('thead', {}, h('tr', {}, [t().model, t().role, 'Naam / name', t().expression].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, (m.lineage?.reads ?? []).map((r) => h('tr', {}, h('td', {}, r.semanticModel), h('td', {}, r.role), h('td', {}, r.name), h('td', {}, h('code', {}, r.expr))))))),
    h('section', { 'aria-labelledby': 'dim-h' },
      h('h2', { id: 'dim-h' }, t().dimensions),
      h('table', { class: 'data-table', id: 'metric-dimensions' },
        h('caption', {}, t().dimensions),
        h('thead', {}, h('tr', {}, [t().dimension, 'Naam / name', t().kind, t().grains].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, m.groupBy.filter((i) => i.kind !== 'entity').map((i) =>
          h('tr', {}, h('td', {}, labelOf(i)), h('td', {}, h('code', {}, i.name)), h('td', {}, i.kind),
            h('td', {}, [...(i.grains ?? []), ...(i.dateParts ?? []).map((p) => `extract_${p}`)].join(', '))))))),
    h('section', { 'aria-labelledby': 'sql-h' },
      h('h2', { id: 'sql-h' }, t().compiledSql),
      m.example?.sql
        ? h('pre', { class: 'sql', tabindex: 0, 'aria-labelledby': 'sql-h' }, h('code', { id: 'metric-sql' }, m.example.sql))
        : h('p', {}, m.example?.error?.message ?? t().none)),
  ]);
}
