/**
 * Issue 24 target: every demo metric by day × one dimension over one year answers in under 1 s on
 * PostgreSQL at demo scale. Spine-driven metrics (cumulative, offsets, join_to_timespine) are the
 * ones at risk: their time spine and windows must stay within the range the query needs.
 *
 * Times the warehouse statement the engine compiles (compile included, result cache not involved).
 */
import type { Engine } from '../engine/types.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { BenchSection } from './engine.bench.js';
import { fmt, percentile } from './stats.js';

export const SPINE_TARGET_MS = 1000;
/** The last full year of demo events. */
const YEAR = { start: '2025-01-01', end: '2025-12-31' } as const;

export interface SpineQuery {
  readonly metric: string;
  readonly dimension: string;
}

/** Every (visible) metric with the first categorical dimension it can be grouped by (metric_time and entities excluded). */
export function spineQueries(engine: Engine): SpineQuery[] {
  return engine.definitions.metrics
    .filter((m) => !m.hidden)
    .map((m) => m.name)
    .sort()
    .flatMap((metric) => {
      const items = [...engine.graph.availableItems([metric]).values()];
      const dimension = items.find((i) => i.spec.kind === 'dimension' && i.baseGrain === undefined);
      return dimension ? [{ metric, dimension: dimension.key }] : [];
    });
}

interface Measured extends SpineQuery {
  readonly rows: number;
  readonly p50: number;
  readonly max: number;
  readonly error?: string;
}

async function measure(wh: Warehouse, engine: Engine, q: SpineQuery, runs: number): Promise<Measured> {
  const samples: number[] = [];
  let rows = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const compiled = engine.compile({ metrics: [q.metric], groupBy: ['metric_time__day', q.dimension], timeRange: YEAR });
      rows = (await wh.query(compiled.sql, compiled.params)).rows.length;
      samples.push(performance.now() - t0);
    }
  } catch (e) {
    return { ...q, rows, p50: NaN, max: NaN, error: (e as Error).message.split('\n')[0] };
  }
  samples.sort((a, b) => a - b);
  return { ...q, rows, p50: percentile(samples, 50), max: samples.at(-1)! };
}

export const SPINE_SECTION_TITLE = 'Time spine: every metric by day × one dimension over one year';

export async function benchSpine(wh: Warehouse, engine: Engine, opts: { label: string; runs: number; reportRows: number }): Promise<BenchSection> {
  const results: Measured[] = [];
  for (const q of spineQueries(engine)) {
    process.stderr.write(`bench: spine ${q.metric} × ${q.dimension}\n`);
    results.push(await measure(wh, engine, q, opts.runs));
  }
  const missed = results.filter((r) => r.error !== undefined || r.max >= SPINE_TARGET_MS);
  return {
    title: SPINE_SECTION_TITLE,
    lines: [
      `Warehouse: ${opts.label}, demo scale (${opts.reportRows.toLocaleString('en')} report rows). Query per metric: ` +
        `group by \`metric_time__day\` and the metric's first categorical dimension, time range ${YEAR.start} … ${YEAR.end}; ` +
        `${opts.runs} runs each (compile + warehouse round trip, no result cache).`,
      '',
      '| metric | dimension | rows | p50 | max |',
      '|---|---|---|---|---|',
      ...results.map((r) => `| ${r.metric} | ${r.dimension} | ${r.rows} | ${r.error ? `error: ${r.error}` : fmt(r.p50)} | ${r.error ? '' : fmt(r.max)} |`),
      '',
      `Target: every query under ${SPINE_TARGET_MS / 1000} s — ${missed.length === 0 ? 'met' : `NOT met by ${missed.map((r) => r.metric).join(', ')}`} ` +
        `(slowest: ${[...results].filter((r) => !r.error).sort((a, b) => b.max - a.max).slice(0, 1).map((r) => `${r.metric} ${fmt(r.max)}`).join('')}).`,
    ],
    failures: results.filter((r) => r.error !== undefined).map((r) => `${r.metric} by day × ${r.dimension}: ${r.error}`),
  };
}
