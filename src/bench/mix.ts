/**
 * The request mix of the request-path benchmark (issue 18): dashboard queries from many callers,
 * as a municipality's dashboards send them. 56 distinct queries (public KPIs by month, by quarter
 * and a category, by year; an internal KPI; one personal KPI, audited), each sent as POST and as
 * GET, by 1,000 callers: 500 API keys and 500 OIDC bearer tokens (ES256, verified against a JWKS
 * this process serves), spread over the demo policy's roles. A caller only sends queries its roles
 * may run, so every answer is a 200 (row rules included: wijkteam callers see their district).
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { hashApiKey } from '../access/authn/api-keys.js';
import { freePort } from './processes.js';

export type Sensitivity = 'public' | 'internal' | 'personal';

export interface MixQuery {
  readonly sensitivity: Sensitivity;
  readonly query: Readonly<Record<string, unknown>>;
}

/** Public KPIs and a categorical item of each (the dashboards' breakdowns). */
const PUBLIC: readonly [string, string][] = [
  ['reports_received', 'report__category'],
  ['reports_resolved', 'report__category'],
  ['avg_resolution_hours', 'report__category'],
  ['app_share', 'report__category'],
  ['survey_responses', 'survey_response__score'],
  ['satisfaction_avg', 'survey_response__score'],
  ['appointments', 'appointment__kind'],
  ['no_shows', 'appointment__kind'],
  ['document_applications', 'application__document_type'],
  ['document_pickups', 'application__document_type'],
];

const YEARS = [
  { start: '2025-01-01', end: '2025-12-31' },
  { start: '2024-01-01', end: '2024-12-31' },
];

/** The 56 distinct queries: 44 public, 6 internal, 6 personal. */
export function mixQueries(): MixQuery[] {
  const out: MixQuery[] = [];
  for (const [metric, item] of PUBLIC) {
    for (const [i, timeRange] of YEARS.entries()) {
      out.push({ sensitivity: 'public', query: { metrics: [metric], groupBy: ['metric_time__month'], timeRange } });
      if (i === 0) out.push({ sensitivity: 'public', query: { metrics: [metric], groupBy: ['metric_time__quarter', item], timeRange, orderBy: ['metric_time__quarter'] } });
    }
    out.push({ sensitivity: 'public', query: { metrics: [metric], groupBy: ['metric_time__year'] } });
  }
  for (const [metric, groupBy] of [
    ['reports_received', ['metric_time__month']],
    ['survey_responses', ['metric_time__quarter']],
  ] as const) {
    for (const timeRange of YEARS) out.push({ sensitivity: 'public', query: { metrics: [metric], groupBy, timeRange, where: ["{{ Dimension('report__channel') }} = 'app'"] } });
  }
  for (const groupBy of [['metric_time__month'], ['metric_time__quarter'], ['metric_time__year']]) {
    for (const timeRange of YEARS) {
      out.push({ sensitivity: 'internal', query: { metrics: ['reporting_residents'], groupBy, timeRange } });
      out.push({ sensitivity: 'personal', query: { metrics: ['benefit_cases_started'], groupBy, timeRange } });
    }
  }
  return out;
}

/** Roles of the demo policy (metrics/access.yml) the callers hold, and what they may query. */
const ROLES: readonly { readonly roles: readonly string[]; readonly may: readonly Sensitivity[] }[] = [
  { roles: [], may: ['public'] },
  { roles: ['medewerker'], may: ['public', 'internal'] },
  { roles: ['council'], may: ['public', 'internal', 'personal'] },
  { roles: ['analyst'], may: ['public', 'internal', 'personal'] },
  // Row rule: only the Molenwijk district (the personal KPI is theirs; no public or internal KPI).
  { roles: ['wijkteam_molenwijk'], may: ['personal'] },
];

export interface MixCaller {
  readonly id: string;
  readonly kind: 'api-key' | 'bearer';
  readonly roles: readonly string[];
  readonly may: readonly Sensitivity[];
  /** The Authorization header value. */
  readonly authorization: string;
}

