/** A query POSTed over a real socket (so a test can also abort it like a closed browser tab). */
export interface PostedQuery {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: { code?: string; rows?: Record<string, unknown>[]; meta?: { cache?: string } };
}

export interface PostOptions {
  readonly signal?: AbortSignal;
  /** Sent as x-request-id: the audit log stores it as the client request id. */
  readonly requestId?: string;
  readonly path?: string;
}

export async function postQuery(base: string, body: unknown, opts: PostOptions = {}): Promise<PostedQuery> {
  const res = await fetch(`${base}${opts.path ?? '/v1/query'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.requestId ? { 'x-request-id': opts.requestId } : {}) },
    body: JSON.stringify(body),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as PostedQuery['body'] };
}
