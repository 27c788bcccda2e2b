/**
 * Server-driven paging. A page is the saved query's answer (with the request's filter and order,
 * completed by every key column so the order is total) from an offset, fetched with `offset` and
 * `limit` in the engine query: the SQL pages unprotected answers, privacy protection pages protected
 * ones after suppression, so pages never see a different answer than the whole would.
 *
 * The skip token carries the position and the key of the page's last row. The next page reads one
 * row more from just before its position and checks that row's key: when the data changed between
 * pages (a row came or went before it), the link answers 410 PAGE_EXPIRED instead of a page that
 * would silently repeat or skip rows. A refreshed result cache with unchanged data pages on unchanged.
 */
import { MaatstafError } from '../../core/errors.js';

export interface SkipToken {
  /** Rows of the answer (after $skip) already sent. */
  readonly sent: number;
  /** Key values of the last row sent. */
  readonly key: readonly unknown[];
}

const expired = (): MaatstafError => new MaatstafError('INVALID_QUERY', '$skiptoken is not a token this service handed out', { name: '$skiptoken', path: '$skiptoken' });

export function encodeSkipToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify([token.sent, token.key])).toString('base64url');
}

export function decodeSkipToken(text: string, keyCount: number): SkipToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw expired();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw expired();
  const [sent, key] = parsed as [unknown, unknown];
  if (typeof sent !== 'number' || !Number.isInteger(sent) || sent < 1 || !Array.isArray(key) || key.length !== keyCount) throw expired();
  return { sent, key };
}

export const keyOf = (row: Readonly<Record<string, unknown>>, keys: readonly string[]): unknown[] => keys.map((k) => row[k] ?? null);

/** True when the row's key is the token's (the data before the page did not move). */
export function sameKey(row: Readonly<Record<string, unknown>> | undefined, keys: readonly string[], key: readonly unknown[]): boolean {
  return row !== undefined && JSON.stringify(keyOf(row, keys)) === JSON.stringify(key);
}

export const pageExpired = (): MaatstafError =>
  new MaatstafError('PAGE_EXPIRED', 'the data changed since the previous page was read; read the feed again from the start', { name: '$skiptoken' });

/** Where a page starts and how many rows it may have. */
export interface PageWindow {
  /** Offset of the page's first row in the (saved-limit-bounded) answer. */
  readonly start: number;
  /** Rows this page may send. */
  readonly size: number;
  /** Whether rows may follow the page (then one more row is read to tell). */
  readonly mayContinue: boolean;
}

/** The window of one page: `$skip`, `$top`, the saved query's own limit, the token and the page size. */
export function pageWindow(o: { skip: number; top?: number | undefined; savedLimit?: number | undefined; token?: SkipToken | undefined; pageSize: number }): PageWindow {
  const start = o.skip + (o.token?.sent ?? 0);
  const end = Math.min(o.savedLimit ?? Infinity, o.top === undefined ? Infinity : o.skip + o.top);
  const left = Math.max(0, end - start);
  const size = Math.min(o.pageSize, left);
  return { start, size, mayContinue: left > size };
}
