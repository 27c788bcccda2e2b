/**
 * Cancellation in the speed layer's building blocks: a coalesced flight is aborted only when every
 * waiter has gone, and the limiter drops an aborted waiter from its queue. (The end-to-end path
 * over PostgreSQL is tests/integration/cancel.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../../src/cache/coalesce.js';
import { createLimiter } from '../../../src/cache/warehouse-limiter.js';

/** Work that resolves when released, and rejects like the warehouse does when its signal aborts. */
function controllableWork() {
  const seen: AbortSignal[] = [];
  let release!: (v: string) => void;
  const work = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      seen.push(signal);
      release = resolve;
      signal.addEventListener('abort', () => reject(new Error('cancelled by signal')));
    });
  return { work, seen, release: (v: string) => release(v) };
}

describe('coalescer cancellation', () => {
  it('keeps the shared work running while a follower still waits, and aborts it when the last waiter leaves', async () => {
    const coalescer = createCoalescer<string>();
    const w = controllableWork();
    const a = new AbortController();
    const b = new AbortController();
    const first = coalescer.run('k', w.work, a.signal);
    const second = coalescer.run('k', w.work, b.signal);
    expect(w.seen).toHaveLength(1);

    a.abort();
    await expect(first).rejects.toMatchObject({ code: 'QUERY_CANCELLED', status: 499 });
    expect(w.seen[0]!.aborted).toBe(false);
    expect(coalescer.size).toBe(1);

    b.abort();
    await expect(second).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(w.seen[0]!.aborted).toBe(true);
    // A later identical call starts fresh work instead of joining the cancelled one.
    expect(coalescer.size).toBe(0);
    const third = coalescer.run('k', w.work);
    expect(w.seen).toHaveLength(2);
    w.release('fresh');
    expect(await third).toBe('fresh');
  });

  it('gives the answer to the follower that stayed', async () => {
    const coalescer = createCoalescer<string>();
    const w = controllableWork();
    const leaver = new AbortController();
    const left = coalescer.run('k', w.work, leaver.signal);
    const stayed = coalescer.run('k', w.work, new AbortController().signal);
    leaver.abort();
    await expect(left).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    w.release('answer');
    expect(await stayed).toBe('answer');
  });

  it('never aborts work that a caller without a signal waits for', async () => {
    const coalescer = createCoalescer<string>();
    const w = controllableWork();
    const a = new AbortController();
    const withSignal = coalescer.run('k', w.work, a.signal);
    const without = coalescer.run('k', w.work);
    a.abort();
    await expect(withSignal).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(w.seen[0]!.aborted).toBe(false);
    w.release('kept');
    expect(await without).toBe('kept');
  });

  it('refuses at once when the signal has already fired', async () => {
    const coalescer = createCoalescer<string>();
    const w = controllableWork();
    await expect(coalescer.run('k', w.work, AbortSignal.abort())).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(w.seen).toHaveLength(0);
  });
});

describe('limiter cancellation', () => {
  it('drops an aborted waiter from the queue; the next waiter gets the slot', async () => {
    const limiter = createLimiter({ maxConcurrent: 1, maxQueued: 5 });
    let releaseHolder!: () => void;
    const holder = limiter.run(() => new Promise<string>((r) => (releaseHolder = () => r('held'))));
    const leaving = new AbortController();
    const started: string[] = [];
    const queued = limiter.run(async () => {
      started.push('queued');
      return 'never';
    }, leaving.signal);
    const next = limiter.run(async () => {
      started.push('next');
      return 'next';
    });
    expect(limiter.queued).toBe(2);

    leaving.abort();
    await expect(queued).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(limiter.queued).toBe(1);
    expect(limiter.running).toBe(1);

    releaseHolder();
    expect(await holder).toBe('held');
    expect(await next).toBe('next');
    expect(started).toEqual(['next']);
    expect(limiter.running).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it('refuses work for an already aborted signal without taking a slot', async () => {
    const limiter = createLimiter({ maxConcurrent: 1, maxQueued: 5 });
    await expect(limiter.run(async () => 'x', AbortSignal.abort())).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(limiter.running).toBe(0);
  });

  it('frees the slot when the running work fails because its client left', async () => {
    const limiter = createLimiter({ maxConcurrent: 1, maxQueued: 5 });
    const a = new AbortController();
    const running = limiter.run(
      () => new Promise<string>((_, reject) => a.signal.addEventListener('abort', () => reject(new Error('cancelled')))),
      a.signal,
    );
    expect(limiter.running).toBe(1);
    a.abort();
    await expect(running).rejects.toThrow('cancelled');
    expect(limiter.running).toBe(0);
    expect(await limiter.run(async () => 'after')).toBe('after');
  });
});
