/**
 * Small readers for semantic_manifest.json values. dbt writes every optional field, as `null` when
 * unset; the YAML specs want the key absent, so the mappers copy only values that are set. Values of
 * an unexpected type are copied as they are, so the YAML schemas report them at the same path.
 */
import { joinPath } from '../source/yaml-path.js';

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Problems the mapping itself finds, at JSON paths of the manifest. */
export class MappingIssues {
  readonly items: { readonly path: string; readonly message: string }[] = [];

  error(path: string, message: string): void {
    this.items.push({ path, message });
  }
}

/** The mapping of one manifest object: reads `src`, writes the YAML-shaped `out`. */
export class Mapper {
  readonly out: Json = {};

  constructor(
    readonly src: Json,
    readonly path: string,
    readonly issues: MappingIssues,
  ) {}

  at(key: string): string {
    return joinPath(this.path, key);
  }

  /** Copies `key` (renamed to `as`) unless it is null/undefined. */
  copy(key: string, as = key): this {
    const v = this.src[key];
    if (v !== null && v !== undefined) this.out[as] = v;
    return this;
  }

  /** Copies a boolean only when it is true (dbt writes `false` for every unset flag). */
  flag(key: string): this {
    const v = this.src[key];
    if (v === true) this.out[key] = true;
    else if (v !== false && v !== null && v !== undefined) this.out[key] = v;
    return this;
  }

  /** Sets `as` to `fn(value)` when the value is set. */
  map(key: string, fn: (value: unknown, path: string) => unknown, as = key): this {
    const v = this.src[key];
    if (v === null || v === undefined) return this;
    const mapped = fn(v, this.at(key));
    if (mapped !== undefined) this.out[as] = mapped;
    return this;
  }

  /** `config.meta` (and `group`): `enabled` is dropped, dbt leaves disabled nodes out of the manifest. */
  config(allowGroup: boolean): this {
    const config = this.src['config'];
    if (config === null || config === undefined) return this;
    if (!isRecord(config)) {
      this.out['config'] = config;
      return this;
    }
    const out: Json = {};
    if (isRecord(config['meta']) && Object.keys(config['meta']).length > 0) out['meta'] = config['meta'];
    else if (config['meta'] !== undefined && config['meta'] !== null && !isRecord(config['meta'])) out['meta'] = config['meta'];
    if (allowGroup && typeof config['group'] === 'string') out['group'] = config['group'];
    if (Object.keys(out).length > 0) this.out['config'] = out;
    return this;
  }
}

/** Maps each item of a list with its own path; a non-list is copied (the schema reports it). */
export function mapList(value: unknown, path: string, issues: MappingIssues, fn: (m: Mapper) => void): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item: unknown, i) => {
    if (!isRecord(item)) return item;
    const m = new Mapper(item, `${path}[${i}]`, issues);
    fn(m);
    return m.out;
  });
}

/** An object with its null fields dropped (agg_params, validity_params, non_additive_dimension …). */
export function withoutNulls(value: unknown): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}
