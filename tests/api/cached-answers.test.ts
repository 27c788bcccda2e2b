/**
 * Cached answers under the whole stack `maatstaf serve` wires: access policy, per-query limits,
 * audit log and the result cache. A fresh cached answer is sent on a short path (Engine.peek)
 * that skips the promise chain; these tests check that this path still gives the hand-written
 * numbers, still records every audited query with its own request id, still refuses callers
 * who may not see the answer, and still applies the row limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, generateApiKey, hashApiKey } from '../../src/access/authn/index.js';
import { loadAccessPolicy } from '../../src/access/load-policy.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { openTestAuditLog, type TestAuditLog } from './helpers/audit-log.js';
import { DEMO_METRICS_DIR, engineFor, openDemoWarehouse, type TestApp } from './helpers/demo-app.js';
import { speedApp } from './helpers/speed-app.js';

const KEY = generateApiKey();
const PERSONAL = 'benefit_cases_started';
const INTERNAL = 'reporting_residents';

describe.each(ENGINES)('cached answers with access, limits and audit on %s', (engineName) => {
  let wh: TestWarehouse;
  let log: TestAuditLog;
  let t: TestApp;
  const asTeam = (id: string) => ({ 'x-api-key': KEY, 'x-request-id': id });

  const auditRowsByClientId = async (ids: readonly string[]) => {
    await log.audit.flush();
    return log.rowsByClientId(ids);
  };

  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    log = await openTestAuditLog(wh, engineName, 'cached_audit');
    const { audit } = log;
    const { policy } = await loadAccessPolicy(`${DEMO_METRICS_DIR}/access.yml`, (await engineFor(DEMO_METRICS_DIR, wh)).graph);
    const authn = createAuthenticator({ apiKeys: [{ name: 'team-inkomen', hash: hashApiKey(KEY), roles: ['serviceplein'] }] });
    t = await speedApp(wh, {}, { state: { access: policy, audit, queryLimits: { maxMetrics: 20, maxGroupBy: 10, maxRows: 20 } }, authn });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await log?.close();
    await wh?.dispose();
  });

  it('a public KPI: the hand-written numbers on miss and hits (GET and POST share them), no audit entries', async () => {
    const { rows: expected } = await wh.query<{ report__channel: string; reports_received: number }>(
      'SELECT channel AS report__channel, count(*)::int AS reports_received FROM public_space_reports GROUP BY channel ORDER BY channel',
    );
    const ids = [`pub1-${engineName}`, `pub2-${engineName}`, `pub3-${engineName}`];
    const first = await t.http().post('/v1/query').set(asTeam(ids[0]!)).send({ metrics: ['reports_received'], groupBy: ['report__channel'], orderBy: ['report__channel'] });
    const second = await t.http().get('/v1/query?metrics=reports_received&groupBy=report__channel&orderBy=report__channel').set(asTeam(ids[1]!));
    const third = await t.http().get('/v1/query?metrics=reports_received&groupBy=report__channel&orderBy=report__channel').set(asTeam(ids[2]!));
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect([first.body.meta.cache, second.body.meta.cache, third.body.meta.cache]).toEqual(['miss', 'hit', 'hit']);
    for (const res of [first, second, third]) {
      expect(res.body.rows).toEqual(expected);
      // The server's own id, never the client's.
      expect(res.body.meta.queryId).toBe(res.headers['x-request-id']);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(await auditRowsByClientId(ids)).toEqual([]);
  });

  it('an internal KPI: every cached answer is still recorded, each with its own request id', async () => {
    const ids = [`int1-${engineName}`, `int2-${engineName}`, `int3-${engineName}`];
    const answers = [];
    for (const id of ids) answers.push(await t.http().post('/v1/query').set(asTeam(id)).send({ metrics: [INTERNAL], groupBy: ['metric_time__year'] }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body.meta.cache)).toEqual(['miss', 'hit', 'hit']);
    expect(answers[2]!.body.rows).toEqual(answers[0]!.body.rows);
    const rows = await auditRowsByClientId(ids);
    expect(rows.map((r) => r.client_request_id)).toEqual([...ids].sort());
    expect(rows.map((r) => r.request_id).sort()).toEqual(answers.map((a) => a.headers['x-request-id'] as string).sort());
    for (const r of rows) expect(r).toMatchObject({ outcome: 'ok', caller_id: 'team-inkomen', interface: 'rest', row_count: answers[0]!.body.rows.length });
  });

  it('personal data: cached for the team, refused (and recorded as denied) for an anonymous caller every time', async () => {
    const body = { metrics: [PERSONAL], groupBy: ['metric_time__year'] };
    const team = [await t.http().post('/v1/query').set(asTeam(`per1-${engineName}`)).send(body), await t.http().post('/v1/query').set(asTeam(`per2-${engineName}`)).send(body)];
    expect(team.map((r) => r.body.meta?.cache)).toEqual(['miss', 'hit']);
    const ids = [`anon1-${engineName}`, `anon2-${engineName}`];
    for (const id of ids) {
      const res = await t.http().post('/v1/query').set('x-request-id', id).send(body);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
      expect(JSON.stringify(res.body)).not.toContain('rows');
    }
    expect((await auditRowsByClientId(ids)).map((r) => [r.client_request_id, r.outcome, r.caller_id])).toEqual(ids.map((id) => [id, 'denied', 'anonymous']));
    expect((await auditRowsByClientId([`per1-${engineName}`, `per2-${engineName}`])).map((r) => r.outcome)).toEqual(['ok', 'ok']);
  });

  /** The cache's outcome counters from /internal/metrics. */
  const outcomes = async () => {
    const text = (await t.http().get('/internal/metrics')).text;
    const count = (o: string) => Number(new RegExp(`maatstaf_cache_requests_total\\{outcome="${o}"\\} (\\d+)`).exec(text)?.[1]);
    return { hit: count('hit'), miss: count('miss') };
  };

  it('an answer over the row limit is refused on every repeat, although the cache holds it (each counted once)', async () => {
    const url = '/v1/query?metrics=reports_received&groupBy=metric_time__month';
    const before = await outcomes();
    for (let i = 0; i < 3; i++) {
      const res = await t.http().get(url);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', name: 'limit' });
    }
    const after = await outcomes();
    expect([after.miss - before.miss, after.hit - before.hit]).toEqual([1, 2]);
    const fits = await t.http().get(`${url}&limit=20`);
    expect(fits.status).toBe(200);
    expect(fits.body.rows).toHaveLength(20);
  });

  /** A series' count in the request latency metric. */
  const countOf = async (series: string) =>
    Number(new RegExp(`${series.replace(/[{}"/]/g, (c) => `\\${c}`)} (\\d+)`).exec((await t.http().get('/internal/metrics')).text)?.[1] ?? 0);

  it('counts every cached answer, sent in parts, in the latency metric, with Content-Length the bytes sent', async () => {
    const series = 'maatstaf_http_request_duration_seconds_count{route="/v1/query",method="GET",status="200"}';
    const url = '/v1/query?metrics=reports_received&groupBy=report__channel';
    await t.http().get(url).expect(200);
    const before = await countOf(series);
    for (let i = 0; i < 3; i++) {
      const res = await t.http().get(url).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(res.status).toBe(200);
      const bytes = res.body as Buffer;
      expect(Number(res.headers['content-length'])).toBe(bytes.length);
      expect(JSON.parse(bytes.toString()).meta).toMatchObject({ cache: 'hit', queryId: res.headers['x-request-id'] });
    }
    expect(await countOf(series)).toBe(before + 3);
    const head = await t.http().head(url);
    expect(head.status).toBe(200);
    expect(head.text ?? '').toBe('');
  });

  it('labels a file route that hands over to the not-found handler as unmatched in the latency metric', async () => {
    const series = 'maatstaf_http_request_duration_seconds_count{route="unmatched",method="GET",status="404"}';
    const before = await countOf(series);
    const res = await t.http().get('/docs/static/no-such-file.js');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(await countOf(series)).toBe(before + 1);
  });
});
