/** What a KPI tile may claim: the null period, future periods and the period in progress (tile-facts.ts). */
import { describe, expect, it } from 'vitest';
import { busiestSlot, latestFact, nullGroupsLast, percentChange, periodEnd, shiftPeriod, topGroup, valueAt } from '../../../src/web/tile-facts.js';

const T = 'metric_time__month';
// The demo's shape: data to Dec 2025, the null-period group last (value 0), an offset metric a year past the data.
const rows = [
  { [T]: '2025-11-01', pickups: 78, ly: 60 },
  { [T]: '2025-12-01', pickups: 48, ly: 50 },
  { [T]: '2026-11-01', pickups: null, ly: 78 },
  { [T]: '2026-12-01', pickups: null, ly: 48 },
  { [T]: null, pickups: 0, ly: null },
];

describe('latestFact', () => {
  it('never takes the null period, and takes the latest period with a value', () => {
    expect(latestFact(rows, T, 'pickups', '2026-12-08')).toEqual({ period: '2025-12-01', value: 48, inProgress: false });
  });
  it('the null period first (PostgreSQL DESC order) makes no difference', () => {
    expect(latestFact([...rows].reverse(), T, 'pickups', '2026-12-08')?.period).toBe('2025-12-01');
  });
  it('an offset metric is read at the dashboard period, not a year past the data', () => {
    expect(latestFact(rows, T, 'ly', '2026-12-08')?.period).toBe('2026-12-01');
    expect(latestFact(rows, T, 'ly', '2026-12-08', '2025-12-01')).toEqual({ period: '2025-12-01', value: 50, inProgress: false });
  });
  it('skips periods after today and marks the period that contains today as in progress', () => {
    expect(latestFact(rows, T, 'ly', '2026-11-30')).toEqual({ period: '2026-11-01', value: 78, inProgress: true });
    expect(latestFact(rows, T, 'ly', '2026-12-01')).toEqual({ period: '2026-12-01', value: 48, inProgress: true });
    const Y = 'metric_time__year';
    expect(latestFact([{ [Y]: '2026-01-01', v: 1 }], Y, 'v', '2027-01-01')).toEqual({ period: '2026-01-01', value: 1, inProgress: false });
    expect(latestFact([{ [Y]: '2026-01-01', v: 1 }], Y, 'v', '2026-12-31')?.inProgress).toBe(true);
    expect(latestFact([{ [Y]: '2026-01-01', v: 1 }], Y, 'v', '2025-12-31')).toBeNull();
  });
  it('no value at all: no fact', () => {
    expect(latestFact([{ [T]: null, x: 0 }], T, 'x', '2026-12-08')).toBeNull();
  });
});

describe('periods', () => {
  it('shifts and ends periods at each grain', () => {
    expect(shiftPeriod('2025-12-01', -1, 'year')).toBe('2024-12-01');
    expect(shiftPeriod('2024-03-31', -1, 'month')).toBe('2024-03-02'); // JS month arithmetic: only starts are used
    expect(periodEnd('2025-12-01', 'month')).toBe('2026-01-01');
    expect(periodEnd('2025-10-01', 'quarter')).toBe('2026-01-01');
    expect(periodEnd('2025-12-29', 'week')).toBe('2026-01-05');
    expect(periodEnd('2025-12-31', 'day')).toBe('2026-01-01');
    expect(valueAt(rows, T, 'ly', '2025-12-01')).toBe(50);
    expect(valueAt(rows, T, 'pickups', '2026-12-01')).toBeNull();
  });
  it('percent change, undefined against zero or missing', () => {
    expect(percentChange(1701, 1735)).toBeCloseTo(-0.0196, 4);
    expect(percentChange(5, 0)).toBeNull();
    expect(percentChange(null, 3)).toBeNull();
  });
});

describe('groups', () => {
  it('puts unknown groups last, keeping the order otherwise', () => {
    const r = [{ d: null, v: 0 }, { d: 'b', v: 2 }, { d: 'a', v: 3 }];
    expect(nullGroupsLast(r, ['d']).map((x) => x.d)).toEqual(['b', 'a', null]);
  });
  it('ranking ignores the unknown group even when it is the largest', () => {
    const r = [{ d: null, v: 99 }, { d: 'Noord', v: 2 }, { d: 'Zuid', v: 3 }];
    expect(topGroup(r, 'd', 'v')).toEqual({ group: 'Zuid', value: 3 });
    expect(topGroup(r, 'd', 'v', true)).toEqual({ group: 'Noord', value: 2 });
  });
  it('the busiest slot ignores unknown slots', () => {
    const r = [{ w: null, h: null, v: 500 }, { w: 2, h: 10, v: 40 }, { w: 5, h: 9, v: 41 }, { w: 1, h: 9, v: 41 }];
    expect(busiestSlot(r, 'w', 'h', 'v')).toEqual({ dow: 5, hour: 9, value: 41 });
  });
});
