/**
 * The static HTML catalog: an index of all metrics grouped by owner, and one page per metric
 * (definition, governance, lineage, accepted group-by items, example SQL). Pure: returns files.
 * Dutch by default (labels and descriptions as defined), English after the page's language switch
 * (meta.label_en / description_en where the definitions have them).
 */
import { isMaatstafError } from '../../core/errors.js';
import { compileQuery } from '../../compiler/index.js';
import { exampleQuery, metricSummary, type MetricSummary } from '../../engine/catalog.js';
import { parseQuery } from '../../engine/engine.js';
import { metricGovernance } from '../../engine/governance.js';
import type { SemanticGraph } from '../../semantic-graph/index.js';
import { badge, bi, esc, facts, list, page, pageName, t } from './html.js';

export interface DocFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

/** Group key of metrics without an owner (owners are non-empty text, see governance/metric-meta.ts). */
const NO_OWNER = '';

function indexPage(summaries: readonly MetricSummary[], version: string): string {
  const byOwner = new Map<string, MetricSummary[]>();
  for (const m of summaries) byOwner.set(m.owner ?? NO_OWNER, [...(byOwner.get(m.owner ?? NO_OWNER) ?? []), m]);
  const owners = [...byOwner.keys()].sort((a, b) => (a === NO_OWNER ? 1 : b === NO_OWNER ? -1 : a.localeCompare(b)));
  const sections = owners.map((owner) => {
    const rows = byOwner.get(owner)!.map(
      (m) =>
        `<tr><td><a href="metrics/${esc(pageName(m.name))}">${label(m)}</a><br><code>${esc(m.name)}</code></td><td>${badge(m.status)}</td><td>${esc(m.unit ?? '')}</td><td>${description(m)}</td></tr>`,
    );
    const heading = owner === NO_OWNER ? t('Zonder eigenaar', 'No owner') : esc(owner);
    return `<h2>${heading}</h2>\n<table>\n<tr><th>KPI</th><th>Status</th><th>${t('Eenheid', 'Unit')}</th><th>${t('Omschrijving', 'Description')}</th></tr>\n${rows.join('\n')}\n</table>`;
  });
  const count = `${summaries.length} ${t("KPI's", 'metrics')} · ${t('versie definities', 'definitions version')} ${esc(version)}`;
  return page('KPI-catalogus', `<h1>${t('KPI-catalogus', 'Metrics catalog')}</h1>\n<p class="muted">${count}</p>\n${sections.join('\n')}`);
}

const label = (m: Pick<MetricSummary, 'label' | 'labelEn'>) => bi(esc(m.label), m.labelEn === undefined ? undefined : esc(m.labelEn));
const description = (m: Pick<MetricSummary, 'description' | 'descriptionEn'>) =>
  bi(esc(m.description ?? ''), m.descriptionEn === undefined ? undefined : esc(m.descriptionEn));

function exampleSql(graph: SemanticGraph, name: string): string {
  const query = exampleQuery(graph, name);
  try {
    const c = compileQuery(graph, parseQuery(query));
    const params = c.params.map((p, i) => `-- $${i + 1} = ${JSON.stringify(p)}`).join('\n');
    return `<p>Query: <code>${esc(JSON.stringify(query))}</code></p>\n<pre>${esc(`${c.sql}\n${params}`)}</pre>`;
  } catch (e) {
    if (!isMaatstafError(e)) throw e;
    return `<p class="muted">${t('De voorbeeldquery compileert niet', 'The example query does not compile')}: ${esc(e.code)}: ${esc(e.message)}</p>`;
  }
}

