/** Small statistics helpers for the benchmark (nearest-rank percentiles). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Timing {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
}

/** Times `fn` `n` times after `warmup` runs; milliseconds. */
export async function time(fn: () => unknown, n: number, warmup = Math.min(200, n)): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { n, p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), mean: samples.reduce((a, b) => a + b, 0) / n };
}

export function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

/** Times two functions alternately (a, b, a, b, …) so drift in machine load affects both equally. */
export async function timePair(a: () => unknown, b: () => unknown, n: number, warmup = 3): Promise<[Timing, Timing]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const [fn, samples] of i % 2 === 0 ? ([[a, sa], [b, sb]] as const) : ([[b, sb], [a, sa]] as const)) {
      const t0 = performance.now();
      await fn();
      samples.push(performance.now() - t0);
    }
  }
  const summarise = (s: number[]): Timing => {
    s.sort((x, y) => x - y);
    return { n, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean: s.reduce((x, y) => x + y, 0) / n };
  };
  return [summarise(sa), summarise(sb)];
}
