/**
 * Servers under test run in their own processes, so the load generator (autocannon, in the bench
 * process) and the server do not share an event loop: `maatstaf serve` as shipped, or a bare
 * Fastify route for the baseline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resident set size in bytes (from /proc on Linux, else the server's own process metric). */
  rss(): Promise<number | undefined>;
  /** CPU time (user + system) the process has used so far, seconds; undefined off Linux. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released for the child to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The compiled script next to this file, or the TypeScript source run through tsx. */
function script(relative: string): { readonly file: string; readonly execArgv: readonly string[] } {
  const js = fileURLToPath(new URL(`${relative}.js`, import.meta.url));
  if (existsSync(js)) return { file: js, execArgv: [] };
  return { file: fileURLToPath(new URL(`${relative}.ts`, import.meta.url)), execArgv: ['--import', 'tsx'] };
}

/** Last few KB of a stream, for error messages. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

async function rssOf(pid: number, url: string): Promise<number | undefined> {
  if (process.platform === 'linux') {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) return Number(m[1]) * 1024;
    } catch {
      // fall through to the server's own metric
    }
  }
  const text = await fetch(`${url}/internal/metrics`).then((r) => r.text()).catch(() => '');
  const m = /^maatstaf_process_resident_memory_bytes (\d+)/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** utime + stime from /proc/<pid>/stat (clock ticks, assumed 100 per second as on Linux). */
function cpuOf(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state = field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Node flags of `maatstaf serve` as shipped (package.json `start`, Dockerfile). */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=16'] as const;

async function start(
  name: string,
  relative: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  readyPath: string,
  nodeFlags: readonly string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const { file, execArgv } = script(relative);
  const child = spawn(process.execPath, [...nodeFlags, ...execArgv, file, ...args], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const url = `http://127.0.0.1:${port}`;
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const stop = async () => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 12_000);
    await exit;
    clearTimeout(force);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`${name} exited (code ${exited}) before it was ready:\n${output()}`);
    const ok = await fetch(url + readyPath).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready after 90 s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid!, rss: () => rssOf(child.pid!, url), cpuSeconds: () => cpuOf(child.pid!), stop };
}

export interface MaatstafServerOptions {
  /** PostgreSQL; absent → the embedded warehouse in `dataDir` (migrated and seeded on first start). */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly schema?: string;
  readonly metricsDir: string;
  /** Extra settings (MAATSTAF_CACHE_TTL_MS, REDIS_URL, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** The rate limit at its default (true) or off (default: off, for sections that are not about it). */
  readonly rateLimit?: boolean;
}

/** `maatstaf serve` on a free port, logging warnings only. */
export function startMaatstaf(opts: MaatstafServerOptions): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Only what this run asks for: no inherited Redis or cache settings.
  for (const key of Object.keys(env)) if (key === 'REDIS_URL' || key.startsWith('MAATSTAF_')) delete env[key];
  delete env.DATABASE_URL;
  Object.assign(env, {
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...(opts.dataDir ? { MAATSTAF_DATA_DIR: opts.dataDir } : {}),
    ...(opts.schema ? { MAATSTAF_SCHEMA: opts.schema } : {}),
    MAATSTAF_METRICS_DIR: opts.metricsDir,
    LOG_LEVEL: 'warn',
    ...opts.env,
  });
  // Off unless asked for: where every request comes from one anonymous client on 127.0.0.1 it
  // would measure 429s, not the server.
  if (opts.rateLimit !== true) env.MAATSTAF_RATE_LIMIT_MAX = '0';
  // With the Node flags `npm start` and the Docker image use (young generation capped: bounded memory).
  return start('maatstaf serve', '../cli/main', env, ['serve'], '/readyz', SERVE_NODE_FLAGS);
}

/** The baseline: a bare Fastify route answering GET and POST /v1/query as `planFile` says (bare-server.ts). */
export function startBareRoute(planFile: string): Promise<ServerProcess> {
  // The same Node flags as maatstaf: the two differ only in what the route does.
  return start('bare Fastify route', './bare-server', { ...process.env, BARE_PLAN_FILE: planFile }, [], '/readyz', SERVE_NODE_FLAGS);
}
