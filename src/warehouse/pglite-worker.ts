/**
 * The thread the embedded PGlite warehouse runs in (started by pglite-thread.ts). PGlite is WASM
 * running synchronously: a long statement blocks whatever thread it runs on, so it runs here
 * instead of on the HTTP server's event loop, and the host can end it by terminating this thread.
 *
 * Self-contained on purpose (only the PGlite package and node built-ins): this file is started as
 * a thread entry point, both compiled (dist/…/pglite-worker.js) and from source under the test
 * runner (Node strips the types of pglite-worker.ts), where imports of sibling modules would not
 * resolve. Everything it needs (the data folder, set-up statements, type parsers) comes in
 * `workerData`. Erasable TypeScript syntax only.
 *
 * Protocol: after start the thread posts `{ type: 'ready' }` or `{ type: 'failed', message }`;
 * then it answers each `{ id, sql, params }` with `{ id, ok: true, rows, fields, affectedRows }`
 * or `{ id, ok: false, error }`, one at a time, and `{ type: 'close' }` with `{ type: 'closed' }`.
 */
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';

/** A compiled WebAssembly module (named through PGlite's types: the project's lib settings have no WebAssembly). */
export type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

export interface PgliteThreadData {
  /** Folder for the data files (always on disk, so a restarted thread finds every committed write). */
  readonly dataDir: string;
  /** Run once after every start: CREATE SCHEMA, SET search_path. */
  readonly setup: readonly string[];
  /** Type OIDs whose text is returned as a JS number. */
  readonly numberOids: readonly number[];
  /** Type OIDs whose text is returned as is. */
  readonly textOids: readonly number[];
  /** PGlite's WASM, compiled once by the host: a restart then skips compiling 9 MB again. */
  readonly wasmModule?: WasmModule | undefined;
}

export interface ThreadRequest {
  readonly id: number;
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A PostgreSQL error's fields that cross the thread boundary (no SQL text is added here). */
export interface ThreadError {
  readonly message: string;
  readonly code?: string;
  readonly severity?: string;
  readonly detail?: string;
  readonly hint?: string;
}

export type ThreadReply =
  | { readonly id: number; readonly ok: true; readonly rows: unknown[]; readonly fields: { name: string; dataTypeID: number }[]; readonly affectedRows?: number }
  | { readonly id: number; readonly ok: false; readonly error: ThreadError };

export type ThreadEvent = { readonly type: 'ready' } | { readonly type: 'failed'; readonly message: string } | { readonly type: 'closed' };

function errorFields(e: unknown): ThreadError {
  const err = e as Partial<ThreadError> | undefined;
  const out: Record<string, string> = { message: typeof err?.message === 'string' ? err.message : String(e) };
  for (const key of ['code', 'severity', 'detail', 'hint'] as const) if (typeof err?.[key] === 'string') out[key] = err[key];
  return out as unknown as ThreadError;
}

async function main(port: NonNullable<typeof parentPort>, data: PgliteThreadData): Promise<void> {
  const parsers: Record<number, (text: string) => unknown> = {};
  for (const oid of data.numberOids) parsers[oid] = Number;
  for (const oid of data.textOids) parsers[oid] = (text: string) => text;
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir: data.dataDir, parsers, ...(data.wasmModule ? { pgliteWasmModule: data.wasmModule } : {}) });
    for (const statement of data.setup) await db.exec(statement);
  } catch (e) {
    port.postMessage({ type: 'failed', message: errorFields(e).message } satisfies ThreadEvent);
    return;
  }
  // One message at a time, in arrival order (the host sends the next only after this reply).
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: ThreadRequest | { type: 'close' }) => {
    chain = chain.then(async () => {
      if ('type' in msg) {
        await db.close().catch(() => {});
        port.postMessage({ type: 'closed' } satisfies ThreadEvent);
        return;
      }
      try {
        const res = await db.query(msg.sql, msg.params as unknown[], { rowMode: 'object' });
        const fields = res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
        port.postMessage({ id: msg.id, ok: true, rows: res.rows, fields, ...(res.affectedRows !== undefined ? { affectedRows: res.affectedRows } : {}) } satisfies ThreadReply);
      } catch (e) {
        port.postMessage({ id: msg.id, ok: false, error: errorFields(e) } satisfies ThreadReply);
      }
    });
  });
  port.postMessage({ type: 'ready' } satisfies ThreadEvent);
}

if (parentPort) void main(parentPort, workerData as PgliteThreadData);
