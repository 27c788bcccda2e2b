/**
 * HTTP load with autocannon from the bench process. Latency percentiles come from every response's
 * own timing (autocannon's histogram rounds to whole milliseconds, too coarse for cache hits).
 */
import autocannon from 'autocannon';
import { percentile } from './stats.js';

/** One request of a sequence each connection sends in turn (a request mix). */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  /** Instead of one request: this sequence, sent in turn by every connection. */
  readonly requests?: readonly LoadRequest[];
  readonly connections: number;
  /** Run for this many seconds … */
  readonly seconds?: number;
  /** … or until this many requests are answered. */
  readonly amount?: number;
  readonly pipelining?: number;
  /** Keep latency samples (off for very long runs). */
  readonly samples?: boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  /** ms */
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

function asAutocannonRequest(r: LoadRequest): autocannon.Request {
  return {
    method: r.method,
    path: r.path,
    headers: { ...r.headers, ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(r.body !== undefined ? { body: r.body } : {}),
  };
}

export async function load(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const options: autocannon.Options = {
    url: spec.url,
    method: spec.method,
    ...(spec.body !== undefined ? { body: spec.body, headers: { 'content-type': 'application/json' } } : {}),
    ...(spec.requests ? { requests: spec.requests.map(asAutocannonRequest) } : {}),
    connections: spec.connections,
    pipelining: spec.pipelining ?? 1,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.seconds ?? 5 }),
    timeout: 30,
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (err, res) => (err ? reject(err as Error) : resolve(res)));
    if (spec.samples ?? true) {
      instance.on('response', (_client, _status, _bytes, ms) => {
        latencies.push(ms);
      });
    }
  });
  latencies.sort((a, b) => a - b);
  const seconds = result.duration;
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / seconds,
    p50: latencies.length ? percentile(latencies, 50) : result.latency.p50,
    p99: latencies.length ? percentile(latencies, 99) : result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
