/**
 * The host side of the embedded warehouse's own thread (pglite-worker.ts): starts it, hands it
 * one statement at a time, and restarts it when it has to.
 *
 * - Queue: PGlite has one connection, so one statement runs at a time; the others wait in FIFO
 *   order (arrival order, every caller alike: the concurrency limiter in front of the warehouse
 *   already bounds how many wait, src/cache/warehouse-limiter.ts). A session (a Kysely
 *   transaction: migrations, the audit prune) holds the thread from BEGIN to COMMIT, so no other
 *   statement lands inside its transaction.
 * - Statement timeout: PGlite ignores `statement_timeout` (no timer signals in WASM), so the host
 *   times each statement from the moment the thread receives it (not while it queues). Past the
 *   timeout the caller gets STATEMENT_TIMEOUT (504) at once, and the thread is terminated and
 *   started again: terminating is the only way to stop a running WASM statement.
 * - Cancellation: an aborted signal removes a queued statement from the queue, and terminates and
 *   restarts the thread when its statement is running (QUERY_CANCELLED).
 * - Crash: a thread that exits on its own fails its statement with WAREHOUSE_UNAVAILABLE (503,
 *   Retry-After) and is started again; queued statements wait for the new thread. When a start
 *   fails, queued and new statements fail fast with WAREHOUSE_UNAVAILABLE while starts are retried
 *   (1 s, doubling up to 30 s).
 * - No data loss: the data folder is always on disk and every committed write is in PostgreSQL's
 *   WAL there before its statement answers; a new thread reopens the folder (crash recovery) and
 *   finds every committed row. A terminated statement's own transaction is rolled back.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { queryCancelledError } from '../core/cancellation.js';
import { MaatstafError } from '../core/errors.js';
import type { PgliteThreadData, ThreadError, ThreadEvent, ThreadReply, WasmModule } from './pglite-worker.js';
import type { WarehouseField } from './warehouse.js';

export interface PgliteThreadOptions extends PgliteThreadData {
  /** Milliseconds one statement may run in the thread; 0 or absent = no limit. */
  readonly statementTimeoutMs?: number;
  /** Called when the thread is restarted, with the reason (logs, metrics). */
  readonly onRestart?: (reason: RestartReason) => void;
}

export type RestartReason = 'timeout' | 'cancelled' | 'crash' | 'retry';

export interface ThreadResult {
  readonly rows: unknown[];
  readonly fields: readonly WarehouseField[];
  readonly affectedRows?: number;
  /** Which start of the thread answered (server-side cursors live only as long as it). */
  readonly generation: number;
}

export type RunStatement = (sql: string, params: readonly unknown[], signal?: AbortSignal) => Promise<ThreadResult>;

export interface RunOptions {
  readonly signal?: AbortSignal | undefined;
  /** Fail with WAREHOUSE_UNAVAILABLE unless the thread is still this start (a cursor's FETCH). */
  readonly generation?: number | undefined;
}

export interface PgliteThread {
  /** Runs one statement when its turn comes. */
  run(sql: string, params: readonly unknown[], options?: RunOptions): Promise<ThreadResult>;
  /** Runs `work` holding the thread: its statements go straight in, nothing else runs meanwhile. */
  session<T>(work: (run: RunStatement) => Promise<T>): Promise<T>;
  /** Resolves when the thread is up: at once while it is answering a statement, else after `select 1`. */
  ping(): Promise<void>;
  /** Terminates the thread as a crash would (chaos tests, drills): it is restarted like after one. */
  kill(): Promise<void>;
  readonly stats: { readonly restarts: number; readonly busy: boolean; readonly queued: number; readonly generation: number };
  /** Lets the running statement finish (up to 5 s), closes PGlite cleanly and ends the thread. */
  close(): Promise<void>;
}

interface Job {
  begin(): void;
  fail(e: unknown): void;
}

interface Inflight {
  readonly id: number;
  resolve(reply: ThreadReply & { ok: true }): void;
  reject(e: unknown): void;
}

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;
const CLOSE_WAIT_MS = 5000;

/** The compiled thread entry next to this module, else its source (tests run from source). */
function threadEntry(): URL {
  const compiled = new URL('./pglite-worker.js', import.meta.url);
  return existsSync(compiled) ? compiled : new URL('./pglite-worker.ts', import.meta.url);
}

