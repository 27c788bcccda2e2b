import { describe, expect, it } from 'vitest';
import { createIdentityMemo, freezeInput, isFrozenInput } from '../../../src/core/frozen-input.js';

describe('frozen inputs', () => {
  it('freezes deeply and marks only what it froze', () => {
    const input = freezeInput({ metrics: ['a'], timeRange: { start: '2024-01-01' } });
    expect(isFrozenInput(input)).toBe(true);
    expect(Object.isFrozen(input.metrics)).toBe(true);
    expect(Object.isFrozen(input.timeRange)).toBe(true);
    expect(() => (input.metrics as string[]).push('b')).toThrow(TypeError);
    // Frozen elsewhere (its children may still change): not standing for its content.
    expect(isFrozenInput(Object.freeze({ metrics: ['a'] }))).toBe(false);
    expect(isFrozenInput('text')).toBe(false);
  });

  it('an identity memo computes once per frozen input and every time for plain input', () => {
    const memo = createIdentityMemo<number>();
    let calls = 0;
    const compute = () => ++calls;
    const frozen = freezeInput({ a: 1 });
    expect(memo.get(frozen, compute)).toBe(1);
    expect(memo.get(frozen, compute)).toBe(1);
    expect(memo.get(freezeInput({ a: 1 }), compute)).toBe(2);
    const plain = { a: 1 };
    memo.get(plain, compute);
    memo.get(plain, compute);
    expect(calls).toBe(4);
  });

  it('never remembers a throw', () => {
    const memo = createIdentityMemo<number>();
    const frozen = freezeInput({ a: 1 });
    expect(() => memo.get(frozen, () => { throw new Error('no'); })).toThrow('no');
    expect(memo.get(frozen, () => 7)).toBe(7);
  });
});
