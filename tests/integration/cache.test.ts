/**
 * The speed layer over a real warehouse (every engine): cache hits, coalescing of concurrent cold
 * queries (counted at the warehouse), reload invalidation and stale-if-error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpeedLayer, DEFAULT_SPEED_LAYER } from '../../src/cache/speed-layer.js';
import type { Engine } from '../../src/engine/types.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { engineFor, openDemoWarehouse } from '../api/helpers/demo-app.js';
import { testServer } from '../helpers/server.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';

/** Counts queries and can be made to fail like a lost connection. */
function countingWarehouse(inner: Warehouse) {
  const state = { queries: 0, down: false };
  const wh: Warehouse = {
    kind: inner.kind,
    db: inner.db,
    schema: inner.schema,
    query: (sql, params) => {
      state.queries++;
      if (state.down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      return inner.query(sql, params);
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { wh, state };
}

const Q = { metrics: ['reports_received'], groupBy: ['report__channel'], orderBy: ['report__channel'] };

describe.each(ENGINES)('speed layer on %s', (engineName) => {
  let seeded: TestWarehouse;
  let counted: ReturnType<typeof countingWarehouse>;
  let raw: Engine;

  beforeAll(async () => {
    seeded = await openDemoWarehouse(engineName);
    counted = countingWarehouse(seeded);
    raw = await engineFor('metrics', counted.wh);
  }, 180_000);
  afterAll(async () => {
    await seeded?.dispose();
  });

  const fresh = (settings = {}) => {
    counted.state.queries = 0;
    counted.state.down = false;
    return createSpeedLayer({ ...DEFAULT_SPEED_LAYER, ...settings });
  };

  it('answers a repeat from memory: miss, then hit with the same rows and no warehouse query', async () => {
    const engine = fresh().wrapEngine(raw);
    const first = await engine.run(Q);
    const second = await engine.run({ ...Q, where: [] });
    expect(first.meta.cache).toBe('miss');
    expect(second.meta.cache).toBe('hit');
    expect(second.rows).toEqual(first.rows);
    expect(first.rows.length).toBeGreaterThan(1);
    expect(second.freshness?.etag).toBe(first.freshness?.etag);
    expect(counted.state.queries).toBe(1);
  });

  it('peek: nothing before the first run, then the same answer as a hit, without a warehouse query', async () => {
    const engine = fresh().wrapEngine(raw);
    expect(engine.peek(Q)).toBeUndefined();
    const first = await engine.run(Q);
    const peeked = engine.peek({ ...Q, where: [] });
    expect(peeked?.meta.cache).toBe('hit');
    expect(peeked?.rows).toEqual(first.rows);
    expect(peeked?.freshness?.etag).toBe(first.freshness?.etag);
    expect(counted.state.queries).toBe(1);
    // Another scope, an invalid query and the cache turned off: no answer, and no throw.
    expect(engine.peek(Q, { scope: 'team-b' })).toBeUndefined();
    expect(engine.peek({ metrics: ['no_such_metric'] })).toBeUndefined();
    expect(fresh({ cacheTtlMs: 0 }).wrapEngine(raw).peek(Q)).toBeUndefined();
  });

  it('peek: no answer while a refresh key is due for a check (run checks it first)', async () => {
    const { createCachedEngine } = await import('../../src/cache/cached-engine.js');
    const { createDataVersion } = await import('../../src/cache/refresh-keys.js');
    let t = 0;
    const dataVersion = createDataVersion({
      warehouse: counted.wh,
      keys: [{ model: 'reports', sql: 'SELECT count(*) AS n FROM public_space_reports' }],
      intervalMs: 1000,
      now: () => t,
    });
    const engine = createCachedEngine(raw, { cache: fresh().cache, dataVersion });
    await engine.run(Q);
    expect(engine.peek(Q)?.meta.cache).toBe('hit');
    t = 5000;
    expect(engine.peek(Q)).toBeUndefined();
    expect((await engine.run(Q)).meta.cache).toBe('hit'); // the data did not change
    expect(engine.peek(Q)?.meta.cache).toBe('hit');
  });

  it('coalesces 200 concurrent identical cold queries into exactly one warehouse query', async () => {
    const engine = fresh().wrapEngine(raw);
    const results = await Promise.all(Array.from({ length: 200 }, () => engine.run({ ...Q, limit: 3 })));
    expect(counted.state.queries).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.rows))).size).toBe(1);
    expect(results[0]!.rows).toHaveLength(3);
    expect(results.every((r) => r.meta.cache === 'miss')).toBe(true);
  });

  it('coalesces without the cache too (cache disabled)', async () => {
    const layer = fresh({ cacheTtlMs: 0 });
    const engine = layer.wrapEngine(raw);
    const results = await Promise.all(Array.from({ length: 50 }, () => engine.run(Q)));
    expect(counted.state.queries).toBe(1);
    expect(results[49]!.rows).toEqual(results[0]!.rows);
    await engine.run(Q);
    expect(counted.state.queries).toBe(2);
  });

  it('never shares answers across access scopes or filters', async () => {
    const layer = fresh();
    const { createCachedEngine } = await import('../../src/cache/cached-engine.js');
    const a = createCachedEngine(raw, { cache: layer.cache, scope: 'team-a' });
    const b = createCachedEngine(raw, { cache: layer.cache, scope: 'team-b' });
    await a.run(Q);
    expect((await b.run(Q)).meta.cache).toBe('miss');
    const filtered = await a.run({ ...Q, where: ["{{ Dimension('report__channel') }} = 'app'"] });
    expect(filtered.meta.cache).toBe('miss');
    expect(filtered.rows).toHaveLength(1);
    expect(counted.state.queries).toBe(3);
  });

  it('a definitions reload (createServer) swaps in a new engine behind the cache and empties it', async () => {
    fresh();
    const server = await testServer(counted.wh, { config: { metricsDir: 'metrics' } });
    try {
      // The cache layer of the engine in service (src/layers/caller-engine.ts puts it first).
      const cached = () => server.state.cache!.wrap(server.state.engine!);
      const before = cached();
      expect(cached()).toBe(before);
      expect((await before.run(Q)).meta.cache).toBe('miss');
      expect((await before.run(Q)).meta.cache).toBe('hit');
      expect(server.speed.cache.stats().entries).toBe(1);
      expect(await server.reload()).toMatchObject({ kind: 'reloaded' });
      expect(server.speed.cache.stats().entries).toBe(0);
      expect(cached()).not.toBe(before);
      expect((await cached().run(Q)).meta.cache).toBe('miss');
      expect((await cached().run(Q)).meta.cache).toBe('hit');
    } finally {
      await server.close();
    }
  });

  it('serves the last good answer marked stale while the warehouse is down, then recovers', async () => {
    const layer = fresh({ cacheTtlMs: 30 });
    const engine = layer.wrapEngine(raw);
    const good = await engine.run(Q);
    await new Promise((r) => setTimeout(r, 60));
    counted.state.down = true;
    const stale = await engine.run(Q);
    expect(stale.meta.cache).toBe('stale');
    expect(stale.rows).toEqual(good.rows);
    expect(stale.freshness?.maxAgeSeconds).toBe(0);
    // A query never answered before has nothing to fall back on.
    await expect(engine.run({ ...Q, limit: 1 })).rejects.toMatchObject({ code: 'WAREHOUSE_UNAVAILABLE' });
    counted.state.down = false;
    expect((await engine.run(Q)).meta.cache).toBe('miss');
  });

  it('does not serve stale answers when stale-if-error is 0', async () => {
    const layer = fresh({ cacheTtlMs: 30, staleIfErrorMs: 0 });
    const engine = layer.wrapEngine(raw);
    await engine.run(Q);
    await new Promise((r) => setTimeout(r, 60));
    counted.state.down = true;
    await expect(engine.run(Q)).rejects.toMatchObject({ code: 'WAREHOUSE_UNAVAILABLE' });
  });
});
