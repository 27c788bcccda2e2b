/**
 * One-way layers across src/: dependency-cruiser checks every import against the layer table in
 * .dependency-cruiser.cjs (each folder imports only the lower folders its row allows), and the
 * folder graph it finds has no cycle.
 */
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

const CONFIG = './.dependency-cruiser.cjs';
const { LAYERS } = createRequire(import.meta.url)('../../../.dependency-cruiser.cjs') as { LAYERS: ReadonlyArray<{ folder: string; may: readonly string[] }> };

/**
 * Imports allowed to break the layers while a change is in progress, each with its reason. Empty now
 * (issue 18's cycles are gone); an entry whose import no longer exists fails the test.
 */
const KNOWN: ReadonlyArray<{ from: string; to: string; why: string }> = [];

const key = (from: string, to: string) => `${from} → ${to}`;
const folderOf = (path: string) => /^src\/([^/]+)\//.exec(path)?.[1];

let result: ICruiseResult;
beforeAll(async () => {
  const options = await extractDepcruiseOptions(CONFIG);
  const out = await cruise(['src'], { ...options, validate: true }, {}, { tsConfig: extractTSConfig('tsconfig.json') });
  result = out.output as ICruiseResult;
}, 120_000);

describe('one-way layers (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('the layer table itself points downward only', () => {
    const rank = new Map(LAYERS.map((l, i) => [l.folder, i]));
    for (const { folder, may } of LAYERS) {
      for (const lower of may) expect(rank.get(lower), `${folder} may import ${lower}`).toBeLessThan(rank.get(folder)!);
    }
  });

  it('the cruise saw the source: every folder under src/ has modules and a row', () => {
    const seen = new Set(result.modules.map((m) => folderOf(m.source)).filter((f) => f !== undefined));
    const rows = new Set(LAYERS.map((l) => l.folder));
    expect([...seen].filter((f) => !rows.has(f))).toEqual([]);
    expect(seen).toContain('http');
    // Typed imports resolve (.js specifiers → .ts files), so the checks below see real edges.
    expect(result.summary.totalCruised).toBeGreaterThan(300);
    expect(result.modules.find((m) => m.source === 'src/server/app.ts')?.dependencies.some((d) => d.resolved === 'src/http/problem.ts')).toBe(true);
  });

  it('every import is allowed by its folder’s row, apart from the known ones being removed', () => {
    const known = new Set(KNOWN.map((k) => key(k.from, k.to)));
    const violations = result.summary.violations.filter((v: IViolation) => !known.has(key(v.from, v.to)));
    expect(violations.map((v) => `${v.rule.name}: ${key(v.from, v.to)}`)).toEqual([]);
  });

  it('each known exception still exists (delete it from KNOWN once fixed)', () => {
    const found = new Set(result.summary.violations.map((v) => key(v.from, v.to)));
    expect(KNOWN.map((k) => key(k.from, k.to)).filter((k) => !found.has(k))).toEqual([]);
  });

  it('the folder graph has no cycle once the known exceptions are left out', () => {
    const known = new Set(KNOWN.map((k) => key(k.from, k.to)));
    const edges = new Map<string, Set<string>>();
    for (const m of result.modules) {
      const from = folderOf(m.source);
      for (const d of m.dependencies) {
        const to = folderOf(d.resolved);
        if (!from || !to || from === to || known.has(key(m.source, d.resolved))) continue;
        (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
      }
    }
    expect(findCycle(edges)).toEqual([]);
  });
});

/** A folder cycle (as a path a → … → a), or [] when the graph is acyclic (depth-first search). */
function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] => {
    if (state.get(node) === 'done') return [];
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle.length) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return [];
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle.length) return cycle;
  }
  return [];
}
