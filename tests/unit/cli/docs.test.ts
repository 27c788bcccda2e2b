/** `maatstaf docs`: a static HTML catalog (Dutch, with an English switch) with escaped text and no external assets. */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphOfFolder } from '../../../src/cli/diff.command.js';
import { writeDocs } from '../../../src/cli/docs.command.js';
import { esc } from '../../../src/cli/docs/html.js';
import { runCli } from '../../helpers/cli.js';

const METRICS = resolve(import.meta.dirname, '../../../metrics');

describe('maatstaf docs', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'maatstaf-docs-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes an index grouped by owner and a page per metric', async () => {
    const out = join(tmp, 'demo');
    const graph = await graphOfFolder(METRICS);
    const written = await writeDocs(graph, out);
    expect(written).toContain('index.html');
    expect(readdirSync(join(out, 'metrics')).sort()).toEqual(graph.metricNames.map((n) => `${n}.html`).sort());

    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const owner of ['Burgerzaken', 'KCC', 'Leerplicht', 'Openbare Ruimte', 'Serviceplein']) expect(index).toContain(`<h2>${owner}</h2>`);
    expect(index.indexOf('<h2>Burgerzaken</h2>')).toBeLessThan(index.indexOf('<h2>Serviceplein</h2>'));
    expect(index).toContain(
      '<a href="metrics/app_share.html"><span class="nl">Aandeel meldingen via de app</span><span class="en" lang="en">Share of reports via the app</span></a>',
    );
    expect(index).toContain('<span class="badge draft"><span class="nl">concept</span><span class="en" lang="en">draft</span></span>');
    expect(index).not.toMatch(/<(link|script)\b|src="http/);
    // Dutch by default; the English spans are hidden until the (script-free) switch selects English.
    expect(index).toContain('<html lang="nl">');
    expect(index).toContain('<input type="radio" name="lang" id="lang-nl" class="lang" checked>');
    expect(index).toMatch(/\.en\{display:none\}#lang-en:checked~main \.en\{display:revert\}#lang-en:checked~main \.nl\{display:none\}/);
    expect(index).toContain('<h1><span class="nl">KPI-catalogus</span><span class="en" lang="en">Metrics catalog</span></h1>');

    const page = readFileSync(join(out, 'metrics/median_resolution_days.html'), 'utf8');
    expect(page).toContain(
      '<h1><span class="nl">Mediane doorlooptijd (dagen)</span><span class="en" lang="en">Median resolution time (days)</span> <span class="badge certified"><span class="nl">gecertificeerd</span><span class="en" lang="en">certified</span></span></h1>',
    );
    expect(page).toContain('De mediane doorlooptijd in uren gedeeld door 24.');
    const en = (nl: string, english: string) => `<span class="nl">${nl}</span><span class="en" lang="en">${english}</span>`;
    expect(page).toContain(`<tr><th>${en('Eigenaar', 'Owner')}</th><td>Openbare Ruimte</td></tr>`);
    expect(page).toContain(`<tr><th>${en('Beheerder', 'Steward')}</th><td>Team Meldingen</td></tr>`);
    expect(page).toContain(`<tr><th>${en('Streefwaarde', 'Target')}</th><td>3 (${en('lager is beter', 'lower is better')})</td></tr>`);
    expect(page).toContain('<code>public_space_reports</code>'); // lineage: table
    expect(page).toContain('<a href="median_resolution_hours.html">median_resolution_hours</a>'); // builds on
    expect(page).toContain('<code>report__category</code>'); // accepted dimension
    expect(page).toMatch(/<h2><span class="nl">Voorbeeld-SQL<\/span><span class="en" lang="en">Example SQL<\/span><\/h2>\n<p>Query: <code>\{&quot;metrics&quot;:\[&quot;median_resolution_days&quot;\]/);
    expect(page).toContain('PERCENTILE_CONT');
  });

  it('escapes HTML special characters from the definitions', async () => {
    const dir = join(tmp, 'defs');
    cpSync(METRICS, dir, { recursive: true });
    const file = join(dir, 'kcc/satisfaction.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('description: Gemiddeld rapportcijfer van melders voor de afhandeling.', 'description: "Score <script>alert(1)</script> & \\"more\\""')
        .replace('owner: KCC', 'owner: "K&C <b>C</b>"'),
    );
    const out = join(tmp, 'escaped');
    await writeDocs(await graphOfFolder(dir), out);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    const page = readFileSync(join(out, 'metrics/satisfaction_avg.html'), 'utf8');
    for (const html of [index, page]) {
      expect(html).not.toContain('<script>');
      expect(html).toContain('Score &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;');
      expect(html).toContain('K&amp;C &lt;b&gt;C&lt;/b&gt;');
    }
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('runs as a command without a warehouse (exit 0) and needs --out (exit 2)', async () => {
    const out = join(tmp, 'cli');
    const r = await runCli(['docs', '--out', out, '--data-dir', join(tmp, 'no-warehouse')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote \d+ pages to /);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(existsSync(join(out, 'metrics/reports_received.html'))).toBe(true);
    expect((await runCli(['docs'])).code).toBe(2);
  }, 60_000);
});
