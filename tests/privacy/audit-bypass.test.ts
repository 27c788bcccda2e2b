/**
 * Issue 17, reproduction 4 ("audit bypass by spelling"), each as it was reported, on the embedded
 * demo with the `demo-council` key: every one answered personal data without an audit entry (and so
 * also bypassed "fail closed when the audit store is down"). Now each writes exactly one entry, and
 * each is refused with 503 AUDIT_UNAVAILABLE while the store is down.
 */
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/warehouses.js';
import { openAuditedDemo, type AuditedDemo } from './helpers/audited-demo.js';

const COUNCIL = { 'x-api-key': 'demo-council' };

interface Repro {
  readonly what: string;
  send(demo: AuditedDemo): Promise<Response>;
  /** Personal rows in the answer. */
  rows(res: Response): number;
  code(res: Response): unknown;
}

const restRows = (res: Response) => (res.body as { rows?: unknown[] }).rows?.length ?? 0;
const restCode = (res: Response) => (res.body as { code?: string }).code;
const gqlCode = (res: Response) => (res.body as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;

const REPROS: Repro[] = [
  {
    what: 'POST /v1/query {"metrics":["BENEFIT_CASES_STARTED"]}',
    send: (d) => d.http().post('/v1/query').set(COUNCIL).send({ metrics: ['BENEFIT_CASES_STARTED'] }),
    rows: restRows,
    code: restCode,
  },
  {
    what: 'POST /v1/query {"metrics":[" benefit_cases_ended "]}',
    send: (d) => d.http().post('/v1/query').set(COUNCIL).send({ metrics: [' benefit_cases_ended '] }),
    rows: restRows,
    code: restCode,
  },
  {
    what: 'GET /v1/query?metrics=Absence_Reports&format=csv',
    send: (d) => d.http().get('/v1/query?metrics=Absence_Reports&format=csv').set(COUNCIL),
    rows: (res) => (res.status === 200 ? res.text.trim().split('\n').length - 1 : 0),
    code: restCode,
  },
  {
    what: 'GraphQL OUTFLOW_TO_WORK',
    send: (d) => d.http().post('/graphql').set(COUNCIL).send({ query: '{ query(input: {metrics: ["OUTFLOW_TO_WORK"]}) { rows } }' }),
    rows: (res) => (res.body as { data?: { query?: { rows: unknown[] } | null } }).data?.query?.rows.length ?? 0,
    code: gqlCode,
  },
  {
    what: 'GET /v1/dimensions/benefit_case__end_reason/values (dimension values of a personal item)',
    send: (d) => d.http().get('/v1/dimensions/benefit_case__end_reason/values').set(COUNCIL),
    rows: (res) => (res.body as { values?: unknown[] }).values?.length ?? 0,
    code: restCode,
  },
];

describe.each(ENGINES)('issue 17 reproduction 4 on %s', (engineName) => {
  let demo: AuditedDemo;
  beforeAll(async () => {
    demo = await openAuditedDemo(engineName);
  }, 180_000);
  afterAll(async () => {
    await demo?.close();
  });

  it.each(REPROS.map((r) => [r.what, r] as const))('%s: answered with exactly one audit entry', async (_what, repro) => {
    const before = await demo.storedEntries();
    const res = await repro.send(demo);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(repro.rows(res)).toBeGreaterThan(0);
    expect(await demo.storedEntries()).toBe(before + 1);
  });

  it.each(REPROS.map((r) => [r.what, r] as const))('%s: refused while the audit store is down', async (_what, repro) => {
    demo.setStoreDown(true);
    try {
      const res = await repro.send(demo);
      expect(repro.code(res)).toBe('AUDIT_UNAVAILABLE');
      expect(repro.rows(res)).toBe(0);
    } finally {
      demo.setStoreDown(false);
    }
  });
});
