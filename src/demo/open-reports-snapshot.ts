/**
 * The `daily_open_reports` snapshot, computed in SQL from `public_space_reports` after they are
 * inserted: for every day, district (including "unknown", NULL) and category, the number of reports
 * received on or before that day (Amsterdam dates) and not resolved by its end.
 */
import { formatDay } from './days.js';
import { EVENTS_FIRST_DAY, EVENTS_LAST_DAY } from './period.js';
import { CATEGORIES } from './report-catalogue.js';

/** Local (Amsterdam) date of a timestamptz expression. */
const localDate = (expr: string): string => `(${expr} AT TIME ZONE 'Europe/Amsterdam')::date`;

/**
 * One statement with one parameter ($1: the categories). A running sum of +1 on the receiving day
 * and −1 on the resolving day. A resolution stamped before its receipt (a known data flaw) counts as
 * resolved on the receiving day, so such a report is never open.
 */
export function openReportsSnapshotSql(): { text: string; params: readonly unknown[] } {
  const text = `
INSERT INTO daily_open_reports (snapshot_date, district_id, category, open_count)
WITH changes AS (
  SELECT ${localDate('received_at')} AS day, coalesce(district_id, 0) AS district_key, category, 1 AS delta
  FROM public_space_reports
  UNION ALL
  SELECT ${localDate('greatest(resolved_at, received_at)')}, coalesce(district_id, 0), category, -1
  FROM public_space_reports WHERE resolved_at IS NOT NULL
), daily AS (
  SELECT day, district_key, category, sum(delta) AS delta FROM changes GROUP BY day, district_key, category
), grid AS (
  SELECT c.date_day, d.district_key, k.category
  FROM calendar c
  CROSS JOIN (SELECT district_id AS district_key FROM districts UNION ALL SELECT 0) d
  CROSS JOIN unnest($1::text[]) AS k(category)
  WHERE c.date_day BETWEEN DATE '${formatDay(EVENTS_FIRST_DAY)}' AND DATE '${formatDay(EVENTS_LAST_DAY)}'
)
SELECT g.date_day, nullif(g.district_key, 0), g.category,
       sum(coalesce(dl.delta, 0)) OVER (PARTITION BY g.district_key, g.category ORDER BY g.date_day)::int
FROM grid g
LEFT JOIN daily dl ON dl.day = g.date_day AND dl.district_key = g.district_key AND dl.category = g.category`;
  return { text, params: [[...CATEGORIES]] };
}
