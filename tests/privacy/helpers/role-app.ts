/**
 * The REST/GraphQL app on a seeded demo warehouse with the demo access policy (metrics/access.yml)
 * and one API key per role, so the privacy reproductions run as the council, the Molenwijk team
 * or anonymously — exactly as issue 17 tried them.
 */
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { createAuthenticator, hashApiKey } from '../../../src/access/authn/index.js';
import { loadAccessPolicy } from '../../../src/access/load-policy.js';
import type { Engine } from '../../../src/engine/types.js';
import { buildApp } from '../../../src/server/app.js';
import type { ServerState } from '../../../src/http/state.js';
import type { Warehouse } from '../../../src/warehouse/warehouse.js';
import { DEMO_METRICS_DIR, engineFor } from '../../api/helpers/demo-app.js';

export const ROLES = ['anonymous', 'council', 'wijkteam_molenwijk', 'analyst'] as const;
export type Role = (typeof ROLES)[number];
const keyOf = (role: Role) => `mst_privacy-test-key-${role}-0123456789abcdef`;

export interface RoleApp {
  readonly app: FastifyInstance;
  readonly engine: Engine;
  as(role: Role): { post(url: string, body: object): supertest.Test; get(url: string): supertest.Test };
  /** GraphQL `query` through the role's key; returns the response body. */
  gql(role: Role, query: string, variables: object): Promise<{ data?: Record<string, unknown>; errors?: { extensions: Record<string, unknown> }[] }>;
  close(): Promise<void>;
}

export async function roleApp(wh: Warehouse, metricsDir = DEMO_METRICS_DIR): Promise<RoleApp> {
  const engine = await engineFor(metricsDir, wh);
  const { policy } = await loadAccessPolicy(`${metricsDir}/access.yml`, engine.graph);
  const state: ServerState = { warehouse: wh, engine, definitionsError: undefined, access: policy };
  const apiKeys = ROLES.filter((r) => r !== 'anonymous').map((r) => ({ name: `key-${r}`, hash: hashApiKey(keyOf(r)), roles: [r] }));
  const app = await buildApp({ state, logger: false, authn: createAuthenticator({ apiKeys }) });
  await app.ready();
  const as = (role: Role) => {
    const auth = (t: supertest.Test) => (role === 'anonymous' ? t : t.set('x-api-key', keyOf(role)));
    return {
      post: (url: string, body: object) => auth(supertest(app.server).post(url).send(body)),
      get: (url: string) => auth(supertest(app.server).get(url)),
    };
  };
  const gql = async (role: Role, query: string, variables: object) => (await as(role).post('/graphql', { query, variables })).body;
  return { app, engine, as, gql, close: () => app.close() };
}
