/**
 * Hot reload of the definitions (`maatstaf serve --watch`): watch the metrics folder, rebuild the
 * engine after edits settle, and swap it into the server state. An invalid edit keeps the last
 * valid set serving; its errors (file:line) are logged and shown on /readyz.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { loadEngine, type LoadEngineOptions, type LoadedEngine } from '../engine/load-engine.js';
import type { Engine } from '../engine/types.js';
import type { ServerState } from '../http/state.js';

export type ReloadOutcome =
  | { readonly kind: 'reloaded'; readonly version: string }
  | { readonly kind: 'rejected'; readonly errors: readonly string[] };

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * Puts a newly loaded engine in service. The composition root (create-server.ts) passes its own:
 * clear the cache, put the new engine in service, re-read the access policy, rebuild the GraphQL schema.
 */
export type PutInService = (engine: Engine, loaded: LoadedEngine) => void | Promise<void>;

/** Loads the folder into a new engine; when it loads, puts it in service (by default: as it is). */
export async function reloadDefinitions(
  state: ServerState,
  metricsDir: string,
  log: Log,
  putInService: PutInService = (engine) => {
    state.engine = engine;
  },
  loadOptions: LoadEngineOptions = {},
): Promise<ReloadOutcome> {
  let loaded: Awaited<ReturnType<typeof loadEngine>>;
  try {
    loaded = await loadEngine(metricsDir, state.warehouse, loadOptions);
  } catch (e) {
    loaded = { error: (e as Error).message, warnings: [] };
  }
  if (!loaded.engine) {
    const errors = (loaded.error ?? 'definitions do not load').split('\n');
    if (state.engine) {
      state.definitionsWarnings = [`definitions not reloaded, still serving version ${state.engine.definitions.version}:`, ...errors];
      log.error({ metricsDir, serving: state.engine.definitions.version }, `definitions not reloaded (still serving the last valid set):\n${errors.join('\n')}`);
    } else {
      state.definitionsError = errors.join('\n');
      log.error({ metricsDir }, `definitions not loaded:\n${errors.join('\n')}`);
    }
    return { kind: 'rejected', errors };
  }
  const engine = loaded.engine;
  state.definitionsError = undefined;
  state.definitionsWarnings = undefined;
  try {
    await putInService(engine, loaded);
  } catch (e) {
    log.error({ err: e }, 'putting the reloaded definitions in service failed');
  }
  log.info({ metricsDir, version: engine.definitions.version, warnings: loaded.warnings.length }, 'definitions reloaded');
  return { kind: 'reloaded', version: engine.definitions.version };
}

export interface DefinitionsWatcher {
  close(): void;
}

/** Only definition files (YAML, or the semantic manifest) trigger a reload, not editor swap files; unknown names do too. */
const isDefinitionFile = (name: string | null) => name === null || /\.(ya?ml|json)$/i.test(name);

/**
 * Watches `metricsDir` recursively; calls `reload` `debounceMs` after the last change. Reloads never
 * overlap: a change during a reload schedules one more.
 */
export function watchDefinitions(reload: () => Promise<unknown>, metricsDir: string, log: Log, opts: { debounceMs?: number } = {}): DefinitionsWatcher {
  const debounceMs = opts.debounceMs ?? 300;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let closed = false;

  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await reload();
      } while (again && !closed);
    } finally {
      running = false;
    }
  };
  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), debounceMs);
  };

  // A semantic_manifest.json path is watched as a file (dbt rewrites it on every parse).
  const watcher: FSWatcher = watch(metricsDir, { recursive: !/\.json$/i.test(metricsDir) }, (_event, name) => {
    if (isDefinitionFile(name === null ? null : String(name))) schedule();
  });
  watcher.on('error', (err) => log.warn({ err }, 'watching the definitions folder failed'));
  log.info({ metricsDir }, 'watching definitions for changes');
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
