import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import type { ServerState } from '../../src/http/state.js';
import { openWarehouse } from '../../src/warehouse/open.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

describe('server health and error shape', () => {
  let wh: Warehouse;
  let state: ServerState;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    wh = await openWarehouse({});
    state = { warehouse: wh, engine: undefined, definitionsError: "metrics/x.yaml:3 metrics[0].type_params.measure: unknown measure 'a'" };
    app = await buildApp({ state, logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await wh.close();
  });

  it('answers /healthz always', async () => {
    const res = await supertest(app.server).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never takes a caller-supplied request id as its own', async () => {
    const res = await supertest(app.server).get('/healthz').set('x-request-id', 'abc-123');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is not ready while definitions do not load, and says why', async () => {
    const res = await supertest(app.server).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toEqual({ status: 'not_ready', reasons: [`definitions not loaded: ${state.definitionsError}`] });
  });

  it('answers unknown routes with problem+json', async () => {
    const res = await supertest(app.server).get('/nope?x=1');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'no route GET /nope' });
  });

  it('is not ready when the warehouse is gone', async () => {
    const other = await openWarehouse({});
    const s: ServerState = { warehouse: other, engine: undefined, definitionsError: 'x' };
    const a = await buildApp({ state: s, logger: false });
    await a.ready();
    await other.close();
    const res = await supertest(a.server).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.reasons).toContain('warehouse unreachable');
    await a.close();
  });
});
