/**
 * An AbortSignal per request that fires when the client closes the connection before the answer
 * was sent, so the engine can cancel the warehouse query nobody will receive.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

// A property on the request, not a WeakMap: per-request WeakMap entries cost the garbage collector.
const signalKey = Symbol('maatstaf.clientGoneSignal');
type WithSignal = FastifyRequest & { [signalKey]?: AbortSignal };

/** The request's client-gone signal (one per request, created on first use). */
export function clientGoneSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const known = (request as WithSignal)[signalKey];
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
  (request as WithSignal)[signalKey] = controller.signal;
  return controller.signal;
}
