/** Runs the real `maatstaf` CLI (TypeScript source through tsx) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = resolve(ROOT, 'src/cli/main.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra };
  for (const k of ['DATABASE_URL', 'PORT', 'HOST', 'MAATSTAF_DATA_DIR', 'MAATSTAF_SCHEMA']) if (!(k in extra)) delete env[k];
  return env;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = cliEnv()): ChildProcess & { output: () => CliRun } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }) });
}

export function runCli(args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<CliRun> {
  const child = startCli(args, env);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`maatstaf ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${child.output().stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Let the pipes drain.
      setImmediate(() => resolvePromise({ ...child.output(), code }));
    });
  });
}

export function waitForExit(child: ChildProcess, timeoutMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('process did not exit')), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise(code);
    });
  });
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls a URL until it answers with `status` (or the deadline passes); returns the last status. */
export async function waitForStatus(url: string, status: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    try {
      last = (await fetch(url)).status;
      if (last === status) return last;
    } catch {
      last = 0;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}
