/**
 * GraphQL catalogue arguments take a name the same way with or without an access policy (issue 22):
 * bare (`metric(name: median_resolution_hours)`, the README's example), quoted, or from a variable
 * typed MetricName!. Without a policy the types are enums (autocompletion); with one, scalars.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaatstafServer } from '../../src/server/create-server.js';
import { testServer } from '../helpers/server.js';
import type { TestWarehouse } from '../helpers/warehouses.js';
import { openDemoWarehouse } from './helpers/demo-app.js';

let wh: TestWarehouse;
const servers: Record<'policy' | 'open', MaatstafServer | undefined> = { policy: undefined, open: undefined };

beforeAll(async () => {
  wh = await openDemoWarehouse('pglite');
  // `access` undefined: read metrics/access.yml as `maatstaf serve` does; null: no policy.
  servers.policy = await testServer(wh, { config: { metricsDir: 'metrics' }, access: undefined });
  servers.open = await testServer(wh, { config: { metricsDir: 'metrics' }, access: null });
}, 180_000);
afterAll(async () => {
  await servers.policy?.close();
  await servers.open?.close();
  await wh?.dispose();
});

async function gql(which: 'policy' | 'open', query: string, variables?: Record<string, unknown>) {
  const res = await servers[which]!.app.inject({ method: 'POST', url: '/graphql', payload: { query, ...(variables ? { variables } : {}) } });
  return res.json<{ data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] }>();
}

describe.each(['policy', 'open'] as const)('with %s access', (which) => {
  it('the kind of the name types: enums without a policy, scalars with one', async () => {
    const { data } = await gql(which, '{ __type(name: "MetricName") { kind } }');
    expect((data!.__type as { kind: string }).kind).toBe(which === 'open' ? 'ENUM' : 'SCALAR');
  });

  it('metric(name:) answers the same bare, quoted and from a MetricName! variable', async () => {
    const fields = '{ name label owner status unit target direction }';
    const bare = await gql(which, `{ metric(name: median_resolution_hours) ${fields} }`);
    expect(bare.errors).toBeUndefined();
    expect(bare.data!.metric).toMatchObject({ name: 'median_resolution_hours' });
    expect(await gql(which, `{ metric(name: "median_resolution_hours") ${fields} }`)).toEqual(bare);
    expect(await gql(which, `query($n: MetricName!) { metric(name: $n) ${fields} }`, { n: 'median_resolution_hours' })).toEqual(bare);
  });

  it('dimensionValues(name:, metrics:) takes both forms, and its values are the table’s', async () => {
    const bare = await gql(which, '{ dimensionValues(name: report__category, metrics: [reports_received]) { values } }');
    const quoted = await gql(which, '{ dimensionValues(name: "report__category", metrics: ["reports_received"]) { values } }');
    expect(bare.errors).toBeUndefined();
    expect(quoted).toEqual(bare);
    const hand = await wh.query<{ category: string }>('SELECT DISTINCT category FROM public_space_reports ORDER BY 1');
    expect((bare.data!.dimensionValues as { values: string[] }).values).toEqual(hand.rows.map((r) => r.category));
  });

  it('savedQuery(name:) takes both forms', async () => {
    const q = '{ name query { metrics groupBy } }';
    const bare = await gql(which, `{ savedQuery(name: reports_by_month_and_category) ${q} }`);
    expect(bare.errors).toBeUndefined();
    expect(bare.data!.savedQuery).toMatchObject({ name: 'reports_by_month_and_category' });
    expect(await gql(which, `{ savedQuery(name: "reports_by_month_and_category") ${q} }`)).toEqual(bare);
  });

  it('a name that is not a word or string is refused at validation, not by a 5xx', async () => {
    const res = await gql(which, '{ metric(name: 42) { name } }');
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
