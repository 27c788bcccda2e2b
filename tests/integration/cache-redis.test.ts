/**
 * The Redis tier on a real Redis (REDIS_URL_TEST, e.g. redis://127.0.0.1:6379/15; own key prefix,
 * removed afterwards): replicas share answers, and a Redis that goes away costs nothing but the
 * sharing — queries keep being answered, one warning is logged, and sharing resumes by itself.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisTier, type SharedTier } from '../../src/cache/shared-tier.js';
import { createSpeedLayer, DEFAULT_SPEED_LAYER } from '../../src/cache/speed-layer.js';
import type { Engine } from '../../src/engine/types.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { engineFor, openDemoWarehouse } from '../api/helpers/demo-app.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import type { TestWarehouse } from '../helpers/warehouses.js';

const REDIS_URL = process.env.REDIS_URL_TEST;
const Q = { metrics: ['reports_received'], groupBy: ['report__channel'], orderBy: ['report__channel'] };
const until = async (cond: () => boolean | Promise<boolean>, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe.skipIf(!REDIS_URL)('Redis shared cache tier', () => {
  const prefix = `maatstaf-test:${randomBytes(4).toString('hex')}:`;
  let seeded: TestWarehouse;
  let raw: Engine;
  let queries = 0;
  let admin: Redis;
  let proxy: TcpProxy;
  const tiers: SharedTier[] = [];
  const warnings: string[] = [];
  const log = { warn: (_o: object, msg: string) => void warnings.push(msg), info: () => {} };

  beforeAll(async () => {
    seeded = await openDemoWarehouse('pglite');
    const counted: Warehouse = { ...seeded, kind: seeded.kind, db: seeded.db, schema: seeded.schema, ping: () => seeded.ping(), close: async () => {}, query: (sql, params) => (queries++, seeded.query(sql, params)) };
    raw = await engineFor('metrics', counted);
    admin = new Redis(REDIS_URL!);
    const url = new URL(REDIS_URL!);
    proxy = await startTcpProxy(url.hostname, Number(url.port || 6379));
  }, 180_000);

  afterAll(async () => {
    for (const t of tiers) await t.close();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
    await proxy?.close();
    await seeded?.dispose();
  });

  const replica = (url = REDIS_URL!) => {
    const tier = createRedisTier({ url, prefix, keepMs: 60_000, log });
    tiers.push(tier);
    return { tier, engine: createSpeedLayer(DEFAULT_SPEED_LAYER, {}, tier).wrapEngine(raw) };
  };

  it('lets a second replica answer from Redis without a warehouse query', async () => {
    const a = replica();
    const b = replica();
    await until(async () => (await admin.ping()) === 'PONG');
    await new Promise((r) => setTimeout(r, 100)); // both clients connected
    queries = 0;
    const first = await a.engine.run(Q);
    expect(first.meta.cache).toBe('miss');
    await until(async () => (await admin.keys(`${prefix}*`)).length === 1);
    const second = await b.engine.run(Q);
    expect(second.meta.cache).toBe('hit');
    expect(second.rows).toEqual(first.rows);
    expect(second.freshness?.etag).toBe(first.freshness?.etag);
    expect(queries).toBe(1);
    expect(await admin.pttl((await admin.keys(`${prefix}*`))[0]!)).toBeGreaterThan(50_000);
  });

  it('keeps answering while Redis is away, warns once, and shares again when it is back', async () => {
    const url = new URL(REDIS_URL!);
    url.host = `127.0.0.1:${proxy.port}`;
    const viaProxy = replica(url.toString());
    await new Promise((r) => setTimeout(r, 200));
    warnings.length = 0;
    await proxy.cut();
    const q = { ...Q, limit: 2 };
    const down = await viaProxy.engine.run(q);
    expect(down.meta.cache).toBe('miss');
    expect(down.rows).toHaveLength(2);
    expect((await viaProxy.engine.run({ ...Q, limit: 3 })).rows).toHaveLength(3);
    await until(() => warnings.length > 0);
    expect(warnings).toHaveLength(1);
    expect(await admin.keys(`${prefix}*`)).toHaveLength(1);

    await proxy.restore();
    // ioredis reconnects by itself; then answers are shared again.
    let limit = 10;
    await until(async () => {
      const r = await viaProxy.engine.run({ ...Q, limit: limit++ });
      expect(r.meta.cache).toBe('miss');
      return (await admin.keys(`${prefix}*`)).length > 1;
    }, 10_000);
    expect(warnings).toHaveLength(1);
  });
});
