/**
 * Inputs that stand for their content by identity. A dashboard repeats the same few requests; the
 * REST layer hands out one deeply frozen object per distinct body or URL (src/api/rest/request-memo.ts),
 * so each layer's pure per-query work (validation, access check, cache key, audit classification)
 * costs a WeakMap lookup on a repeat instead of a JSON.stringify of the input.
 *
 * Only objects frozen here count: a frozen object from elsewhere may hold mutable children.
 */
const frozenInputs = new WeakSet<object>();

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  for (const v of Object.values(value)) deepFreeze(v);
  Object.freeze(value);
}

/** Freezes `value` deeply and marks it as standing for its content; returns it. */
export function freezeInput<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    deepFreeze(value);
    frozenInputs.add(value);
  }
  return value;
}

/** True for an object marked by freezeInput (its content can never change). */
export function isFrozenInput(value: unknown): value is object {
  return value !== null && typeof value === 'object' && frozenInputs.has(value);
}

/** Values computed once per frozen input (plain inputs are computed every time). */
export interface IdentityMemo<O> {
  get(input: unknown, compute: () => O): O;
}

export function createIdentityMemo<O>(): IdentityMemo<O> {
  const known = new WeakMap<object, O>();
  return {
    get(input, compute) {
      if (!isFrozenInput(input)) return compute();
      if (known.has(input)) return known.get(input)!;
      const value = compute();
      known.set(input, value);
      return value;
    },
  };
}
