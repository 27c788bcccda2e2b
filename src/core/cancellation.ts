/**
 * Cancellation when the client goes away: interfaces create an AbortSignal per request that fires
 * when the connection closes before the answer was sent; the engine, the speed layer and the
 * warehouse stop work for it and fail with QUERY_CANCELLED (499), which is never logged as a
 * server error (nobody is left to receive the answer).
 */
import { MaatstafError, isMaatstafError } from './errors.js';

export function queryCancelledError(cause?: unknown): MaatstafError {
  return new MaatstafError('QUERY_CANCELLED', 'the client closed the connection; its query was cancelled', {}, cause === undefined ? undefined : { cause });
}

export function isQueryCancelled(e: unknown): boolean {
  return isMaatstafError(e) && e.code === 'QUERY_CANCELLED';
}

/** Throws QUERY_CANCELLED when `signal` has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw queryCancelledError();
}
