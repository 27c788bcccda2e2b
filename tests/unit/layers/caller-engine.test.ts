import { describe, expect, it } from 'vitest';
import { engineForLoaded } from '../../../src/layers/caller-engine.js';
import { ANONYMOUS } from '../../../src/access/caller.js';
import type { Engine, QueryResult } from '../../../src/engine/types.js';
import type { QueryLimits } from '../../../src/limits/limited-engine.js';

/** A loaded engine that answers every query with no rows and counts its runs. */
function fakeEngine(): Engine & { runs: number } {
  const engine = {
    runs: 0,
    definitions: { version: 'v1' },
    graph: {},
    compile: () => ({ sql: 'select 1', params: [], columns: [], models: [] }),
    run: async (): Promise<QueryResult> => {
      engine.runs++;
      return { columns: [], rows: [], meta: {} } as unknown as QueryResult;
    },
  };
  return engine as unknown as Engine & { runs: number };
}

const query = { metrics: ['a', 'b', 'c'] };

describe('engineForLoaded', () => {
  it('hands out the same engine while nothing changes, and a new one when the limits or the loaded engine change', async () => {
    const loaded = fakeEngine();
    const tight: QueryLimits = { maxMetrics: 2, maxGroupBy: 10, maxRows: 100 };
    const state = { access: undefined, audit: undefined, queryLimits: tight };
    const first = engineForLoaded(state, loaded, ANONYMOUS);
    expect(engineForLoaded(state, loaded, ANONYMOUS)).toBe(first);
    await expect(first.run(query)).rejects.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED' });

    // New limits (a reload of the settings): the next engine applies them.
    const loose = { ...tight, maxMetrics: 5 };
    const second = engineForLoaded({ ...state, queryLimits: loose }, loaded, ANONYMOUS);
    expect(second).not.toBe(first);
    await second.run(query);
    expect(loaded.runs).toBe(1);

    // A reloaded engine: its own wrapper, running on it.
    const reloaded = fakeEngine();
    const third = engineForLoaded({ ...state, queryLimits: loose }, reloaded, ANONYMOUS);
    expect(third).not.toBe(second);
    await third.run(query);
    expect([loaded.runs, reloaded.runs]).toEqual([1, 1]);
  });

  it('gives every caller and interface the loaded engine itself without access policy, limits or audit log', () => {
    const loaded = fakeEngine();
    const state = { access: undefined, audit: undefined, queryLimits: undefined };
    expect(engineForLoaded(state, loaded, ANONYMOUS, { interface: 'rest' })).toBe(loaded);
    const other = { ...ANONYMOUS };
    expect(engineForLoaded(state, loaded, other, { interface: 'csv' })).toBe(loaded);
  });
});
