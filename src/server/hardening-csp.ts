/**
 * Content-Security-Policy per page. The API, the web UI at `/` and Swagger UI at /docs run with
 * scripts from this server only; GraphiQL (mercurius) loads React and GraphiQL from unpkg.com, so
 * /graphiql alone also allows that origin. No page allows inline scripts or eval.
 */
type Directives = Record<string, readonly string[]>;

/** Everything except /graphiql. Inline styles are allowed: Swagger UI sets style attributes. */
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

const GRAPHIQL_CDN = 'https://unpkg.com';

export const GRAPHIQL_CSP: Directives = {
  ...DEFAULT_CSP,
  'script-src': ["'self'", GRAPHIQL_CDN],
  'style-src': ["'self'", "'unsafe-inline'", GRAPHIQL_CDN],
  'font-src': ["'self'", 'data:', GRAPHIQL_CDN],
  'worker-src': ["'self'"],
};

export function cspHeader(directives: Directives): string {
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** True for GraphiQL's page and its assets. */
export function isGraphiqlPath(url: string): boolean {
  return url === '/graphiql' || url.startsWith('/graphiql/') || url.startsWith('/graphiql?');
}
