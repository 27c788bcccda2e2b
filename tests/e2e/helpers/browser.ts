/**
 * End-to-end helpers: the web build (made if missing), the demo app listening on loopback, Debian's
 * Chromium through playwright-core, and an axe-core scan.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Without Chromium the suite may be skipped on a developer machine, never in CI (.ci/run installs it). */
export const SKIP_E2E = !HAVE_CHROMIUM && !process.env.CI;
if (SKIP_E2E) console.warn(`e2e: skipped — ${CHROMIUM} not found (apt-get install chromium); in CI this suite always runs`);

const WEB_ROOT = resolve('dist/web');

/** Builds src/web with Vite unless dist/web is already there (npm run build makes it). */
export async function ensureWebBuild(): Promise<string> {
  if (!existsSync(resolve(WEB_ROOT, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: resolve('src/web/vite.config.ts'), logLevel: 'error' });
  }
  return WEB_ROOT;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
    timeout: 60_000,
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[];
}

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** WCAG 2.1 A/AA rules; returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(axeSource);
  // Runs in the page; typed loosely because the test project has no DOM types.
  const findings = await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeResults> }; document: unknown };
    const r = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => String(n.target)) }));
  });
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}
