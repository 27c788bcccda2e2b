/**
 * The engine layers are explicit: every layer a caller's engine is built from (callerLayers, the
 * one place their order is written) defines every Engine method as its OWN function (no prototype
 * fallthrough), and what lower layers learn (sensitivity from the unchecked plan, the caller's row
 * rules) reaches the top through classify.
 */
import { describe, expect, it } from 'vitest';
import { loadAccessPolicy } from '../../../src/access/load-policy.js';
import type { Caller } from '../../../src/access/caller.js';
import type { AuditLog } from '../../../src/audit/types.js';
import { createSpeedLayer, DEFAULT_SPEED_LAYER } from '../../../src/cache/speed-layer.js';
import { loadDefinitions } from '../../../src/definitions/index.js';
import { createEngine } from '../../../src/engine/engine.js';
import type { Engine } from '../../../src/engine/types.js';
import { callerLayers, ENGINE_LAYERS } from '../../../src/layers/caller-engine.js';
import { buildSemanticGraph } from '../../../src/semantic-graph/index.js';
import type { Warehouse } from '../../../src/warehouse/warehouse.js';

const loaded = await loadDefinitions('metrics');
const graph = buildSemanticGraph(loaded.definitions!);
const { policy } = await loadAccessPolicy('metrics/access.yml', graph);
// Nothing here reaches the warehouse: classify and compile are pure.
const warehouse = { query: () => Promise.reject(new Error('no warehouse in this test')) } as unknown as Warehouse;
const base = createEngine({ graph, warehouse });
const cache = createSpeedLayer(DEFAULT_SPEED_LAYER).layer();
const audit: AuditLog = { record: async () => {}, list: async () => ({ entries: [] }), flush: async () => {}, close: async () => {} };
const settings = { cache, access: policy!, audit, queryLimits: { maxMetrics: 5, maxGroupBy: 5, maxRows: 100 } };
const wijkteam: Caller = { id: 'w', kind: 'api-key', roles: ['wijkteam_molenwijk'] };

/** The Engine's methods, read off a real engine rather than listed by hand: a new method is covered at once. */
const METHODS = Object.entries(base)
  .filter(([, v]) => typeof v === 'function')
  .map(([k]) => k)
  .sort();

describe('engine layers', () => {
  it('the method list comes from the real engine and includes classify, peek and stream', () => {
    expect(METHODS).toEqual(['classify', 'compile', 'peek', 'run', 'stream']);
  });

  it('callerLayers builds the layers in the written order, the result cache included', () => {
    const layers = callerLayers(settings, base, wijkteam);
    expect(layers.map((l) => l.name)).toEqual([...ENGINE_LAYERS]);
    expect(ENGINE_LAYERS).toEqual(['engine', 'cache', 'access', 'limits', 'audit']);
    // One cache layer per loaded engine, shared by every caller (their scopes keep answers apart).
    const other = callerLayers(settings, base, { id: 'anonymous', kind: 'anonymous', roles: [] });
    expect(other[1]!.engine).toBe(layers[1]!.engine);
  });

  const layers: [string, Engine][] = callerLayers(settings, base, wijkteam).map((l): [string, Engine] => [l.name, l.engine]);
  it.each(layers)('the %s layer defines every Engine method itself, and definitions and graph', (name, engine) => {
    for (const m of METHODS) {
      expect(Object.prototype.hasOwnProperty.call(engine, m), m).toBe(true);
      expect(typeof (engine as unknown as Record<string, unknown>)[m], m).toBe('function');
    }
    expect(Object.getPrototypeOf(engine)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(engine, 'definitions')).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(engine, 'graph')).toBe(true);
    expect(engine.restricted).toBe(name !== 'engine' && name !== 'cache');
  });

  it('classify at the top carries the unchecked plan’s sensitivity and the row rule of the caller', () => {
    const top = callerLayers(settings, base, wijkteam).at(-1)!.engine;
    const personal = top.classify({ metrics: [' BENEFIT_Cases_Started '], groupBy: ['metric_time__year'] });
    expect(personal).toMatchObject({ metrics: ['benefit_cases_started'], sensitivity: 'personal' });
    // The row rule is typed: the roles it comes from and the policy's filter.
    expect(personal.rowRule).toEqual({ roles: ['wijkteam_molenwijk'], filter: "{{ Dimension('district__district_name') }} = 'Molenwijk'" });
    // Without metrics: classified by the models read.
    expect(top.classify({ groupBy: ['benefit_case__age_band'] }).sensitivity).toBe('personal');
    expect(top.classify({ groupBy: ['district__district_name'] }).sensitivity).toBe('public');
    // A metric this caller may not use is still classified by what it is.
    const anonymous = callerLayers(settings, base, { id: 'anonymous', kind: 'anonymous', roles: [] }).at(-1)!.engine;
    expect(anonymous.classify({ metrics: ['benefit_cases_ended'] })).toMatchObject({ sensitivity: 'personal' });
    expect(anonymous.classify({ metrics: ['benefit_cases_ended'] }).rowRule).toBeUndefined();
  });
});
