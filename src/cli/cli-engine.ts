/** The engine for commands that compile or run queries, and engine errors as one or two lines. */
import { isMaatstafError, type MaatstafError } from '../core/errors.js';
import { loadEngine } from '../engine/load-engine.js';
import type { Engine } from '../engine/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CliExit } from './fail.js';

/** Loads the definitions into an engine on `wh`; definition errors end the command (exit 1). */
export async function loadCliEngine(metricsDir: string, wh: Warehouse): Promise<Engine> {
  const loaded = await loadEngine(metricsDir, wh);
  if (!loaded.engine) throw new CliExit(1, `the definitions in ${metricsDir} do not load (run 'maatstaf validate'):\n${loaded.error}`);
  return loaded.engine;
}

/** `CODE: message` and, when the engine has them, a second line with suggestions. */
export function describeEngineError(e: MaatstafError): string {
  const suggestions = e.details.suggestions ?? [];
  const more = (e.details.issues?.length ?? 0) > 1 ? ` (+${e.details.issues!.length - 1} more problem(s))` : '';
  const hint = suggestions.length > 0 ? `\n  did you mean: ${suggestions.join(', ')}?` : '';
  return `${e.code}: ${e.message}${more}${hint}`;
}

/** Runs `fn`; a query error from the engine becomes a CliExit with exit code 1 (cancellation: see withInterrupt). */
export async function withEngineErrors<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isMaatstafError(e) && e.code !== 'INVALID_CONFIG' && e.code !== 'QUERY_CANCELLED') throw new CliExit(1, describeEngineError(e));
    throw e;
  }
}

/**
 * Runs `work` with a signal that Ctrl-C (SIGINT) or SIGTERM aborts, so a running query is cancelled on
 * the warehouse (pg_cancel_backend) instead of running on after the CLI is gone; the CLI then exits
 * 130 (SIGINT) or 143 (SIGTERM). A statement that cannot be interrupted (embedded PGlite) does not
 * hold the CLI: it exits after a short grace period anyway, and at once on a second signal.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let exitCode = 130;
  const abort = (name: NodeJS.Signals) => {
    exitCode = name === 'SIGTERM' ? 143 : 130;
    controller.abort();
    setTimeout(() => {
      process.stderr.write('maatstaf: query cancelled (interrupted)\n');
      process.exit(exitCode);
    }, 3000).unref();
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    return await work(controller.signal);
  } catch (e) {
    if (isMaatstafError(e) && e.code === 'QUERY_CANCELLED') throw new CliExit(exitCode, 'query cancelled (interrupted); the warehouse statement was stopped');
    throw e;
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}
