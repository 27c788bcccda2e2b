import { MaatstafError, isMaatstafError } from '../core/errors.js';

/**
 * Maps a warehouse failure to a client-safe error. The original (with SQL text) is kept as `cause`
 * for the server log only; the message never contains it.
 */
export function mapWarehouseError(e: unknown): MaatstafError {
  // Already client-safe (e.g. WAREHOUSE_BUSY from the speed layer's queue in front of the warehouse).
  if (isMaatstafError(e)) return e;
  const err = e as { code?: string; message?: string };
  const code = err?.code ?? '';
  if (code === '57014') {
    return new MaatstafError('STATEMENT_TIMEOUT', 'the warehouse did not answer within the statement timeout', {}, { cause: e });
  }
  const connectionLost =
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code === 'ENOTFOUND' ||
    /terminat|Connection terminated|closed|not open|timeout exceeded when trying to connect/i.test(err?.message ?? '');
  if (connectionLost) {
    return new MaatstafError('WAREHOUSE_UNAVAILABLE', 'the warehouse is unavailable; try again shortly', {}, { cause: e });
  }
  return new MaatstafError(
    'WAREHOUSE_ERROR',
    'the warehouse rejected the compiled query; the definitions may not match the warehouse (see the server log)',
    {},
    { cause: e },
  );
}
