/**
 * The access policy file: the demo policy loads cleanly, every mistake is reported with file:line
 * and a did-you-mean, the definitions loader skips the file, and the access scope (cache key part)
 * is stable per set of grants.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessViewFor } from '../../../src/access/access-view-for.js';
import { loadAccessPolicy, parseAccessPolicy } from '../../../src/access/load-policy.js';
import { DEFAULT_PRODUCTION_POLICY, type AccessPolicy } from '../../../src/access/policy-schema.js';
import { setupAccessPolicy } from '../../../src/access/serve-policy.js';
import type { ServerState } from '../../../src/http/state.js';
import { formatIssue } from '../../../src/core/errors.js';
import type { MetricQueryInput } from '../../../src/core/query.js';
import { loadDefinitions } from '../../../src/definitions/index.js';
import type { Engine, QueryResult, RunOptions } from '../../../src/engine/types.js';
import { buildSemanticGraph, type SemanticGraph } from '../../../src/semantic-graph/index.js';

const result = await loadDefinitions('metrics');
const graph: SemanticGraph = buildSemanticGraph(result.definitions!);

const errorsOf = (text: string) =>
  parseAccessPolicy('access.yml', text, graph)
    .issues.filter((i) => i.severity === 'error')
    .map(formatIssue);

describe('the demo policy', () => {
  it('loads without errors or warnings', async () => {
    const loaded = await loadAccessPolicy('metrics/access.yml', graph);
    expect(loaded.warnings).toEqual([]);
    expect(Object.keys(loaded.policy.spec.roles)).toContain('wijkteam_molenwijk');
  });

  it('is not read as a definitions file (no issue names it), nor is a policy under another name', async () => {
    expect(result.issues.filter((i) => i.file.includes('access'))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'maatstaf-access-'));
    try {
      cpSync('metrics', dir, { recursive: true });
      writeFileSync(join(dir, 'shared', 'rollen.yml'), 'roles:\n  public:\n    metrics:\n      allow: [reports_received]\n');
      const r = await loadDefinitions(dir);
      expect(r.definitions).toBeDefined();
      expect(r.issues.filter((i) => i.file.includes('rollen') || i.file.includes('access'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('policy validation errors carry file:line and a suggestion', () => {
  it('unknown metric, owner, tag and role names', () => {
    const errors = errorsOf(`roles:
  public:
    metrics:
      allow:
        - reports_recieved
        - owner: Servicepleinn
  team:
    includes: [publik]
    metrics:
      allow:
        - tag: [nope_tag_xyz]
`);
    expect(errors).toEqual([
      "access.yml:5 roles.public.metrics.allow[0]: unknown metric 'reports_recieved' (did you mean 'reports_received'?)",
      "access.yml:6 roles.public.metrics.allow[1].owner: no metric has owner 'Servicepleinn' (did you mean 'Serviceplein'?)",
      "access.yml:8 roles.team.includes[0]: unknown role 'publik' (did you mean 'public'?)",
      "access.yml:11 roles.team.metrics.allow[0].tag[0]: no metric has tag 'nope_tag_xyz'",
    ]);
  });

  it('unknown keys and bad values (zod) with did-you-mean', () => {
    const errors = errorsOf(`roles:
  public:
    metrcs:
      allow: ['*']
  council:
    metrics:
      allow:
        - sensitivity: secret
`);
    expect(errors[0]).toBe("access.yml:3 roles.public.metrcs: unknown key 'metrcs' (did you mean 'metrics'?)");
    expect(errors[1]).toMatch(/^access\.yml:8 roles\.council\.metrics\.allow\[0\]\.sensitivity/);
    expect(errors).toHaveLength(2);
  });

  it('row filters: syntax, unknown dimensions and Metric() are refused', () => {
    const errors = errorsOf(`roles:
  public:
    metrics:
      allow: ['*']
  a:
    row_filters:
      - "{{ Dimension('district__district_nam') }} = 'Molenwijk'"
  b:
    row_filters:
      - "{{ Dimension('district__district_name') }} = "
  c:
    row_filters:
      - "{{ Metric('reports_received', group_by=['district']) }} > 5"
`);
    expect(errors[0]).toBe(
      "access.yml:7 roles.a.row_filters[0]: unknown group-by item 'district__district_nam' in row filter (did you mean 'district__district_name'?)",
    );
    expect(errors[1]).toMatch(/^access\.yml:10 roles\.b\.row_filters\[0\]: invalid row filter: /);
    expect(errors[2]).toBe("access.yml:13 roles.c.row_filters[0]: row filters cannot use Metric(): use Dimension(), TimeDimension() or Entity()");
  });

  it('group-by items and the anonymous role', () => {
    const errors = errorsOf(`anonymous_role: publc
roles:
  public:
    group_by:
      - deny: [benefit_case__clint]
      - metrics: { sensitivity: personal }
`);
    expect(errors).toEqual([
      "access.yml:1 anonymous_role: unknown role 'publc' (did you mean 'public'?)",
      "access.yml:5 roles.public.group_by[0].deny[0]: unknown group-by item 'benefit_case__clint' (did you mean 'benefit_case__client'?)",
      'access.yml:6 roles.public.group_by[1]: a group_by rule needs allow or deny (a list of group-by items)',
    ]);
  });

  it('a YAML syntax error and a missing file', async () => {
    expect(errorsOf('roles: [\n')[0]).toMatch(/^access\.yml:\d+: YAML syntax error/);
    await expect(loadAccessPolicy('does/not/exist.yml', graph)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('warns when a row filter cannot be applied to some granted metrics', () => {
    const r = parseAccessPolicy('access.yml', `roles:
  team:
    metrics:
      allow: [reports_received, appointments]
    row_filters: ["{{ Dimension('district__district_name') }} = 'Molenwijk'"]
`, graph);
    expect(r.policy).toBeDefined();
    expect(r.issues.map(formatIssue)).toEqual([
      "access.yml:1 roles: no role 'public': anonymous callers may use no metric",
      "access.yml:5 roles.team.row_filters[0]: metrics appointments cannot be filtered by this row filter: their queries are refused for role 'team'",
    ]);
  });
});

describe('grants and scope', () => {
  const policy = (text: string): AccessPolicy => {
    const r = parseAccessPolicy('access.yml', text, graph);
    if (!r.policy) throw new Error(r.issues.map(formatIssue).join('\n'));
    return r.policy;
  };
  /** An engine that records what reaches it. */
  const recorder = () => {
    const seen: { query: MetricQueryInput; options?: RunOptions }[] = [];
    const engine: Engine = {
      definitions: graph.definitions,
      graph,
      restricted: false,
      compile: () => ({ sql: '', params: [], columns: [], models: [] }),
      run: async (query, options) => {
        seen.push({ query, ...(options ? { options } : {}) });
        return { columns: [], rows: [], meta: { definitionsVersion: 'v', sqlHash: 'x', rowCount: 0, durationMs: 0 } } satisfies QueryResult;
      },
      stream: async () => undefined,
      peek: () => undefined,
      classify: () => ({ metrics: [], models: [], sensitivity: 'public' }),
    };
    return { engine, seen };
  };
  const caller = (...roles: string[]) => ({ id: 'x', kind: 'api-key' as const, roles });

  const P = policy(`roles:
  public:
    metrics: { allow: [{ sensitivity: public }] }
  a:
    metrics: { allow: [benefit_cases_started] }
    row_filters: ["{{ Dimension('district__district_name') }} = 'Molenwijk'"]
  b:
    metrics: { allow: [benefit_cases_started] }
    row_filters: ["{{ Dimension('district__district_name') }} = 'Vlietzoom'"]
  full:
    metrics: { allow: [benefit_cases_started] }
`);

  it('passes a scope that depends on the grants only, and differs between roles', async () => {
    const { engine, seen } = recorder();
    await accessViewFor(engine, P, caller()).run({ metrics: ['reports_received'] });
    await accessViewFor(engine, P, caller('unknown-role')).run({ metrics: ['reports_received'] });
    await accessViewFor(engine, P, caller('a')).run({ metrics: ['reports_received'] });
    await accessViewFor(engine, P, caller('b', 'a')).run({ metrics: ['reports_received'] });
    await accessViewFor(engine, P, caller('a', 'b')).run({ metrics: ['reports_received'] });
    const scopes = seen.map((s) => s.options?.scope);
    expect(scopes[0]).toMatch(/^access:[0-9a-f]{16}$/);
    expect(scopes[1]).toBe(scopes[0]);
    expect(scopes[2]).not.toBe(scopes[0]);
    expect(scopes[3]).toBe(scopes[4]);
    expect(new Set(scopes).size).toBe(3);
  });

  it('several roles: row filters of the granting roles are ORed into one typed row rule; a role without one lifts it', async () => {
    const { engine, seen } = recorder();
    await accessViewFor(engine, P, caller('a')).run({ metrics: ['benefit_cases_started'], where: ["{{ Dimension('benefit_case__age_band') }} = '18-27'"] });
    await accessViewFor(engine, P, caller('a', 'b')).run({ metrics: ['benefit_cases_started'] });
    await accessViewFor(engine, P, caller('a', 'full')).run({ metrics: ['benefit_cases_started'] });
    // The caller's query reaches the engine as sent; the row rule comes beside it, typed.
    expect(seen[0]!.query.where).toEqual(["{{ Dimension('benefit_case__age_band') }} = '18-27'"]);
    expect(seen[0]!.options?.rowRule).toEqual({ roles: ['a'], filter: "{{ Dimension('district__district_name') }} = 'Molenwijk'" });
    expect(seen[1]!.query.where).toBeUndefined();
    expect(seen[1]!.options?.rowRule).toEqual({
      roles: ['a', 'b'],
      filter: "({{ Dimension('district__district_name') }} = 'Molenwijk') OR ({{ Dimension('district__district_name') }} = 'Vlietzoom')",
    });
    expect(seen[2]!.options?.rowRule).toBeUndefined();
  });

  it('a derived metric is granted only with every metric it is computed from', () => {
    const p = policy(`roles:
  public:
    metrics: { allow: [outflow_to_work_share] }
  both:
    metrics: { allow: [outflow_to_work_share, outflow_to_work, benefit_cases_ended] }
`);
    const { engine } = recorder();
    expect(accessViewFor(engine, p, caller()).graph.metricNames).toEqual([]);
    expect(accessViewFor(engine, p, caller('both')).graph.metricNames).toContain('outflow_to_work_share');
  });
});

