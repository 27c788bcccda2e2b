/**
 * A small hourly warehouse for forecast tests: pickups at two offices over five weeks around the
 * spring DST change (4 March – 7 April 2024, Europe/Amsterdam), busy on weekday office hours,
 * none at night (gaps the forecast zero-fills), and definitions with a count, an average, a ratio
 * and a personal count (min_group_size 3).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wallClockAt } from '../../src/core/local-time.js';
import { loadEngine } from '../../src/engine/load-engine.js';
import type { Engine } from '../../src/engine/types.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

export const TZ = 'Europe/Amsterdam';
/** 2024-03-04 00:00 local (Monday) as an instant; 35 days of real hours follow (one is lost to DST). */
export const FIRST = Date.parse('2024-03-03T23:00:00Z');
export const LAST_LOCAL = '2024-04-07 23:00:00';

/** Pickups in a local hour: weekday office hours, Tuesdays busier; four at noon on weekends (so every day has people). */
export function pickupsAt(local: string): number {
  const day = (new Date(`${local.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7;
  const hour = Number(local.slice(11, 13));
  if (day >= 5) return hour === 12 ? 4 : 0;
  if (hour < 9 || hour >= 17) return 0;
  return (day === 1 ? 6 : 4) + (hour === 10 || hour === 11 ? 3 : 0) + ((Number(local.slice(8, 10)) * 7 + hour) % 3);
}

const DEFINITIONS = `
semantic_models:
  - name: fc_pickups
    model: ref('fc_pickups')
    config:
      meta:
        subject: person
    defaults:
      agg_time_dimension: picked_up_at
    entities:
      - name: pickup
        type: primary
        expr: pickup_id
      - name: person
        type: foreign
        expr: person_id
    dimensions:
      - name: picked_up_at
        type: time
        type_params:
          time_granularity: hour
      - name: office
        type: categorical
    measures:
      - name: pickups
        agg: count
        expr: "1"
      - name: wait_minutes
        agg: average
        expr: wait_minutes
      - name: tuesday_pickups
        agg: sum
        expr: "CASE WHEN EXTRACT(isodow FROM picked_up_at) = 2 THEN 1 ELSE 0 END"
metrics:
  - name: pickups
    type: simple
    type_params:
      measure: pickups
  - name: avg_wait
    type: simple
    type_params:
      measure: wait_minutes
  - name: tuesday_share
    type: ratio
    type_params:
      numerator: tuesday_pickups
      denominator: pickups
  - name: tuesday_pickups
    type: simple
    type_params:
      measure: tuesday_pickups
  - name: people_served
    type: simple
    type_params:
      measure: pickups
    config:
      meta:
        sensitivity: personal
        min_group_size: 3
`;

/** Creates and fills fc_pickups; returns the engine over the definitions above. */
export async function openForecastFixture(wh: Warehouse): Promise<{ engine: Engine; metricsDir: string; close(): Promise<void> }> {
  await wh.query('CREATE TABLE fc_pickups (pickup_id int PRIMARY KEY, person_id int, office text, picked_up_at timestamptz, wait_minutes numeric)');
  const values: string[] = [];
  let id = 0;
  for (let t = FIRST; wallClockAt(t, TZ) <= LAST_LOCAL; t += 3_600_000) {
    const n = pickupsAt(wallClockAt(t, TZ));
    for (let k = 0; k < n; k++) {
      id++;
      // Every pickup a different person: hourly cells of 4+ people, above k = 3 only where busy.
      values.push(`(${id}, ${id}, '${k % 2 ? 'Zuid' : 'Noord'}', '${new Date(t + (10 + k) * 60_000).toISOString()}', ${5 + (id % 7)})`);
    }
  }
  for (let i = 0; i < values.length; i += 500) await wh.query(`INSERT INTO fc_pickups VALUES ${values.slice(i, i + 500).join(',')}`);
  const metricsDir = await mkdtemp(join(tmpdir(), 'maatstaf-forecast-'));
  await writeFile(join(metricsDir, 'pickups.yml'), DEFINITIONS);
  const loaded = await loadEngine(metricsDir, wh);
  if (!loaded.engine) throw new Error(loaded.error);
  return { engine: loaded.engine, metricsDir, close: () => rm(metricsDir, { recursive: true, force: true }) };
}

/** Hand-written: every local wall-clock hour from 4 March to 7 April with its pickups (0 where none). */
export const HOURLY_SQL = `
  WITH spine AS (
    SELECT DISTINCT date_trunc('hour', s AT TIME ZONE '${TZ}') AS h
    FROM generate_series(timestamptz '2024-03-04 00:00:00+01', timestamptz '2024-04-07 23:00:00+02', interval '1 hour') AS s),
  counted AS (SELECT date_trunc('hour', picked_up_at AT TIME ZONE '${TZ}') AS h, count(*) AS n FROM fc_pickups GROUP BY 1)
  SELECT to_char(spine.h, 'YYYY-MM-DD HH24:MI:SS') AS h, coalesce(counted.n, 0)::int AS n
  FROM spine LEFT JOIN counted ON counted.h = spine.h ORDER BY spine.h`;
