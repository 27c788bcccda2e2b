/**
 * Per-route onRequest hooks appended at route registration (Fastify's onRoute): they run after the
 * app's own onRequest hooks and after route-level ones added earlier (the rate limiter), in the
 * same hook stage. A preParsing or preHandler hook would add a whole stage to every request.
 */
import type { FastifyInstance, onRequestHookHandler } from 'fastify';

/** Appends `hook` to the onRequest hooks of every route registered in `app` from now on. */
export function appendOnRequestHook(app: FastifyInstance, hook: onRequestHookHandler): void {
  app.addHook('onRoute', (route) => {
    const own = route.onRequest;
    route.onRequest = own === undefined ? [hook] : [...(Array.isArray(own) ? own : [own]), hook];
  });
}
