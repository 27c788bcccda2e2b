/**
 * The Fastify hooks that set `request.caller` on every request: REST, CSV, GraphQL and
 * the docs' "Try it out" all pass through it. Refusals are problem+json with code UNAUTHENTICATED
 * and a WWW-Authenticate header (RFC 6750), and say nothing about why a credential failed; the
 * reason goes to the server log (never the credential itself).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { MaatstafError } from '../core/errors.js';
import { ANONYMOUS, type Caller } from '../access/caller.js';
import { AuthFailure, type Authenticator } from '../access/authn/authenticator.js';
import { routeInfo } from './route-info.js';
import { appendOnRequestHook } from './route-hooks.js';

export const REALM = 'maatstaf';

/**
 * Routes that never look at credentials and stay reachable when anonymous access is off: probes,
 * the OpenAPI document, the Swagger UI and GraphiQL pages and assets (they hold no data; the API
 * calls they make are authenticated), and the web UI's static files. A route can opt in too with
 * `config: { public: true }`. Credentials sent to these routes are not looked at. CORS preflights
 * (OPTIONS) never carry credentials, so they are not authenticated either.
 */
const PUBLIC_ROUTES = new Set(['/healthz', '/readyz', '/openapi.json', '/favicon.ico', '/']);
const PUBLIC_PREFIXES = ['/docs', '/graphiql', '/ui', '/assets', '/static'];

/** True for a public route (decided on the matched route pattern, not the raw URL). */
export function isPublicRoute(request: FastifyRequest): boolean {
  const route = routeInfo(request);
  const config = route.config as { public?: unknown; rootPath?: unknown } | undefined;
  // @fastify/static marks each file route with `rootPath` (the web UI and Swagger UI assets).
  if (config?.public === true || typeof config?.rootPath === 'string') return true;
  const url = route.url;
  if (url === undefined) return false; // no such route: authenticate like everything else
  return PUBLIC_ROUTES.has(url) || PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`));
}

/** Sends an error answer (the server's problem+json writer; passed in so access does not import the server). */
export type SendProblem = (reply: FastifyReply, request: FastifyRequest, err: MaatstafError) => FastifyReply;

/** Requests whose credential was refused, answered by the last onRequest hook of the route. */
const refused = new WeakMap<FastifyRequest, AuthFailure>();

/** Records a refusal for `answerRefusal` to answer; any other error fails the request at once. */
function refuse(request: FastifyRequest, e: unknown, done: (err?: Error) => void): void {
  if (!(e instanceof AuthFailure)) return done(e as Error);
  refused.set(request, e);
  done();
}

/**
 * Adds the authentication hook; call first in the app factory, and `answerRefusals` once the
 * plugins that add route-level hooks (the rate limiter) are registered.
 *
 * onRequest (first of all hooks): sets `request.caller`, or records why the credential was refused
 * (the caller stays anonymous). The refusal is not answered there: the other onRequest hooks must
 * still run so the 401 carries the security and CORS headers, and the rate limiter counts failed
 * attempts per client address.
 */
export function registerAuthentication(app: FastifyInstance, authenticator: Authenticator): void {
  // Callback style: anonymous and API-key callers are known at once, with no promise per request.
  app.addHook('onRequest', (request, _reply, done) => {
    request.caller = ANONYMOUS;
    if (request.method === 'OPTIONS' || isPublicRoute(request)) return done();
    let caller: Caller | undefined;
    try {
      caller = authenticator.authenticateNow(request.headers);
    } catch (e) {
      refuse(request, e, done);
      return;
    }
    if (caller) {
      request.caller = caller;
      return done();
    }
    authenticator.authenticate(request.headers).then(
      (verified) => {
        request.caller = verified;
        done();
      },
      (e: unknown) => refuse(request, e, done),
    );
  });
}

/**
 * Answers refused credentials (401, or 503 when the identity provider is unreachable) as the last
 * onRequest hook of every route registered from now on: after the security and CORS headers and the
 * rate limiter, before the body is read or anything else runs. Unknown URLs (no route, so no route
 * hooks and no rate limit) are answered by an app-wide onRequest hook added here too, also before
 * their body is read. Call after the plugins that add route-level onRequest hooks and before any
 * route. The answer is sent from the hook, not thrown: plugins with their own error handler
 * (mercurius on /graphql) would otherwise reshape it. It costs no hook stage of its own (a
 * preParsing hook would, on every request).
 */
export function answerRefusals(app: FastifyInstance, send: SendProblem): void {
  const hook: onRequestHookHandler = (request, reply, done) => {
    if (!answerRefusal(request, reply, send)) done();
  };
  app.addHook('onRequest', (request, reply, done) => {
    if (routeInfo(request).url !== undefined || !answerRefusal(request, reply, send)) done();
  });
  appendOnRequestHook(app, hook);
}

/** Sends the refusal recorded for `request`, if any; true when it did (the request goes no further). */
function answerRefusal(request: FastifyRequest, reply: FastifyReply, send: SendProblem): boolean {
  const e = refused.get(request);
  if (e === undefined) return false;
  if (e.kind === 'unavailable') {
    request.log.warn({ reason: e.reason }, 'cannot verify bearer token: identity provider keys unavailable');
    send(reply, request, new MaatstafError('AUTH_UNAVAILABLE', 'the credential cannot be verified right now; try again later'));
    return true;
  }
  request.log.info({ reason: e.reason }, 'authentication failed');
  reply.header('www-authenticate', e.kind === 'invalid' ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`);
  const message = e.kind === 'invalid' ? 'the credential was not accepted' : 'authentication required: send an API key or bearer token';
  send(reply, request, new MaatstafError('UNAUTHENTICATED', message));
  return true;
}
