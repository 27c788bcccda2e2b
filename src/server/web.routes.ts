/**
 * Serves the KPI explorer (the Vite build of src/web) at `/`. The web app talks to the public API
 * only, so this module adds static files and nothing else.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where the build output lives: dist/web next to dist/src when running the compiled server, or
 * <repo>/dist/web when running from source (tsx, tests).
 */
export function findWebRoot(): string | undefined {
  const candidates = [resolve(here, '../../web'), resolve(here, '../../dist/web')];
  return candidates.find((dir) => existsSync(resolve(dir, 'index.html')));
}

export interface WebRoutesOptions {
  /** Folder with index.html and assets/; default: the Vite build output. false: no web app. */
  readonly root?: string | false;
}

export async function registerWebRoutes(app: FastifyInstance, opts: WebRoutesOptions = {}): Promise<void> {
  if (opts.root === false) return;
  const root = opts.root ?? findWebRoot();
  if (!root) {
    // Not built yet (`npm run build`): say so at `/` instead of a bare 404.
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('The web app is not built. Run `npm run build` (or `npm start`).\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Only the files that exist at start-up get routes; every other path keeps the API's 404 problem.
    wildcard: false,
    index: 'index.html',
    schemaHide: true,
    setHeaders: (reply, path) => {
      // Vite fingerprints everything under assets/, so those never change; the page itself must be revalidated.
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
