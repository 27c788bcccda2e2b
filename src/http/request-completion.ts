/**
 * Observers of every finished response (the request metrics): one `onResponse` hook, added by
 * buildApp before any route so it covers them all (404s and errors included).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type CompletionObserver = (request: FastifyRequest, reply: FastifyReply) => void;

const byApp = new WeakMap<FastifyInstance, CompletionObserver[]>();

/** Adds the hook that tells the observers; buildApp calls it first. */
export function addRequestCompletion(app: FastifyInstance): void {
  const observers: CompletionObserver[] = [];
  byApp.set(app, observers);
  app.addHook('onResponse', (request, reply, done) => {
    for (const observer of observers) {
      try {
        observer(request, reply);
      } catch (e) {
        reply.log.error({ err: e }, 'request completion observer failed');
      }
    }
    done();
  });
}

/** Calls `observer` once for every response `app` finishes (any route, 404s and errors included). */
export function onRequestCompleted(app: FastifyInstance, observer: CompletionObserver): void {
  const observers = byApp.get(app);
  if (!observers) throw new Error('the app was not built by buildApp (no request completion hook)');
  observers.push(observer);
}