/** The WebAssembly global (typed here: the project's lib settings do not declare it). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;
let compiledWasm: Promise<WasmModule | undefined> | undefined;

/** PGlite's WASM compiled once per process and handed to every thread start; undefined → each compiles its own. */
function pgliteWasm(): Promise<WasmModule | undefined> {
  compiledWasm ??= readFile(new URL('pglite.wasm', import.meta.resolve('@electric-sql/pglite')))
    .then((bytes) => wasm.compile(bytes))
    .catch(() => undefined);
  return compiledWasm;
}

export const unavailableError = (why: string): MaatstafError =>
  new MaatstafError('WAREHOUSE_UNAVAILABLE', `the embedded warehouse is unavailable (${why}); try again shortly`);

const timeoutError = (): MaatstafError => new MaatstafError('STATEMENT_TIMEOUT', 'the warehouse did not answer within the statement timeout');

/** A PostgreSQL error as the in-thread PGlite throws it: message plus code, severity, detail, hint. */
function threadError(e: ThreadError): Error {
  const { message, ...fields } = e;
  return Object.assign(new Error(message), fields);
}

/** Starts the thread; resolves once PGlite has opened the folder, rejects when it cannot. */
export async function startPgliteThread(opts: PgliteThreadOptions): Promise<PgliteThread> {
  const { statementTimeoutMs = 0, onRestart, ...given } = opts;
  const entry = threadEntry();
  const data: PgliteThreadData = { ...given, wasmModule: given.wasmModule ?? (await pgliteWasm()) };
  let worker: Worker | undefined;
  let state: 'starting' | 'ready' | 'down' | 'closed' = 'starting';
  let generation = 0;
  let restarts = 0;
  let sequence = 0;
  let busy = false;
  let inflight: Inflight | undefined;
  const queue: Job[] = [];
  let retryMs = RETRY_FIRST_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let firstStart: { resolve(): void; reject(e: Error): void } | undefined;
  const idleWaiters: (() => void)[] = [];

  const pump = (): void => {
    while (!busy && state === 'ready' && queue.length > 0) {
      busy = true;
      queue.shift()!.begin();
    }
    if (!busy) for (const wake of idleWaiters.splice(0)) wake();
  };
  const release = (): void => {
    busy = false;
    pump();
  };

  const start = (): void => {
    state = 'starting';
    generation++;
    const w = new Worker(entry, { workerData: data });
    worker = w;
    w.on('message', (msg: ThreadReply | ThreadEvent) => onMessage(w, msg));
    // An uncaught error in the thread is followed by 'exit', handled there.
    w.on('error', () => {});
    w.on('exit', () => onExit(w));
  };

  const onMessage = (w: Worker, msg: ThreadReply | ThreadEvent): void => {
    if (w !== worker) return;
    if ('type' in msg) {
      if (msg.type === 'ready') {
        state = 'ready';
        retryMs = RETRY_FIRST_MS;
        firstStart?.resolve();
        firstStart = undefined;
        pump();
      } else if (msg.type === 'failed') {
        void startFailed(w, msg.message);
      }
      return;
    }
    if (!inflight || inflight.id !== msg.id) return;
    if (msg.ok) inflight.resolve(msg);
    else inflight.reject(threadError(msg.error));
  };

  const onExit = (w: Worker): void => {
    // Threads the host ended itself were replaced (or closed) before they exited.
    if (w !== worker || state === 'closed') return;
    if (state === 'starting') {
      void startFailed(w, 'the thread stopped while starting');
      return;
    }
    inflight?.reject(unavailableError('its thread stopped while answering; it restarts'));
    void restart('crash');
  };

  const startFailed = async (w: Worker, message: string): Promise<void> => {
    worker = undefined;
    await w.terminate();
    if (firstStart) {
      firstStart.reject(new Error(`the embedded warehouse did not start: ${message}`));
      firstStart = undefined;
      state = 'closed';
      return;
    }
    if (state === 'closed') return;
    state = 'down';
    for (const job of queue.splice(0)) job.fail(unavailableError('it did not restart'));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (state !== 'down') return;
      restarts++;
      onRestart?.('retry');
      start();
    }, retryMs);
    // A server keeps the process alive by itself; a closed-down CLI must not wait for this.
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  /** Ends the current thread (the caller already settled its statement) and starts a new one. */
  const restart = async (reason: RestartReason): Promise<void> => {
    const old = worker;
    worker = undefined;
    state = 'starting';
    restarts++;
    onRestart?.(reason);
    // The old thread must be gone before a new one opens the same folder.
    await old?.terminate();
    if (state === 'starting' && worker === undefined) start();
  };

  const dispatch = (sql: string, params: readonly unknown[], signal?: AbortSignal): Promise<ThreadResult> => {
    const w = worker;
    if (state !== 'ready' || !w) return Promise.reject(unavailableError('it is restarting'));
    if (signal?.aborted) return Promise.reject(queryCancelledError());
    const ranIn = generation;
    return new Promise<ThreadResult>((resolve, reject) => {
      const id = ++sequence;
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        inflight = undefined;
      };
      // Terminating is the only way to stop a running WASM statement.
      const stop = (e: MaatstafError, reason: RestartReason): void => {
        if (inflight?.id !== id) return;
        settle();
        reject(e);
        void restart(reason);
      };
      const onAbort = (): void => stop(queryCancelledError(), 'cancelled');
      const timer = statementTimeoutMs > 0 ? setTimeout(() => stop(timeoutError(), 'timeout'), statementTimeoutMs) : undefined;
      inflight = {
        id,
        resolve: (reply) => {
          settle();
          resolve({ rows: reply.rows, fields: reply.fields, generation: ranIn, ...(reply.affectedRows !== undefined ? { affectedRows: reply.affectedRows } : {}) });
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        w.postMessage({ id, sql, params });
      } catch (e) {
        // A parameter that cannot cross threads (a function, a symbol): the statement never ran.
        inflight.reject(e);
      }
    });
  };

  const enqueue = (job: Job): void => {
    if (state === 'closed') return job.fail(unavailableError('it is closed'));
    if (state === 'down') return job.fail(unavailableError('it did not restart'));
    queue.push(job);
    pump();
  };

  const run = (sql: string, params: readonly unknown[], options: RunOptions = {}): Promise<ThreadResult> => {
    const { signal, generation: expected } = options;
    if (signal?.aborted) return Promise.reject(queryCancelledError());
    return new Promise<ThreadResult>((resolve, reject) => {
      const onAbort = (): void => {
        const at = queue.indexOf(job);
        if (at < 0) return;
        queue.splice(at, 1);
        reject(queryCancelledError());
      };
      const job: Job = {
        begin: () => {
          signal?.removeEventListener('abort', onAbort);
          const ran = expected !== undefined && expected !== generation ? Promise.reject(unavailableError('it restarted')) : dispatch(sql, params, signal);
          ran.then(resolve, reject).finally(release);
        },
        fail: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      enqueue(job);
    });
  };

  const session = <T>(work: (run: RunStatement) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      enqueue({
        begin: () => {
          const own = generation;
          // After a restart the session's transaction is gone: its later statements must not run outside it.
          const runInSession: RunStatement = (sql, params, signal) => (own === generation ? dispatch(sql, params, signal) : Promise.reject(unavailableError('it restarted')));
          work(runInSession).then(resolve, reject).finally(release);
        },
        fail: reject,
      });
    });

  const whenIdle = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!busy) return resolve();
      const timer = setTimeout(resolve, ms);
      idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  await new Promise<void>((resolve, reject) => {
    firstStart = { resolve, reject };
    start();
  });

  return {
    run,
    session,
    async ping() {
      if (state === 'ready' && busy) return;
      await run('select 1', []);
    },
    async kill() {
      await worker?.terminate();
    },
    get stats() {
      return { restarts, busy, queued: queue.length, generation };
    },
    async close() {
      if (state === 'closed') return;
      clearTimeout(retryTimer);
      for (const job of queue.splice(0)) job.fail(unavailableError('it is closed'));
      await whenIdle(CLOSE_WAIT_MS);
      const wasReady = state === 'ready';
      state = 'closed';
      inflight?.reject(unavailableError('it is closed'));
      const w = worker;
      worker = undefined;
      if (!w) return;
      if (wasReady) {
        // A clean close writes a checkpoint; a thread that does not answer is ended anyway.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CLOSE_WAIT_MS);
          w.on('message', (msg: ThreadEvent) => {
            if ('type' in msg && msg.type === 'closed') {
              clearTimeout(timer);
              resolve();
            }
          });
          w.postMessage({ type: 'close' });
        });
      }
      await w.terminate();
    },
  };
}