function metricPage(graph: SemanticGraph, name: string): string {
  const def = graph.metric(name)!;
  const s = metricSummary(graph, name);
  const g = metricGovernance(def);
  const lineage = graph.lineage(name);
  const link = (m: string) => (graph.metricNames.includes(m) ? `<a href="${esc(pageName(m))}">${esc(m)}</a>` : `<code>${esc(m)}</code>`);
  const direction = g.direction ? directionText(g.direction) : undefined;
  const target = g.target !== undefined ? `${esc(g.target)}${direction ? ` (${direction})` : ''}` : direction;
  const governance = facts([
    [t('Eigenaar', 'Owner'), g.owner && esc(g.owner)],
    [t('Beheerder', 'Steward'), g.steward && esc(g.steward)],
    ['Status', badge(g.status)],
    [t('Versie', 'Version'), g.version && esc(g.version)],
    [t('Eenheid', 'Unit'), g.unit && esc(g.unit)],
    [t('Weergave', 'Format'), g.format && `<code>${esc(g.format)}</code>`],
    [t('Streefwaarde', 'Target'), target],
    [t('Gevoeligheid', 'Sensitivity'), g.sensitivity && t(SENSITIVITY_NL[g.sensitivity] ?? g.sensitivity, g.sensitivity)],
    [t('Minimale groepsgrootte', 'Minimum group size'), g.minGroupSize !== undefined ? esc(g.minGroupSize) : undefined],
    [t('Verversing', 'Refresh'), g.refresh && esc(g.refresh)],
    ['Tags', g.tags.length ? g.tags.map(esc).join(', ') : undefined],
    [t('Vervangen door', 'Replacement'), g.replacement && link(g.replacement)],
    [t('Vervalt op', 'Sunset'), g.sunset && esc(g.sunset)],
    [t('Soort', 'Type'), esc(def.type)],
    [t('Bron', 'Source'), `<code>${esc(def.loc.file)}:${esc(def.loc.line)}</code>`],
  ]);
  const reads = lineage.reads.map((r) => `<code>${esc(r.semanticModel)}</code> ${esc(r.role.replaceAll('_', ' '))} <code>${esc(r.name)}</code>: <code>${esc(r.expr)}</code>`);
  const filters = lineage.filters.map((f) => `<code>${esc(f.filter)}</code>${f.input ? ` ${t('op invoer', 'on input')} ${link(f.input)}` : ''}`);
  const groupBy = graph.groupByItemsFor([name]).map((i) => `<code>${esc(i.name)}</code> <span class="muted">${esc(i.kind)}${i.label ? ` · ${esc(i.label)}` : ''}</span>`);
  const body = [
    `<p><a href="../index.html">← ${t("alle KPI's", 'all metrics')}</a></p>`,
    `<h1>${label(s)} ${badge(g.status)}</h1>`,
    `<p><code>${esc(name)}</code></p>`,
    s.description || s.descriptionEn ? `<p>${description(s)}</p>` : '',
    // The definition is written in Dutch only: it shows in both languages.
    g.definition ? `<h2>${t('Definitie', 'Definition')}</h2>\n<p>${esc(g.definition)}</p>` : '',
    `<h2>${t('Beheer', 'Governance')}</h2>`,
    governance,
    `<h2>${t('Herkomst', 'Lineage')}</h2>`,
    `<h3>${t('Tabellen', 'Tables')}</h3>\n${list(lineage.relations.map((r) => `<code>${esc(r)}</code>`))}`,
    `<h3>${t('Kolommen en expressies', 'Columns and expressions')}</h3>\n${list(reads)}`,
    lineage.metrics.length > 1 ? `<h3>${t("Gebouwd op de KPI's", 'Metrics it builds on')}</h3>\n${list(lineage.metrics.filter((m) => m !== name).map(link))}` : '',
    filters.length ? `<h3>Filters</h3>\n${list(filters)}` : '',
    `<h2>${t('Dimensies', 'Dimensions it accepts')}</h2>`,
    list(groupBy),
    `<h2>${t('Voorbeeld-SQL', 'Example SQL')}</h2>`,
    exampleSql(graph, name),
  ];
  return page(`${s.label} — KPI-catalogus`, body.filter((b) => b !== '').join('\n'));
}

const SENSITIVITY_NL: Readonly<Record<string, string>> = { public: 'openbaar', internal: 'intern', personal: 'persoonsgegevens' };
const DIRECTION: Readonly<Record<string, readonly [string, string]>> = {
  higher_is_better: ['hoger is beter', 'higher is better'],
  lower_is_better: ['lager is beter', 'lower is better'],
};

function directionText(direction: string): string {
  const words = DIRECTION[direction];
  return words ? t(words[0], words[1]) : esc(direction.replaceAll('_', ' '));
}

/** Every page of the catalog for the queryable metrics of `graph`. */
export function catalogPages(graph: SemanticGraph): DocFile[] {
  const summaries = graph.metricNames.map((n) => metricSummary(graph, n));
  return [
    { path: 'index.html', content: indexPage(summaries, graph.definitions.version) },
    ...graph.metricNames.map((n) => ({ path: `metrics/${pageName(n)}`, content: metricPage(graph, n) })),
  ];
}
