/**
 * Vite build of the KPI explorer: src/web → dist/web, served by the API server at `/`
 * (src/server/web.routes.ts). Run by `npm run build`.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(here, '../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts anywhere (the server's CSP allows script-src 'self' only).
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    // ECharts (lazy chunk, only for the explorer) is ~590 kB minified, ~195 kB gzip.
    chunkSizeWarningLimit: 700,
  },
});
