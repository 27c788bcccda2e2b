/** The seeded demo (PGlite) listening on loopback, with a Chromium page on it: the e2e suites' set-up. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoApp, openDemoWarehouse, type TestApp } from '../../api/helpers/demo-app.js';
import type { TestWarehouse } from '../../helpers/warehouses.js';
import { ensureWebBuild, launchChromium } from './browser.js';

export interface DemoBrowser {
  readonly base: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** The API as any client sees it (JSON body → POST). */
  api(path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function openDemoBrowser(locale = 'nl-NL'): Promise<DemoBrowser> {
  await ensureWebBuild();
  const wh: TestWarehouse = await openDemoWarehouse('pglite');
  const t: TestApp = await demoApp(wh);
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const browser: Browser = await launchChromium();
  // bypassCSP only so the test can inject axe-core; the app itself runs under the server's CSP.
  const context = await browser.newContext({ acceptDownloads: true, bypassCSP: true, viewport: { width: 1400, height: 1000 }, locale });
  const page = await context.newPage();
  return {
    base,
    context,
    page,
    api: (path, body) => fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    async close() {
      await context.close();
      await browser.close();
      await t.close();
      await wh.close();
    },
  };
}