export interface MixIdentity {
  readonly callers: readonly MixCaller[];
  /** Settings for `maatstaf serve`: the API key file and OIDC (issuer, audience, JWKS URL). */
  readonly env: Readonly<Record<string, string>>;
  /** The API keys (hashes only) as MAATSTAF_API_KEYS_FILE content. */
  readonly apiKeysFile: string;
  close(): Promise<void>;
}

/** 1,000 callers (half API keys, half ES256 tokens) and the JWKS server that vouches for the tokens. */
export async function mixIdentity(perKind = 500): Promise<MixIdentity> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  const port = await freePort();
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = 'https://idp.bench.invalid/';
  const audience = 'maatstaf-bench';
  const callers: MixCaller[] = [];
  const keys: { name: string; hash: string; roles: readonly string[] }[] = [];
  for (let i = 0; i < perKind; i++) {
    const role = ROLES[i % ROLES.length]!;
    const key = `mst_bench_${i.toString().padStart(4, '0')}_${'k'.repeat(30)}`;
    keys.push({ name: `bench-key-${i}`, hash: hashApiKey(key), roles: role.roles });
    callers.push({ id: `bench-key-${i}`, kind: 'api-key', roles: role.roles, may: role.may, authorization: `Bearer ${key}` });
    const token = await new SignJWT({ roles: role.roles, scope: 'maatstaf' })
      .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(`bench-user-${i}`)
      .setIssuedAt()
      .setExpirationTime('4h')
      .sign(privateKey);
    callers.push({ id: `bench-user-${i}`, kind: 'bearer', roles: role.roles, may: role.may, authorization: `Bearer ${token}` });
  }
  return {
    callers,
    apiKeysFile: JSON.stringify({ keys }),
    env: { MAATSTAF_OIDC_ISSUER: issuer, MAATSTAF_OIDC_AUDIENCE: audience, MAATSTAF_OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks` },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One request of the mix: a query as POST body or GET URL, from one caller. */
export interface MixRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly caller: MixCaller;
  readonly query: MixQuery;
}

/** The GET URL of a query (`?metrics=…&groupBy=…&start=…&end=…&where=…&orderBy=…`), as dashboards link it. */
export function queryUrl(query: Readonly<Record<string, unknown>>): string {
  const p = new URLSearchParams();
  const list = (name: string) => {
    const v = query[name] as readonly string[] | undefined;
    if (v?.length) p.set(name, v.join(','));
  };
  list('metrics');
  list('groupBy');
  const range = query.timeRange as { start?: string; end?: string } | undefined;
  if (range?.start) p.set('start', range.start);
  if (range?.end) p.set('end', range.end);
  for (const w of (query.where as readonly string[] | undefined) ?? []) p.append('where', w);
  list('orderBy');
  return `/v1/query?${p.toString()}`;
}

/** A deterministic pseudo-random generator (mulberry32): the same mix on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` requests in a fixed random order: each picks a query (all equally often), POST or GET,
 * and a caller allowed to run it. Every caller appears about equally often (rate limits are per caller).
 */
export function mixRequests(queries: readonly MixQuery[], callers: readonly MixCaller[], count: number, seed = 18): MixRequest[] {
  const next = random(seed);
  const byLevel = new Map<Sensitivity, MixCaller[]>();
  for (const c of callers) for (const s of c.may) byLevel.set(s, [...(byLevel.get(s) ?? []), c]);
  const turn = new Map<Sensitivity, number>();
  const out: MixRequest[] = [];
  for (let i = 0; i < count; i++) {
    const query = queries[i % queries.length]!;
    const allowed = byLevel.get(query.sensitivity)!;
    const at = turn.get(query.sensitivity) ?? Math.floor(next() * allowed.length);
    turn.set(query.sensitivity, (at + 1 + Math.floor(next() * 7)) % allowed.length);
    const caller = allowed[at]!;
    out.push(
      next() < 0.5
        ? { method: 'POST', path: '/v1/query', body: JSON.stringify(query.query), caller, query }
        : { method: 'GET', path: queryUrl(query.query), caller, query },
    );
  }
  // Shuffled so that neighbouring requests are different queries of different callers.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
