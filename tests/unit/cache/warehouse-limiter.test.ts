import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../../src/cache/coalesce.js';
import { createLimiter } from '../../../src/cache/warehouse-limiter.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('warehouse limiter', () => {
  it('runs at most maxConcurrent at once, queues up to maxQueued, rejects beyond with WAREHOUSE_BUSY', async () => {
    const limiter = createLimiter({ maxConcurrent: 2, maxQueued: 3 });
    const gate = deferred();
    let active = 0;
    let peak = 0;
    const work = async () => {
      active++;
      peak = Math.max(peak, active);
      await gate.promise;
      active--;
      return 'ok';
    };
    const accepted = Array.from({ length: 5 }, () => limiter.run(work));
    await Promise.resolve();
    expect(limiter.running).toBe(2);
    expect(limiter.queued).toBe(3);
    await expect(limiter.run(work)).rejects.toMatchObject({ code: 'WAREHOUSE_BUSY', status: 503 });
    gate.resolve();
    expect(await Promise.all(accepted)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(peak).toBe(2);
    expect(limiter.running).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it('frees the slot when work fails', async () => {
    const limiter = createLimiter({ maxConcurrent: 1, maxQueued: 0 });
    await expect(limiter.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await limiter.run(async () => 1)).toBe(1);
  });
});

describe('coalescer', () => {
  it('shares one in-flight call per key and forgets it when settled', async () => {
    const coalescer = createCoalescer<number>();
    let calls = 0;
    const gate = deferred();
    const work = async () => {
      calls++;
      await gate.promise;
      return calls;
    };
    const all = [coalescer.run('a', work), coalescer.run('a', work), coalescer.run('b', work)];
    expect(coalescer.size).toBe(2);
    gate.resolve();
    expect(await Promise.all(all)).toEqual([2, 2, 2]);
    expect(coalescer.size).toBe(0);
    await coalescer.run('a', work);
    expect(calls).toBe(3);
  });
});
