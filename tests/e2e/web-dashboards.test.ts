/**
 * The dashboards state true facts about named periods (issue 21), checked in headless Chromium against
 * the API's own rows on the seeded demo: never the null period ("Uitreikingen 0"), an offset metric
 * next to its base period, weekday × hour as a busiest slot, rankings without the unknown group, and
 * the unknown group named and last in the explorer's table and chart. Screenshots are kept as review
 * artefacts in tests/e2e/artifacts (not compared).
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious, SKIP_E2E } from './helpers/browser.js';
import { openDemoBrowser, type DemoBrowser } from './helpers/demo-browser.js';

type Rows = Record<string, string | number | boolean | null>[];
const ARTIFACTS = 'tests/e2e/artifacts';
const today = new Date().toISOString().slice(0, 10);

/** The latest period with a value, by hand: known time, a number, started by today. */
function latest(rows: Rows, time: string, metric: string, until = today): { period: string; value: number } {
  const known = rows.filter((r) => typeof r[time] === 'string' && typeof r[metric] === 'number' && (r[time] as string) <= until);
  known.sort((a, b) => String(a[time]).localeCompare(String(b[time])));
  const r = known.at(-1)!;
  return { period: r[time] as string, value: r[metric] as number };
}

describe.skipIf(SKIP_E2E)('dashboards and null groups (headless Chromium)', () => {
  let d: DemoBrowser;
  const json = async <T>(path: string, body?: unknown) => (await (await d.api(path, body)).json()) as T;
  const tile = (sq: string, metric: string) => d.page.locator(`section[data-saved-query="${sq}"] li[data-metric="${metric}"]`);

  beforeAll(async () => {
    d = await openDemoBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
    await d.page.goto(`${d.base}/#/dashboards`);
    // The last saved query's tiles: all loaded (they load one saved query at a time).
    await d.page.locator('section[data-saved-query] li[data-metric]').first().waitFor({ timeout: 90_000 });
    await d.page.waitForFunction("document.querySelectorAll('section[data-saved-query] ul.tiles li:not([data-metric])').length === 0", undefined, { timeout: 180_000 });
  }, 300_000);
  afterAll(async () => d?.close());

  it('a tile never shows the null period: the latest month with data, named in Dutch', async () => {
    const q = { metrics: ['reports_received', 'reports_resolved'], groupBy: ['metric_time__month'], orderBy: ['-metric_time__month'] };
    const rows = (await json<{ rows: Rows }>('/v1/query', q)).rows;
    // The trap: newest first, PostgreSQL-style, the null period comes first with value 0.
    expect(rows.some((r) => r.metric_time__month === null)).toBe(true);
    const want = latest(rows, 'metric_time__month', 'reports_resolved');
    const t = tile('reports_by_month_and_category', 'reports_resolved');
    expect(await t.getAttribute('data-period')).toBe(want.period);
    expect(await t.locator('.tile-value').textContent()).toBe(new Intl.NumberFormat('nl-NL').format(want.value));
    const month = new Intl.DateTimeFormat('nl-NL', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(want.period)).replace('.', '');
    expect(await t.locator('.tile-period').textContent()).toBe(`Laatste waarde: ${month}`);
  });

  it('a comparison tile shows both periods with their values and the change', async () => {
    const rows = (await json<{ rows: Rows }>('/v1/saved-queries/reports_year_on_year/results')).rows;
    const base = latest(rows, 'metric_time__month', 'reports_received');
    const ly = rows.find((r) => r.metric_time__month === base.period)!.reports_received_last_year as number;
    // The offset metric runs a year past the data; its own latest month is not the dashboard's.
    expect(latest(rows, 'metric_time__month', 'reports_received_last_year').period > base.period).toBe(true);
    const t = tile('reports_year_on_year', 'reports_received_last_year');
    expect(await t.getAttribute('data-period')).toBe(base.period);
    const cmp = t.locator('.tile-compare');
    const earlier = `${Number(base.period.slice(0, 4)) - 1}${base.period.slice(4)}`;
    expect(await cmp.getAttribute('data-earlier-period')).toBe(earlier);
    expect(Number(await cmp.getAttribute('data-change'))).toBeCloseTo((base.value - ly) / ly, 10);
    const nf = new Intl.NumberFormat('nl-NL');
    const text = (await cmp.textContent())!;
    expect(text).toContain(`${base.period.slice(0, 4)}: ${nf.format(base.value)} — `);
    expect(text).toContain(`${earlier.slice(0, 4)}: ${nf.format(ly)}, `);
    expect(text).toMatch(/[+−-]\d+,\d\s?%$/);
    // The base tile speaks of the same month.
    expect(await tile('reports_year_on_year', 'reports_received').getAttribute('data-period')).toBe(base.period);
  });

  it('weekday × hour becomes a heatmap tile with the busiest slot from the API rows', async () => {
    const rows = (await json<{ rows: Rows }>('/v1/saved-queries/pickup_peaks/results')).rows;
    const known = rows.filter((r) => r.metric_time__extract_dow !== null && r.metric_time__extract_hour !== null);
    const max = Math.max(...known.map((r) => r.document_pickups as number));
    const best = known.find((r) => r.document_pickups === max)!;
    const t = tile('pickup_peaks', 'document_pickups');
    expect(await t.getAttribute('data-busiest-dow')).toBe(String(best.metric_time__extract_dow));
    expect(await t.getAttribute('data-busiest-hour')).toBe(String(best.metric_time__extract_hour));
    expect(await t.locator('.tile-busiest').textContent()).toMatch(/^Drukste moment: \w+dag \d\d:00 \(\d+\)$/);
    expect(await t.locator('.tile-value').count()).toBe(0);
    expect(await t.locator('.mini-heatmap span').count()).toBe(7 * new Set(known.map((r) => r.metric_time__extract_hour)).size);
  });

  it("capacity: next week's expected pickups by weekday × hour, each cell the API's forecast with its interval", async () => {
    const q = { metrics: ['document_pickups'], groupBy: ['metric_time__hour'], forecast: { horizon: 168 } };
    const rows = (await json<{ rows: Rows }>('/v1/query', q)).rows.filter((r) => r.forecast === true);
    expect(rows).toHaveLength(168);
    const view = d.page.locator('section[data-saved-query="pickup_peaks"] [data-capacity="document_pickups"]');
    await view.waitFor({ timeout: 60_000 });
    expect(await view.getAttribute('data-from')).toBe(String(rows[0]!.metric_time__hour).slice(0, 10));
    const cells = await view.locator('td[data-dow]').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-dow'), td.getAttribute('data-hour'), td.getAttribute('data-expected'), td.textContent]));
    expect(cells.length).toBeGreaterThan(20);
    for (const [dow, hour, expected, text] of cells) {
      // The hour's row by hand: the ISO weekday of its local date and its wall-clock hour.
      const r = rows.find((x) => {
        const s = String(x.metric_time__hour);
        const js = new Date(`${s.slice(0, 10)}T00:00:00Z`).getUTCDay();
        return String(js === 0 ? 7 : js) === dow && String(Number(s.slice(11, 13))) === hour;
      })!;
      expect(expected).toBe(String(r.document_pickups__forecast));
      const nf = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 0 });
      expect(text).toBe(`${nf.format(r.document_pickups__forecast as number)} (${nf.format(r.document_pickups__lower as number)}–${nf.format(r.document_pickups__upper as number)})`);
    }
    const max = Math.max(...rows.map((r) => r.document_pickups__forecast as number));
    expect(Math.max(...cells.map((c) => Number(c[2])))).toBe(max);
    expect(await view.locator('.capacity-busiest').textContent()).toMatch(/^Drukst verwacht: \w+dag \d\d:00 \(/);
  });

  it('a ranking tile ignores the unknown group', async () => {
    const sq = 'reports_per_1000_inhabitants_by_district';
    const rows = (await json<{ rows: Rows }>(`/v1/saved-queries/${sq}/results`)).rows;
    const detail = await json<{ governance: { direction?: string } }>('/v1/metrics/reports_per_1000_inhabitants');
    const year = latest(rows, 'metric_time__year', 'reports_per_1000_inhabitants').period;
    const inYear = rows.filter((r) => r.metric_time__year === year && r.district__district_name !== null && typeof r.reports_per_1000_inhabitants === 'number');
    const sorted = inYear.sort((a, b) => (a.reports_per_1000_inhabitants as number) - (b.reports_per_1000_inhabitants as number));
    const want = detail.governance.direction === 'lower_is_better' ? sorted[0]! : sorted.at(-1)!;
    const t = d.page.locator(`section[data-saved-query="${sq}"] li[data-ranking="district__district_name"]`);
    expect(await t.getAttribute('data-top-group')).toBe(want.district__district_name);
    expect(rows.some((r) => r.metric_time__year === year && r.district__district_name === null)).toBe(true);
    expect(await axeSerious(d.page)).toEqual([]);
    await d.page.screenshot({ path: `${ARTIFACTS}/dashboards-nl.png`, fullPage: true });
  });

  it('the explorer names the unknown period and puts it last, in the table and the chart', async () => {
    await d.page.goto(`${d.base}/#/explore?m=reports_resolved&g=metric_time__month`);
    await d.page.waitForSelector('#result-chart[data-kind="line"][data-rendered="true"]', { timeout: 60_000 });
    const last = d.page.locator('#result-table tbody tr:last-child td').first();
    expect(await last.textContent()).toBe('(geen datum)');
    expect(await last.getAttribute('data-value')).toBe('');
    expect(await d.page.locator('#result-table tbody td').filter({ hasText: '(geen datum)' }).count()).toBe(1);
    const labels = await d.page.locator('#result-chart svg text').allTextContents();
    expect(labels).toContain('(geen datum)');
    expect(await axeSerious(d.page)).toEqual([]);
    await d.page.screenshot({ path: `${ARTIFACTS}/explorer-nl.png`, fullPage: true });
  }, 90_000);

  it('draws the forecast dashed with its band after the actuals, labelled in Dutch, from the API answer', async () => {
    await d.page.goto(`${d.base}/#/explore?m=document_pickups&g=metric_time__month`);
    await d.page.waitForSelector('#result-chart[data-kind="line"][data-rendered="true"]', { timeout: 60_000 });
    expect(await d.page.locator('#result-chart path[stroke-dasharray]').count()).toBe(0);
    await d.page.check('#show-forecast');
    await d.page.click('#run-query');
    await d.page.waitForSelector('#result-chart[data-forecast="true"][data-rendered="true"]', { timeout: 60_000 });
    expect(d.page.url()).toContain('fc=1');
    const q = { metrics: ['document_pickups'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'], forecast: { horizon: 12 }, anomalies: {} };
    const rows = (await json<{ rows: Rows }>('/v1/query', q)).rows;
    const future = rows.filter((r) => r.forecast === true);
    expect(future).toHaveLength(12);
    expect(await d.page.locator('#result-table tbody tr').count()).toBe(rows.length);
    const fc = await d.page.locator('#result-table tbody td[data-column="document_pickups__forecast"]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')));
    expect(fc).toEqual(rows.map((r) => (r.document_pickups__forecast === null ? '' : String(r.document_pickups__forecast))));
    expect(await d.page.locator('#result-table thead th[data-column="document_pickups__lower"]').textContent()).toBe('Uitreikingen (ondergrens)');
    // Dashed forecast line and a filled band in the SVG.
    expect(await d.page.locator('#result-chart path[stroke-dasharray]').count()).toBeGreaterThan(0);
    expect(await d.page.locator('#result-chart svg text').allTextContents()).toContain('Uitreikingen: prognose');
    expect(await axeSerious(d.page)).toEqual([]);
    await d.page.screenshot({ path: `${ARTIFACTS}/explorer-forecast-nl.png`, fullPage: true });
  }, 90_000);

  it('shows the elapsed time while a query runs and cancels it: the request is aborted, the last answer stays', async () => {
    await d.page.goto(`${d.base}/#/explore?m=document_pickups&g=metric_time__month`);
    await d.page.waitForSelector('#result-chart[data-kind="line"][data-rendered="true"]', { timeout: 60_000 });
    // A slower query: hourly history with a week's forecast.
    const failed = d.page.waitForEvent('requestfailed', { predicate: (r) => r.url().endsWith('/v1/query'), timeout: 30_000 });
    // Held back in the browser for a few seconds, so the button is there to click however fast the
    // server answers (on a loaded machine the click could otherwise race the answer).
    const held = '**/v1/query';
    await d.page.route(held, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await route.continue().catch(() => {});
    });
    await d.page.goto(`${d.base}/#/explore?m=document_pickups&g=metric_time__hour&fc=1`);
    await d.page.locator('#cancel-query').click({ timeout: 10_000 });
    expect((await failed).failure()?.errorText).toMatch(/ABORTED/i);
    await d.page.unroute(held);
    expect(await d.page.locator('#query-cancelled').textContent()).toBe('Geannuleerd; de server is met deze vraag gestopt.');
    // The previous answer is still there to read (an inert copy).
    expect(await d.page.locator('#result-region section.result').count()).toBe(1);
    expect(await d.page.locator('#result-region .loading .elapsed').count()).toBe(0);
  }, 90_000);
});
