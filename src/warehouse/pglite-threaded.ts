/**
 * The embedded PGlite warehouse in a thread of its own (what `maatstaf serve` uses): the same
 * `Warehouse` as pglite.ts, but a long statement never blocks the server's event loop, the
 * statement timeout is enforced, a disconnecting client stops its statement, and a crashed thread
 * is restarted (pglite-thread.ts has the details).
 *
 * Data: the thread always works on a folder on disk, so a restart loses nothing committed. Without
 * `dataDir` (tests, throw-away servers) that is a fresh temporary folder, removed at close.
 * Writes are allowed (the audit log of the embedded demo is written here while serving; set-up
 * may migrate and seed through it too); each is committed to the folder before it answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PGliteDialect, type PGliteDialectConfig } from 'kysely';
import { lockDataDir } from './data-dir-lock.js';
import { startPgliteThread, type PgliteThread, type RestartReason, type RunStatement, type ThreadResult } from './pglite-thread.js';
import { streamPglite } from './pglite-stream.js';
import { NUMERIC_OIDS, TIME_OIDS, quoteIdent, type Warehouse, type WarehouseOptions, type WarehouseQueryOptions, type WarehouseResult, type WarehouseStreamOptions } from './warehouse.js';

export interface ThreadedPgliteOptions extends WarehouseOptions {
  /** Folder for the data files; undefined → a temporary folder removed at close. */
  readonly dataDir?: string;
  /** Told when the thread restarts (timeout, cancelled statement, crash, retried start). */
  readonly onRestart?: (reason: RestartReason) => void;
}

export interface ThreadedPgliteWarehouse extends Warehouse {
  readonly kind: 'pglite';
  /** The thread's state, and `kill()` to terminate it as a crash would (chaos tests, drills). */
  readonly thread: Pick<PgliteThread, 'kill' | 'stats'>;
}

/** The embedded warehouse's thread, when `wh` runs PGlite in one (metrics, drills). */
export function embeddedThreadOf(wh: Warehouse): ThreadedPgliteWarehouse['thread'] | undefined {
  return 'thread' in wh ? (wh as ThreadedPgliteWarehouse).thread : undefined;
}

type KyselyPglite = Exclude<PGliteDialectConfig['pglite'], (...args: never[]) => unknown>;

const toResult = <R>(res: ThreadResult): WarehouseResult<R> => ({ rows: res.rows as R[], fields: res.fields });

export async function openThreadedPgliteWarehouse(opts: ThreadedPgliteOptions = {}): Promise<ThreadedPgliteWarehouse> {
  const temporary = opts.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'maatstaf-pglite-'));
  const dataDir = opts.dataDir ?? temporary!;
  const unlock = opts.dataDir ? lockDataDir(opts.dataDir) : () => {};
  const cleanUp = (): void => {
    unlock();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  };
  const setup: string[] = [];
  if (opts.schema) {
    if (opts.createSchema) setup.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    setup.push(`SET search_path TO ${quoteIdent(opts.schema)}, public`);
  }
  let thread: PgliteThread;
  try {
    thread = await startPgliteThread({
      dataDir,
      setup,
      numberOids: Object.values(NUMERIC_OIDS),
      textOids: Object.values(TIME_OIDS),
      ...(opts.statementTimeoutMs ? { statementTimeoutMs: opts.statementTimeoutMs } : {}),
      ...(opts.onRestart ? { onRestart: opts.onRestart } : {}),
    });
  } catch (e) {
    cleanUp();
    throw e;
  }

  let closed = false;
  const db = new Kysely<unknown>({ dialect: new PGliteDialect({ pglite: kyselyPglite(thread, () => closed) }) });

  return {
    kind: 'pglite',
    db,
    schema: opts.schema,
    thread,
    async query<R>(sql: string, params: readonly unknown[] = [], options: WarehouseQueryOptions = {}): Promise<WarehouseResult<R>> {
      return toResult<R>(await thread.run(sql, params, { signal: options.signal }));
    },
    stream<R>(sql: string, params: readonly unknown[] = [], options: WarehouseStreamOptions = {}) {
      // The cursor lives in one start of the thread: after a restart its FETCH fails as unavailable.
      let generation: number | undefined;
      const run = async (text: string, values: readonly unknown[], signal?: AbortSignal): Promise<WarehouseResult> => {
        const res = await thread.run(text, values, { signal, generation });
        generation = res.generation;
        return toResult(res);
      };
      return streamPglite<R>(run, sql, params, options);
    },
    async ping() {
      if (closed) throw new Error('warehouse closed');
      await thread.ping();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await thread.close();
      } finally {
        cleanUp();
      }
    },
  };
}

/**
 * What Kysely's PGlite dialect needs from a PGlite instance, over the thread: single statements
 * queue like any query; a transaction is a session holding the thread from BEGIN to COMMIT.
 */
function kyselyPglite(thread: PgliteThread, isClosed: () => boolean): KyselyPglite {
  const query = async <T>(run: RunStatement, sql: string, params: readonly unknown[] = []) => {
    const res = await run(sql, params);
    return { rows: res.rows as T[], fields: [...res.fields], ...(res.affectedRows !== undefined ? { affectedRows: res.affectedRows } : {}) };
  };
  const queued: RunStatement = (sql, params, signal) => thread.run(sql, params, { signal });
  return {
    get closed() {
      return isClosed();
    },
    ready: true,
    waitReady: Promise.resolve(),
    // The warehouse's close() ends the thread; Kysely's destroy() has nothing more to do.
    close: async () => {},
    query: <T>(sql: string, params?: unknown[]) => query<T>(queued, sql, params),
    transaction: <T>(callback: (tx: { query: KyselyPglite['query']; rollback(): Promise<void> }) => Promise<T>) =>
      thread.session(async (run) => {
        await run('BEGIN', []);
        let rolledBack = false;
        const tx = {
          query: <Q>(sql: string, params?: unknown[]) => query<Q>(run, sql, params),
          rollback: async () => {
            rolledBack = true;
            await run('ROLLBACK', []);
          },
        };
        try {
          const result = await callback(tx);
          if (!rolledBack) await run('COMMIT', []);
          return result;
        } catch (e) {
          if (!rolledBack) await run('ROLLBACK', []).catch(() => {});
          throw e;
        }
      }),
  };
}
