/**
 * An AbortSignal per request that fires when the client closes the connection before the answer
 * was sent, so the engine can cancel the warehouse query nobody will receive.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const signals = new WeakMap<FastifyRequest, AbortSignal>();

/** The request's client-gone signal (one per request, created on first use). */
export function clientGoneSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const known = signals.get(request);
  if (known) return known;
  const controller = new AbortController();
  const res = reply.raw;
  // 'close' also fires after a complete answer; only a close before the end means the client left.
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  // (Not `request.raw.destroyed`: the request stream is destroyed once its body has been read.)
  if (res.destroyed || request.raw.socket?.destroyed) controller.abort();
  else res.once('close', onClose);
  signals.set(request, controller.signal);
  return controller.signal;
}
