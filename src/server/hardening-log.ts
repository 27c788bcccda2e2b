/**
 * Keeping secrets out of the structured log: pino redaction of credential headers, cookies and
 * URL settings, and a scrub of `scheme://user:password@` in any logged string (a driver's error
 * message may quote its connection URL).
 */
import type { LoggerOptions } from 'pino';

export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'databaseUrl',
  'auditDatabaseUrl',
  'redisUrl',
  'apiKeys',
  '*.databaseUrl',
  '*.auditDatabaseUrl',
  '*.redisUrl',
  '*.apiKeys',
  '*.password',
  '*.token',
  '*.secret',
];

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi;

/** `postgres://user:secret@host` → `postgres://user:***@host`. */
export function scrubSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}

const isPlain = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Strings in plain objects and arrays (a few levels deep) are scrubbed; other objects (requests) are left to their serializers. */
function scrubValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return scrubSecrets(v);
  if (depth <= 4 && Array.isArray(v)) return v.map((x) => scrubValue(x, depth + 1));
  if (depth <= 4 && v !== null && typeof v === 'object' && isPlain(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubValue(x, depth + 1)]));
  }
  if (depth > 0 && v instanceof Error) {
    // A copy that is still an Error (pino's serializer keeps type and stack), with secrets masked.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(v) as object) as Error, v);
    Object.defineProperty(copy, 'message', { value: scrubSecrets(v.message), enumerable: false });
    Object.defineProperty(copy, 'stack', { value: v.stack === undefined ? undefined : scrubSecrets(v.stack), enumerable: false });
    return copy;
  }
  return v;
}

/** pino options that redact and scrub; merge into the logger's options. */
export function secretSafeLogOptions(): Pick<LoggerOptions, 'redact' | 'formatters' | 'hooks'> {
  return {
    redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    formatters: {
      log(object) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(object)) out[k] = scrubValue(v, 1);
        return out;
      },
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  };
}
