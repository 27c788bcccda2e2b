/**
 * GraphiQL at /graphiql from this server's own files: React, ReactDOM and GraphiQL's prebuilt
 * bundle come from the installed npm packages (graphiql, react, react-dom; pinned versions), the
 * page and its start script from this module. Nothing is loaded from a CDN, so GraphiQL works
 * offline and on an intranet, under the same CSP as every other page (`script-src 'self'`, no
 * inline script), and a page where users paste API keys runs no third-party code fetched at view
 * time. Replaces mercurius' page, which loads its scripts from unpkg.com.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

function packageDir(name: string): { dir: string; version: string } {
  const manifest = require.resolve(`${name}/package.json`);
  return { dir: dirname(manifest), version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version };
}

/**
 * Starts GraphiQL on /graphql: a script file of its own, since the CSP allows no inline script. API
 * keys typed in the headers tab stay in the page (never written to localStorage).
 */
export const START_SCRIPT = `(function () {
  var root = document.getElementById('graphiql');
  if (typeof GraphiQL === 'undefined' || typeof ReactDOM === 'undefined') {
    root.textContent = 'GraphiQL could not load its scripts from this server (/graphiql/assets/). Reload the page; if it persists, check the server log.';
    return;
  }
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).toString() });
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    shouldPersistHeaders: false,
    // The headers tab open: an API key goes there as {"Authorization": "Bearer …"}.
    defaultEditorToolsVisibility: 'headers'
  }));
})();
`;

interface Asset {
  /** A file of an installed package, or the text itself. */
  readonly path?: string;
  readonly text?: string;
  readonly type: string;
}

/** The files the page loads, under /graphiql/assets/<version>/ so they can be cached for good. */
function assets(): { readonly prefix: string; readonly files: ReadonlyMap<string, Asset> } {
  const graphiql = packageDir('graphiql');
  const react = packageDir('react');
  const reactDom = packageDir('react-dom');
  const files = new Map<string, Asset>([
    ['react.production.min.js', { path: join(react.dir, 'umd/react.production.min.js'), type: 'text/javascript; charset=utf-8' }],
    ['react-dom.production.min.js', { path: join(reactDom.dir, 'umd/react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' }],
    ['graphiql.min.js', { path: join(graphiql.dir, 'graphiql.min.js'), type: 'text/javascript; charset=utf-8' }],
    ['graphiql.min.css', { path: join(graphiql.dir, 'graphiql.min.css'), type: 'text/css; charset=utf-8' }],
    ['start.js', { text: START_SCRIPT, type: 'text/javascript; charset=utf-8' }],
  ]);
  return { prefix: `/graphiql/assets/${graphiql.version}-${react.version}`, files };
}

export function graphiqlPage(prefix: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>GraphiQL · maatstaf</title>
  <meta name="robots" content="noindex">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="${prefix}/graphiql.min.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${prefix}/react.production.min.js"></script>
  <script src="${prefix}/react-dom.production.min.js"></script>
  <script src="${prefix}/graphiql.min.js"></script>
  <script src="${prefix}/start.js"></script>
</body>
</html>
`;
}

export function registerGraphiqlRoutes(app: FastifyInstance): void {
  const { prefix, files } = assets();
  const page = graphiqlPage(prefix);
  app.get('/graphiql', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page));
  for (const [name, asset] of files) {
    app.get(`${prefix}/${name}`, { schema: { hide: true } }, async (_request, reply) =>
      // The path carries the package versions: a new version is a new URL.
      reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.text ?? createReadStream(asset.path!)),
    );
  }
}
