/**
 * GraphiQL works with the network off (issue 22): in headless Chromium, every request that does not
 * go to the server itself is refused, and GraphiQL still renders, under the server's own CSP (not
 * bypassed), with no CSP violation, and runs a query against /graphql.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, openDemoWarehouse, type TestApp } from '../api/helpers/demo-app.js';
import type { TestWarehouse } from '../helpers/warehouses.js';
import { launchChromium, SKIP_E2E } from './helpers/browser.js';

describe.skipIf(SKIP_E2E)('GraphiQL offline (headless Chromium)', () => {
  let wh: TestWarehouse;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const refused: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    wh = await openDemoWarehouse('pglite');
    t = await demoApp(wh);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // The network is off: only the server itself answers.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base)) return route.continue();
      refused.push(url);
      return route.abort('internetdisconnected');
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    await wh?.close();
  });

  it('renders GraphiQL from the server alone and runs a query', async () => {
    await page.goto(`${base}/graphiql`);
    await expect.poll(() => page.locator('.graphiql-container').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('.graphiql-execute-button').count()).toBe(1);
    // Type a query and run it; the answer pane shows the data /graphql gave.
    await page.locator('.graphiql-query-editor .CodeMirror').first().click();
    await page.evaluate(() => {
      const cm = (globalThis as unknown as { document: { querySelector(s: string): { CodeMirror: { setValue(v: string): void } } } }).document.querySelector(
        '.graphiql-query-editor .CodeMirror',
      ).CodeMirror;
      cm.setValue('{ metric(name: reports_received) { name label } }');
    });
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => page.locator('.graphiql-response').textContent(), { timeout: 30_000 }).toContain('"name": "reports_received"');
    expect(refused).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
  }, 120_000);
});
