/**
 * Content-Security-Policy of every page: the web UI at `/`, Swagger UI at /docs and GraphiQL at
 * /graphiql (served from local files, src/server/graphiql.routes.ts) run with scripts from this
 * server only. No page allows inline scripts or eval.
 */
type Directives = Record<string, readonly string[]>;

/** Every page. Inline styles are allowed: Swagger UI and GraphiQL set style attributes. */
export const DEFAULT_CSP: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'self'"],
  'form-action': ["'self'"],
};
