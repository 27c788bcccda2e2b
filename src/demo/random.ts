/**
 * Deterministic randomness for the demo generator: a seeded sfc32 PRNG plus the few distributions
 * the generator needs. Never Math.random: the same seed must give the same rows everywhere.
 */

/** 32-bit finaliser of splitmix/murmur3: a bijection on uint32, so distinct inputs stay distinct. */
export function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a hash of a string (used to name independent random streams). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Folds a (possibly > 32-bit or negative) integer seed and a stream name into one 32-bit seed. */
export function streamSeed(seed: number, stream: string): number {
  const low = Number(BigInt.asUintN(32, BigInt(seed)));
  const high = Number(BigInt.asUintN(32, BigInt(seed) >> 32n));
  return mix32(mix32(low ^ hashString(stream)) + mix32(high + 0x9e3779b9));
}

/** sfc32 ("small fast counter"): 128-bit state, passes PractRand; a few lines and fast. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 expands the 32-bit seed into the 128-bit state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      return mix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** An independent stream per purpose, so changing one table's generator leaves the others as they were. */
  static stream(seed: number, name: string): Random {
    return new Random(streamSeed(seed, name));
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Standard normal (Box–Muller, no cached second value: simpler to reason about). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median; sigma is the spread of log(x). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson count: Knuth's method for small means, a rounded normal for large ones (huge scales). */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean >= 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

/** Picks items with fixed relative weights in O(log n). */
export class WeightedTable<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(entries: readonly (readonly [item: T, weight: number])[]) {
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, weight], i) => {
      if (!(weight >= 0)) throw new RangeError(`weight must be >= 0, got ${weight}`);
      sum += weight;
      this.cumulative[i] = sum;
    });
    if (!(sum > 0)) throw new RangeError('weighted table needs a positive total weight');
    this.total = sum;
  }

  pick(rng: Random): T {
    const target = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/**
 * A stable pseudonym for the index-th person of a kind: `prefix` + 8 hex digits. The digits are a
 * seeded bijection of the index, so two people never share a pseudonym and nothing leaks the order.
 */
export function pseudonym(prefix: string, seed: number, kind: string, index: number): string {
  return pseudonymizer(prefix, seed, kind)(index);
}

/** `pseudonym` with the key derivation done once, for hot loops. */
export function pseudonymizer(prefix: string, seed: number, kind: string): (index: number) => string {
  const key = streamSeed(seed, `pseudonym:${kind}`);
  const mask = mix32(key);
  return (index) => prefix + mix32(((index >>> 0) + key) ^ mask).toString(16).padStart(8, '0');
}
