/**
 * The public API, as every other consumer sees it. An API key (when the user gives one) is kept in
 * sessionStorage only and sent as `Authorization: Bearer`.
 */
const KEY_STORAGE = 'maatstaf.apiKey';

export function getApiKey(): string {
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function setApiKey(key: string): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage blocked: the key lives for this page only.
  }
  cache.clear();
}

/** An RFC 9457 problem from the API, kept whole so the UI can show its words and suggestions. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title?: string;
  readonly detail?: string;
  readonly name?: string;
  readonly path?: string;
  readonly suggestions?: string[];
  readonly available?: string[];
  readonly issues?: { code: string; message: string; name?: string; suggestions?: string[] }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = getApiKey();
  return { accept: 'application/json', ...extra, ...(key ? { authorization: `Bearer ${key}` } : {}) };
}

async function fail(res: Response): Promise<never> {
  let body: Partial<Problem> = {};
  try {
    body = (await res.json()) as Partial<Problem>;
  } catch {
    // Not JSON (proxy error page): fall back to the status.
  }
  throw new ApiError({ ...body, status: res.status, code: body.code ?? (res.status === 0 ? 'NETWORK' : `HTTP_${res.status}`) });
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    // Cancelled by the reader: the server sees the connection close and cancels the query.
    if (init.signal?.aborted) throw new ApiError({ status: 0, code: 'ABORTED' });
    throw new ApiError({ status: 0, code: 'NETWORK', detail: String(err) });
  }
  if (!res.ok) await fail(res);
  return res;
}

const cache = new Map<string, Promise<unknown>>();

/** GET JSON; catalogue answers are cached for the page's life (they change only on reload). */
export function getJson<T>(path: string, { cached = false } = {}): Promise<T> {
  if (cached && cache.has(path)) return cache.get(path) as Promise<T>;
  const p = send(path, { headers: headers() }).then((r) => r.json() as Promise<T>);
  if (cached) {
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  return p;
}

export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const res = await send(path, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body), ...(signal ? { signal } : {}) });
  return (await res.json()) as T;
}

export async function postForText(path: string, body: unknown): Promise<string> {
  const res = await send(path, { method: 'POST', headers: headers({ 'content-type': 'application/json', accept: 'text/csv' }), body: JSON.stringify(body) });
  return res.text();
}
