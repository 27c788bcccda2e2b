/**
 * Data freshness from `config.meta.refresh_key` on semantic models: a cheap SQL (e.g.
 * `select max(updated_at) from reports`) whose answer changes when the data does. The answers,
 * checked at most every `intervalMs`, form a data version per set of models that is part of the
 * cache key of every query reading those models: new data is never hidden behind a cached answer
 * for longer than the check interval, and new data in one model leaves answers about others cached.
 */
import { createHash } from 'node:crypto';
import type { Definitions } from '../definitions/model.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export interface RefreshKey {
  readonly model: string;
  readonly sql: string;
}

/** Semantic models that declare `config.meta.refresh_key` (a non-empty string). */
export function refreshKeysOf(definitions: Definitions): RefreshKey[] {
  return definitions.semanticModels.flatMap((m) => {
    const sql = m.meta['refresh_key'];
    return typeof sql === 'string' && sql.trim() !== '' ? [{ model: m.name, sql }] : [];
  });
}

export interface DataVersion {
  /** '' when no model has a refresh key; otherwise a hash of the latest answers. */
  current(): Promise<string>;
  /** The same for the models a query reads: '' when none of them has a refresh key. */
  forModels(models: readonly string[]): Promise<string>;
  /** forModels without waiting: undefined when a check is due (only forModels starts one). */
  forModelsNow(models: readonly string[]): string | undefined;
}

export interface DataVersionOptions {
  readonly warehouse: Warehouse;
  readonly keys: readonly RefreshKey[];
  /** At most one check per interval; in between the last version is reused. */
  readonly intervalMs: number;
  readonly now?: () => number;
  readonly onCheckFailed?: (model: string, err: unknown) => void;
}

export function createDataVersion(opts: DataVersionOptions): DataVersion {
  const now = opts.now ?? Date.now;
  let version = '';
  let checkedAt = -Infinity;
  let checking: Promise<string> | undefined;
  const answers = new Map<string, string>();
  const keyed = new Set(opts.keys.map((k) => k.model));
  // Versions per models list (the cached engine passes one array per query), emptied by each check.
  let perModels = new WeakMap<readonly string[], string>();

  const check = async (): Promise<string> => {
    for (const key of opts.keys) {
      try {
        const { rows } = await opts.warehouse.query(key.sql);
        answers.set(key.model, JSON.stringify(rows));
      } catch (e) {
        // Keep the last known answer: a failing check must not empty or churn the cache.
        opts.onCheckFailed?.(key.model, e);
      }
    }
    checkedAt = now();
    version = createHash('sha256').update(JSON.stringify([...answers])).digest('hex').slice(0, 16);
    perModels = new WeakMap();
    return version;
  };

  const current = async (): Promise<string> => {
    if (opts.keys.length === 0) return '';
    if (now() - checkedAt < opts.intervalMs) return version;
    checking ??= check().finally(() => (checking = undefined));
    return checking;
  };

  /** The version of `models` from the last check's answers. */
  const versionOf = (models: readonly string[]): string => {
    let v = perModels.get(models);
    if (v === undefined) {
      const own = models.filter((m) => keyed.has(m)).map((m) => [m, answers.get(m) ?? null]);
      v = createHash('sha256').update(JSON.stringify(own)).digest('hex').slice(0, 16);
      perModels.set(models, v);
    }
    return v;
  };
  const unkeyed = (models: readonly string[]) => !models.some((m) => keyed.has(m));

  return {
    current,
    async forModels(models) {
      if (unkeyed(models)) return '';
      await current();
      return versionOf(models);
    },
    forModelsNow(models) {
      if (unkeyed(models)) return '';
      return now() - checkedAt < opts.intervalMs ? versionOf(models) : undefined;
    },
  };
}
