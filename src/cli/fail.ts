import { isMaatstafError } from '../core/errors.js';

/** Exit codes: 1 runtime failure, 2 bad configuration or usage. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** One clear line on stderr, never a stack trace (unless MAATSTAF_DEBUG is set). */
export function reportAndExit(err: unknown): never {
  if (err instanceof CliExit) {
    process.stderr.write(`maatstaf: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (isMaatstafError(err)) {
    process.stderr.write(`maatstaf: ${err.message}\n`);
    process.exit(err.code === 'INVALID_CONFIG' ? 2 : 1);
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`maatstaf: ${msg}\n`);
  if (process.env.MAATSTAF_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
}
