import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { ServerState } from '../http/state.js';

/** Liveness and readiness: `/readyz` checks the warehouse answers and definitions are loaded. */
export function registerHealthRoutes(app: FastifyInstance, state: ServerState): void {
  const hide = { schema: { hide: true } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  app.get('/readyz', hide, async (_req, reply) => {
    const problems: string[] = [];
    if (!state.engine) problems.push(`definitions not loaded: ${state.definitionsError ?? 'unknown reason'}`);
    try {
      await withTimeout(state.warehouse.ping(), 2000);
    } catch {
      problems.push('warehouse unreachable');
    }
    if (problems.length > 0) {
      return reply.code(503).header('retry-after', '5').send({ status: 'not_ready', reasons: problems });
    }
    const warnings = state.definitionsWarnings ?? [];
    return {
      status: 'ready',
      warehouse: state.warehouse.kind,
      definitionsVersion: state.engine!.definitions.version,
      // The last reload failed; the last valid definitions are still served, so still ready.
      ...(warnings.length > 0 ? { definitionsWarnings: warnings } : {}),
    };
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