describe('maatstaf serve: which policy', () => {
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  const stateWith = (): ServerState => ({
    warehouse: undefined as never,
    engine: { definitions: graph.definitions, graph } as Engine,
    definitionsError: undefined,
  });
  const emptyDir = () => mkdtempSync(join(tmpdir(), 'maatstaf-nopolicy-'));

  it('uses <metrics>/access.yml when present and re-reads it after a reload', async () => {
    const state = stateWith();
    const reload = await setupAccessPolicy(state, { metricsDir: 'metrics', production: true }, quiet);
    expect(state.access?.source).toBe(join('metrics', 'access.yml'));
    const first = state.access;
    await reload!(state.engine!);
    expect(state.access).not.toBe(first);
    expect(state.access?.spec).toEqual(first?.spec);
  });

  it('without a policy: open in development, public metrics only in production', async () => {
    const dir = emptyDir();
    try {
      const dev = stateWith();
      await setupAccessPolicy(dev, { metricsDir: dir, production: false }, quiet);
      expect(dev.access).toBeUndefined();
      const prod = stateWith();
      await setupAccessPolicy(prod, { metricsDir: dir, production: true }, quiet);
      expect(prod.access).toBe(DEFAULT_PRODUCTION_POLICY);
      const names = accessViewFor(prod.engine!, DEFAULT_PRODUCTION_POLICY, { id: 'k', kind: 'api-key', roles: ['council'] }).graph.metricNames;
      expect(names).toContain('reports_received');
      expect(names).not.toContain('reporting_residents');
      expect(names).not.toContain('benefit_cases_started');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an explicit policy that does not load stops the start with every error', async () => {
    const dir = emptyDir();
    try {
      writeFileSync(join(dir, 'p.yml'), 'roles:\n  public:\n    metrics:\n      allow: [reports_recieved]\n');
      await expect(setupAccessPolicy(stateWith(), { accessPolicy: join(dir, 'p.yml'), metricsDir: 'metrics', production: false }, quiet)).rejects.toThrow(
        /p\.yml:4 roles\.public\.metrics\.allow\[0\]: unknown metric 'reports_recieved' \(did you mean 'reports_received'\?\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
