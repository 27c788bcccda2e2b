import { describe, expect, it } from 'vitest';
import { createJsonMemo, isPlainJson } from '../../../src/core/json-memo.js';

describe('createJsonMemo', () => {
  it('computes once per prefix and JSON text', () => {
    const memo = createJsonMemo<string>();
    let runs = 0;
    const compute = () => `v${++runs}`;
    expect(memo.get('a', { metrics: ['m'] }, compute)).toBe('v1');
    expect(memo.get('a', { metrics: ['m'] }, compute)).toBe('v1');
    expect(memo.get('b', { metrics: ['m'] }, compute)).toBe('v2');
    expect(memo.get('a', { metrics: ['n'] }, compute)).toBe('v3');
  });

  it('never remembers failures or input that is not plain JSON', () => {
    const memo = createJsonMemo<string>();
    let runs = 0;
    expect(() => memo.get('', { limit: -1 }, () => { runs++; throw new Error('bad'); })).toThrow('bad');
    expect(() => memo.get('', { limit: -1 }, () => { runs++; throw new Error('bad'); })).toThrow('bad');
    const withDate = { timeRange: { start: new Date(0) } };
    memo.get('', withDate, () => `r${++runs}`);
    expect(memo.get('', withDate, () => `r${++runs}`)).toBe('r4');
    expect(runs).toBe(4);
  });

  it('knows plain JSON', () => {
    expect(isPlainJson({ a: [1, 'x', null, true], b: undefined })).toBe(true);
    expect(isPlainJson({ a: Number.NaN })).toBe(false);
    expect(isPlainJson([undefined])).toBe(false);
    expect(isPlainJson({ a: new Date(0) })).toBe(false);
    expect(isPlainJson(Object.create(null))).toBe(false);
  });
});
