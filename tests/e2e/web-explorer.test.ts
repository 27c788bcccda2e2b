/**
 * The KPI explorer in a real headless Chromium (Debian's package, driven by playwright-core) against
 * the seeded demo served by the same Fastify app: catalogue, metric page, a weekday × hour heatmap
 * whose table equals the API's rows, CSV download equal to the API's CSV, language switch, shared
 * URL, API errors in words, dashboards, and an axe-core scan of every page.
 *
 * The browser runs on the embedded (PGlite) demo only: it checks that the page shows exactly what
 * the API answers; the API's numbers themselves are checked against hand-written SQL on both
 * engines in tests/api and tests/integration.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious, SKIP_E2E } from './helpers/browser.js';
import { openDemoBrowser, type DemoBrowser } from './helpers/demo-browser.js';

const HEATMAP_QUERY = {
  metrics: ['document_pickups'],
  groupBy: ['metric_time__extract_dow', 'metric_time__extract_hour'],
  orderBy: ['metric_time__extract_dow', 'metric_time__extract_hour'],
};
const HEATMAP_HASH = '#/explore?m=document_pickups&g=metric_time__extract_dow&g=metric_time__extract_hour';

describe.skipIf(SKIP_E2E)('web app (headless Chromium)', () => {
  let demo: DemoBrowser;
  let base: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    demo = await openDemoBrowser();
    ({ base, context, page } = demo);
  }, 240_000);

  afterAll(async () => {
    await demo?.close();
  });

  const api = (path: string, body?: unknown): Promise<Response> => demo.api(path, body);

  it('serves the app at / with hashed, immutable assets and no inline script', async () => {
    const res = await api('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      expect(s[0]).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(s[1]!.trim()).toBe('');
    }
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await api(asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    // A favicon, a hashed asset like the scripts.
    const icon = /<link rel="icon" type="image\/svg\+xml" href="(\/assets\/[^"]+\.svg)"/.exec(html)![1]!;
    const iconRes = await api(icon);
    expect(iconRes.status).toBe(200);
    expect(iconRes.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    expect(await iconRes.text()).toContain('<svg');
    // Unknown paths still get the API's problem answer, not the page.
    expect((await api('/no-such-page')).status).toBe(404);
  });

  it('opens the catalogue, searches and filters it', async () => {
    const apiMetrics = ((await (await api('/v1/metrics')).json()) as { metrics: { name: string; owner?: string }[] }).metrics;
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Catalogus');
    await expect.poll(() => page.locator('#catalog-list > li').count()).toBe(apiMetrics.length);
    await page.fill('#catalog-search', 'uitreik');
    await expect.poll(() => page.locator('#catalog-list > li').count()).toBeGreaterThan(0);
    expect(await page.locator('#catalog-list > li[data-metric="document_pickups"]').count()).toBe(1);
    await page.fill('#catalog-search', '');
    await page.selectOption('#catalog-owner', 'Burgerzaken');
    const burgerzaken = apiMetrics.filter((m) => m.owner === 'Burgerzaken').length;
    await expect.poll(() => page.locator('#catalog-list > li').count()).toBe(burgerzaken);
    // The filter is in the address, so the filtered catalogue can be shared.
    expect(page.url()).toContain('owner=Burgerzaken');
    await page.selectOption('#catalog-sensitivity', 'public');
    await expect.poll(() => page.locator('#catalog-list > li .badge-sens-public').count()).toBeGreaterThan(0);
    expect(await axeSerious(page)).toEqual([]);
  });

  it('works by keyboard: skip link, then the catalogue filters and a metric link', async () => {
    // A fresh page: a hash change in the old one would keep its focus.
    const kb = await context.newPage();
    await kb.goto(`${base}/#/catalog`);
    await kb.locator('#catalog-list > li').first().waitFor();
    const active = () => kb.evaluate('document.activeElement && (document.activeElement.id || document.activeElement.className)');
    await kb.keyboard.press('Tab');
    expect(await active()).toBe('skip-link');
    await kb.keyboard.press('Enter');
    expect(await active()).toBe('main');
    await kb.keyboard.press('Tab');
    expect(await active()).toBe('catalog-search');
    await kb.keyboard.type('uitreikingen');
    await expect.poll(() => kb.locator('#catalog-list > li').count()).toBe(1);
    for (let i = 0; i < 5; i++) await kb.keyboard.press('Tab');
    await kb.keyboard.press('Enter');
    await expect.poll(() => kb.locator('h1').textContent()).toBe('Uitreikingen');
    await kb.close();
  });

  it('opens a metric page with definition, owner, steward, lineage, dimensions and compiled SQL', async () => {
    await page.goto(`${base}/#/catalog?q=uitreik`);
    await page.click('#catalog-list li[data-metric="document_pickups"] h2 a');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Uitreikingen');
    const detail = (await (await api('/v1/metrics/document_pickups')).json()) as { governance: { definition: string; steward: string }; example: { sql: string } };
    expect(await page.locator('#metric-definition').textContent()).toBe(detail.governance.definition);
    const facts = await page.locator('#metric-facts').textContent();
    expect(facts).toContain('Burgerzaken');
    expect(facts).toContain(detail.governance.steward);
    expect(await page.locator('#metric-sql').textContent()).toBe(detail.example.sql);
    expect(await page.locator('#metric-dimensions tbody tr').count()).toBeGreaterThan(3);
    expect(await page.getByText('document_applications', { exact: true }).count()).toBeGreaterThan(0);
    expect(await axeSerious(page)).toEqual([]);
  });

  it('builds a weekday × hour query: heatmap, and a table whose cells equal the API rows', async () => {
    await page.goto(`${base}/#/explore`);
    await page.selectOption('#metrics', 'document_pickups');
    await expect.poll(() => page.locator('#add-groupby').isEnabled()).toBe(true);
    await page.click('#add-groupby');
    await page.selectOption('#groupby-grain-0', 'extract_dow');
    await page.click('#add-groupby');
    await page.selectOption('#groupby-grain-1', 'extract_hour');
    await page.click('#run-query');

    await page.waitForSelector('#result-chart[data-kind="heatmap"][data-rendered="true"]', { timeout: 60_000 });
    expect(page.url()).toContain(HEATMAP_HASH);
    expect(await page.locator('#result-chart svg path, #result-chart svg rect').count()).toBeGreaterThan(20);

    const expected = (await (await api('/v1/query', HEATMAP_QUERY)).json()) as { columns: { name: string }[]; rows: Record<string, unknown>[] };
    const names = expected.columns.map((c) => c.name);
    expect(await page.locator('#result-table thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-column')))).toEqual(names);
    const cells = await page.locator('#result-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.getAttribute('data-value'))),
    );
    expect(cells).toEqual(expected.rows.map((r) => names.map((n) => (r[n] === null ? '' : String(r[n])))));
    expect(cells.length).toBeGreaterThan(20);
    // Day-of-week cells read as weekday names.
    expect(await page.locator('#result-table tbody tr:first-child td').first().textContent()).toMatch(/dag$/);
    expect(await axeSerious(page)).toEqual([]);
    if (process.env.MAATSTAF_SCREENSHOT) {
      // The README's picture of the explorer (src/web/screenshot-explorer.png).
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: process.env.MAATSTAF_SCREENSHOT });
    }
  }, 120_000);

  it('downloads the CSV, equal to the API CSV; the Power BI / Excel URL answers the same', async () => {
    const apiCsv = await (await api('/v1/query?format=csv', HEATMAP_QUERY)).text();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const file = readFileSync((await download.path())!, 'utf8');
    expect(file).toBe(apiCsv);
    expect(file.split(/\r?\n/)[0]).toBe('metric_time__extract_dow,metric_time__extract_hour,document_pickups');

    await page.click('#copy-url');
    const url = await page.locator('.copy-box').inputValue();
    expect(url.startsWith(`${base}/v1/query?`)).toBe(true);
    expect(new URL(url).searchParams.get('bom')).toBe('true');
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe(apiCsv);

    // Power Query M: the same query, with the key in X-API-Key.
    await page.click('#copy-powerquery');
    const m = await page.locator('.copy-box').inputValue();
    expect(m).toContain(`"${base}",`);
    expect(m).toContain('Headers = [#"X-API-Key" = ApiKey]');
    const record = /Query = \[(.*)\],\n/.exec(m)![1]!;
    const params = new URLSearchParams();
    for (const [, k, list, one] of record.matchAll(/(\w+) = (?:\{([^}]*)\}|"([^"]*)")/g)) {
      for (const v of list !== undefined ? [...list.matchAll(/"([^"]*)"/g)].map((x) => x[1]!) : [one!]) params.append(k!, v);
    }
    const viaMUrl = `${base}/v1/${/RelativePath = "v1\/(\w+)"/.exec(m)![1]}?${params}`;
    // The test app has no keys: anonymous answers, and a key in X-API-Key is checked (a wrong one is refused).
    expect((await fetch(viaMUrl, { headers: { 'X-API-Key': 'not-a-key' } })).status).toBe(401);
    const viaM = await fetch(viaMUrl);
    expect(viaM.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await viaM.arrayBuffer()).slice(3))).toBe(apiCsv);

    await page.click('#copy-odata');
    const feed = await page.locator('.copy-box').inputValue();
    expect(feed).toBe(`${base}/odata`);
    const sets = (await (await fetch(feed)).json()) as { value: { name: string }[] };
    expect(sets.value.map((v) => v.name)).toContain('pickup_peaks');

    await page.click('#copy-graphql');
    const gql = await page.locator('.copy-box').inputValue();
    const gqlRes = (await (await api('/graphql', { query: gql })).json()) as { data: { query: { rows: unknown[] } } };
    const apiJson = (await (await api('/v1/query', HEATMAP_QUERY)).json()) as { rows: unknown[] };
    expect(gqlRes.data.query.rows).toEqual(apiJson.rows);

    await page.click('#copy-curl');
    expect(await page.locator('.copy-box').inputValue()).toContain(`curl -s -X POST '${base}/v1/query'`);
  });

  it('restores the view from a shared URL', async () => {
    const shared = page.url();
    const other = await context.newPage();
    await other.goto(shared);
    await other.waitForSelector('#result-chart[data-kind="heatmap"][data-rendered="true"]', { timeout: 60_000 });
    expect(await other.locator('#groupby-grain-0').inputValue()).toBe('extract_dow');
    expect(await other.locator('#groupby-grain-1').inputValue()).toBe('extract_hour');
    expect(await other.locator('#metrics').evaluate((s) => [...(s as unknown as { selectedOptions: { value: string }[] }).selectedOptions].map((o) => o.value))).toEqual(['document_pickups']);
    const rowsHere = await page.locator('#result-table tbody tr').allTextContents();
    expect(await other.locator('#result-table tbody tr').allTextContents()).toEqual(rowsHere);
    await other.close();
  });

  it('switches to English and back (labels from the definitions)', async () => {
    await page.click('#lang-switch');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Explorer');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.waitForSelector('#result-table');
    expect(await page.locator('#result-table thead th[data-column="document_pickups"]').textContent()).toBe('Document pickups');
    expect(await page.locator('#result-table tbody tr:first-child td').first().textContent()).toMatch(/day$/);
    // Hints in the chosen language only (no "… / select several" mix).
    expect(await page.locator('main').textContent()).toContain('Ctrl/⌘ + click or space: select several');
    expect(await page.locator('main').textContent()).not.toContain('meerdere kiezen');
    expect(await axeSerious(page)).toEqual([]);
    await page.click('#lang-switch');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Verkenner');
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
  });

  it('shows API errors in words, with the suggestion as a button that fixes the query', async () => {
    await page.goto(`${base}/#/explore?m=document_pickupz&g=metric_time__month`);
    const problem = page.locator('.problem[data-code="UNKNOWN_METRIC"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('Deze metriek bestaat niet');
    await problem.getByRole('button', { name: 'document_pickups' }).click();
    await page.waitForSelector('#result-chart[data-kind="line"]');
    expect(page.url()).toContain('m=document_pickups&g=metric_time__month');
  });

  it('shows the saved queries as KPI tiles with red/amber/green against the target', async () => {
    await page.goto(`${base}/#/dashboards`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboards');
    const tile = page.locator('section[data-saved-query="openbare_ruimte_monthly_kpis"] li[data-metric="share_resolved_within_norm"]');
    await tile.waitFor({ timeout: 90_000 });
    expect(['green', 'amber', 'red']).toContain(await tile.getAttribute('data-rag'));
    expect(await tile.locator('.tile-target').textContent()).toContain('80,0%');
    const link = page.locator('section[data-saved-query="pickup_peaks"] a.button');
    expect(await link.getAttribute('href')).toBe('#/explore?m=document_pickups&g=metric_time__extract_dow&g=metric_time__extract_hour');
    // Offset and year-to-date metrics (a time-spine join at hourly base grain) answer on PGlite too.
    await page.locator('section[data-saved-query="reports_year_on_year"] li[data-metric="reports_received_ytd"]').waitFor({ timeout: 90_000 });
    expect(await axeSerious(page)).toEqual([]);
  }, 120_000);

  it('writes nothing outside the page: the API key stays in sessionStorage and is sent as Bearer', async () => {
    await page.goto(`${base}/#/catalog`);
    await page.click('.header-tools summary');
    await page.fill('#api-key', 'demo-analyst');
    const sent = page.waitForRequest((r) => r.url().includes('/v1/metrics') && r.headers()['authorization'] === 'Bearer demo-analyst');
    await page.click('.api-key button[type="submit"]');
    await sent;
    expect(await page.evaluate('sessionStorage.getItem("maatstaf.apiKey")')).toBe('demo-analyst');
    expect(await page.evaluate('localStorage.getItem("maatstaf.apiKey")')).toBeNull();
    expect(await page.locator('.header-tools summary').textContent()).toContain('(actief)');
    await page.click('.header-tools summary');
    await page.fill('#api-key', '');
    await page.click('.api-key button[type="submit"]');
  });
});

