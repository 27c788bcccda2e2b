/**
 * The matched route's pattern and config, read once per request: Fastify's `request.routeOptions`
 * builds a new object on every access, and the authentication, format and metrics hooks all ask.
 */
import type { FastifyContextConfig, FastifyRequest } from 'fastify';

export interface RouteInfo {
  /** The route pattern (`/v1/metrics/:name`); undefined when no route matched. */
  readonly url: string | undefined;
  readonly config: FastifyContextConfig | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by routeInfo on first use (decorated null in the app factory: one object shape). */
    maatstafRoute: RouteInfo | null;
  }
}

// One RouteInfo per route (its config object lives as long as the route).
const byConfig = new WeakMap<object, RouteInfo>();

export function routeInfo(request: FastifyRequest): RouteInfo {
  const known = request.maatstafRoute;
  if (known) return known;
  const { url, config } = request.routeOptions;
  let info = config && typeof config === 'object' ? byConfig.get(config) : undefined;
  if (!info || info.url !== url) {
    info = { url, config };
    if (config && typeof config === 'object') byConfig.set(config, info);
  }
  request.maatstafRoute = info;
  return info;
}
