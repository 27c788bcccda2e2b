/**
 * The static HTML catalog: an index of all metrics grouped by owner, and one page per metric
 * (definition, governance, lineage, accepted group-by items, example SQL). Pure: returns files.
 */
import { isMaatstafError } from '../../core/errors.js';
import { compileQuery } from '../../compiler/index.js';
import { exampleQuery, metricSummary, type MetricSummary } from '../../engine/catalog.js';
import { parseQuery } from '../../engine/engine.js';
import { metricGovernance } from '../../engine/governance.js';
import type { SemanticGraph } from '../../semantic-graph/index.js';
import { badge, esc, facts, list, page, pageName } from './html.js';

export interface DocFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

const NO_OWNER = 'Zonder eigenaar (no owner)';

function indexPage(summaries: readonly MetricSummary[], version: string): string {
  const byOwner = new Map<string, MetricSummary[]>();
  for (const m of summaries) byOwner.set(m.owner ?? NO_OWNER, [...(byOwner.get(m.owner ?? NO_OWNER) ?? []), m]);
  const owners = [...byOwner.keys()].sort((a, b) => (a === NO_OWNER ? 1 : b === NO_OWNER ? -1 : a.localeCompare(b)));
  const sections = owners.map((owner) => {
    const rows = byOwner.get(owner)!.map(
      (m) =>
        `<tr><td><a href="metrics/${esc(pageName(m.name))}">${esc(m.label)}</a><br><code>${esc(m.name)}</code></td><td>${badge(m.status)}</td><td>${esc(m.unit ?? '')}</td><td>${esc(m.description ?? '')}</td></tr>`,
    );
    return `<h2>${esc(owner)}</h2>\n<table>\n<tr><th>Metric</th><th>Status</th><th>Unit</th><th>Description</th></tr>\n${rows.join('\n')}\n</table>`;
  });
  return page('Metrics catalog', `<h1>Metrics catalog</h1>\n<p class="muted">${summaries.length} metrics · definitions version ${esc(version)}</p>\n${sections.join('\n')}`);
}

function exampleSql(graph: SemanticGraph, name: string): string {
  const query = exampleQuery(graph, name);
  try {
    const c = compileQuery(graph, parseQuery(query));
    const params = c.params.map((p, i) => `-- $${i + 1} = ${JSON.stringify(p)}`).join('\n');
    return `<p>Query: <code>${esc(JSON.stringify(query))}</code></p>\n<pre>${esc(`${c.sql}\n${params}`)}</pre>`;
  } catch (e) {
    if (!isMaatstafError(e)) throw e;
    return `<p class="muted">The example query does not compile: ${esc(e.code)}: ${esc(e.message)}</p>`;
  }
}

function metricPage(graph: SemanticGraph, name: string): string {
  const def = graph.metric(name)!;
  const s = metricSummary(graph, name);
  const g = metricGovernance(def);
  const lineage = graph.lineage(name);
  const link = (m: string) => (graph.metricNames.includes(m) ? `<a href="${esc(pageName(m))}">${esc(m)}</a>` : `<code>${esc(m)}</code>`);
  const target = g.target !== undefined ? `${esc(g.target)}${g.direction ? ` (${esc(g.direction.replaceAll('_', ' '))})` : ''}` : g.direction ? esc(g.direction.replaceAll('_', ' ')) : undefined;
  const governance = facts([
    ['Owner', g.owner && esc(g.owner)],
    ['Steward', g.steward && esc(g.steward)],
    ['Status', badge(g.status)],
    ['Version', g.version && esc(g.version)],
    ['Unit', g.unit && esc(g.unit)],
    ['Format', g.format && `<code>${esc(g.format)}</code>`],
    ['Target', target],
    ['Sensitivity', g.sensitivity && esc(g.sensitivity)],
    ['Minimum group size', g.minGroupSize !== undefined ? esc(g.minGroupSize) : undefined],
    ['Refresh', g.refresh && esc(g.refresh)],
    ['Tags', g.tags.length ? g.tags.map(esc).join(', ') : undefined],
    ['Replacement', g.replacement && link(g.replacement)],
    ['Sunset', g.sunset && esc(g.sunset)],
    ['Type', esc(def.type)],
    ['Source', `<code>${esc(def.loc.file)}:${esc(def.loc.line)}</code>`],
  ]);
  const reads = lineage.reads.map((r) => `<code>${esc(r.semanticModel)}</code> ${esc(r.role.replaceAll('_', ' '))} <code>${esc(r.name)}</code>: <code>${esc(r.expr)}</code>`);
  const filters = lineage.filters.map((f) => `<code>${esc(f.filter)}</code>${f.input ? ` on input ${link(f.input)}` : ''}`);
  const groupBy = graph.groupByItemsFor([name]).map((i) => `<code>${esc(i.name)}</code> <span class="muted">${esc(i.kind)}${i.label ? ` · ${esc(i.label)}` : ''}</span>`);
  const body = [
    '<p><a href="../index.html">← all metrics</a></p>',
    `<h1>${esc(s.label)} ${badge(g.status)}</h1>`,
    `<p><code>${esc(name)}</code>${g.labelEn ? ` · ${esc(g.labelEn)}` : ''}</p>`,
    s.description ? `<p>${esc(s.description)}</p>` : '',
    g.definition ? `<h2>Definition</h2>\n<p>${esc(g.definition)}</p>` : '',
    g.descriptionEn ? `<p lang="en" class="muted">${esc(g.descriptionEn)}</p>` : '',
    '<h2>Governance</h2>',
    governance,
    '<h2>Lineage</h2>',
    `<h3>Tables</h3>\n${list(lineage.relations.map((r) => `<code>${esc(r)}</code>`))}`,
    `<h3>Columns and expressions</h3>\n${list(reads)}`,
    lineage.metrics.length > 1 ? `<h3>Metrics it builds on</h3>\n${list(lineage.metrics.filter((m) => m !== name).map(link))}` : '',
    filters.length ? `<h3>Filters</h3>\n${list(filters)}` : '',
    '<h2>Dimensions it accepts</h2>',
    list(groupBy),
    '<h2>Example SQL</h2>',
    exampleSql(graph, name),
  ];
  return page(`${s.label} — metrics catalog`, body.filter((b) => b !== '').join('\n'));
}

/** Every page of the catalog for the queryable metrics of `graph`. */
export function catalogPages(graph: SemanticGraph): DocFile[] {
  const summaries = graph.metricNames.map((n) => metricSummary(graph, n));
  return [
    { path: 'index.html', content: indexPage(summaries, graph.definitions.version) },
    ...graph.metricNames.map((n) => ({ path: `metrics/${pageName(n)}`, content: metricPage(graph, n) })),
  ];
}
