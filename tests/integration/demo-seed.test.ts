import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateWarehouse } from '../../src/demo/migrate.js';
import { isSeeded, seedDemo, type SeedProgress, type SeedResult } from '../../src/demo/seed.js';
import { DEMO_TABLES } from '../../src/demo/tables.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

/** Amsterdam wall-clock expression for a timestamptz column. */
const local = (column: string) => `(${column} AT TIME ZONE 'Europe/Amsterdam')`;

describe.each(ENGINES)('demo seed (scale 0.05) on %s', (engine) => {
  let wh: TestWarehouse;
  let result: SeedResult;
  const progress: SeedProgress[] = [];
  const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> => (await wh.query<T>(sql, params)).rows[0] as T;

  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
    await migrateWarehouse(wh);
    result = await seedDemo(wh, { seed: 42, scale: 0.05, onProgress: (p) => progress.push(p) });
  });
  afterAll(async () => {
    await wh.dispose();
  });

  it('fills every table, returns the row counts and reports progress per table', async () => {
    expect(await isSeeded(wh)).toBe(true);
    for (const table of DEMO_TABLES) {
      const { n } = await one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      expect(n, table).toBe(result.rowCounts[table]);
      expect(n, table).toBeGreaterThan(0);
      const last = progress.filter((p) => p.table === table).at(-1);
      expect(last, table).toEqual({ table, done: n, total: n, final: true });
      expect(progress.filter((p) => p.table === table && p.final), table).toHaveLength(1);
    }
    expect(result.rowCounts).toMatchObject({ districts: 12, district_population: 12 * 36, calendar: 1826, daily_open_reports: 1096 * 13 * 10 });
    expect(result.rowCounts.public_space_reports).toBeGreaterThan(2_700);
    expect(result.rowCounts.public_space_reports).toBeLessThan(3_300);
  });

  it('marks the Dutch public holidays in the calendar', async () => {
    const { rows } = await wh.query<{ date_day: string; holiday_name: string }>(
      `SELECT date_day::text, holiday_name FROM calendar WHERE is_public_holiday AND date_day BETWEEN '2024-01-01' AND '2025-12-31' ORDER BY date_day`,
    );
    const byDate = Object.fromEntries(rows.map((r) => [r.date_day, r.holiday_name]));
    expect(byDate).toMatchObject({
      '2024-04-01': 'Tweede Paasdag',
      '2024-04-27': 'Koningsdag',
      '2024-05-09': 'Hemelvaartsdag',
      '2024-05-20': 'Tweede Pinksterdag',
      '2025-04-26': 'Koningsdag',
      '2025-05-05': 'Bevrijdingsdag',
    });
    expect(rows).toHaveLength(22);
    expect(byDate['2025-04-27']).toBeUndefined();
  });

  it('agrees with PostgreSQL on ISO weeks, weekdays and working days', async () => {
    const { bad } = await one<{ bad: number }>(`
      SELECT count(*)::int AS bad FROM calendar
      WHERE iso_year <> extract(isoyear FROM date_day) OR iso_week <> extract(week FROM date_day)
         OR day_of_week <> extract(isodow FROM date_day) OR is_weekend <> (day_of_week >= 6)
         OR is_workday <> (NOT is_weekend AND NOT is_public_holiday) OR quarter <> extract(quarter FROM date_day)`);
    expect(bad).toBe(0);
  });

  it('never has documents picked up on a Sunday or public holiday, and counter times fall in opening hours (local time, both DST regimes)', async () => {
    const { pickups, closed } = await one<{ pickups: number; closed: number }>(`
      SELECT count(*)::int AS pickups,
             count(*) FILTER (WHERE c.day_of_week = 7 OR c.is_public_holiday)::int AS closed
      FROM document_applications d JOIN calendar c ON c.date_day = ${local('d.picked_up_at')}::date`);
    expect(pickups).toBeGreaterThan(1_000);
    expect(closed).toBe(0);
    const { outside } = await one<{ outside: number }>(`
      SELECT count(*)::int AS outside FROM (
        SELECT location, ${local('applied_at')} AS t FROM document_applications
        UNION ALL SELECT location, ${local('picked_up_at')} FROM document_applications WHERE picked_up_at IS NOT NULL
        UNION ALL SELECT location, ${local('scheduled_at')} FROM appointments) v
      WHERE t::time < (CASE WHEN location = 'Stadskantoor' AND extract(isodow FROM t) <> 6 THEN '08:30' ELSE '09:00' END)::time
         OR t::time >= (CASE WHEN location <> 'Stadskantoor' THEN '16:00'
                             WHEN extract(isodow FROM t) = 4 THEN '20:00'
                             WHEN extract(isodow FROM t) = 6 THEN '12:30' ELSE '17:00' END)::time
         OR extract(isodow FROM t) = 7`);
    expect(outside).toBe(0);
  });

  it('converts local times to UTC correctly around DST: phone reports are in office hours all year', async () => {
    const { rows } = await wh.query<{ summer: boolean; first_hour: number; last_hour: number; n: number }>(`
      SELECT extract(month FROM received_at) BETWEEN 4 AND 9 AS summer,
             min(extract(hour FROM ${local('received_at')}))::int AS first_hour,
             max(extract(hour FROM ${local('received_at')}))::int AS last_hour, count(*)::int AS n
      FROM public_space_reports WHERE channel = 'phone' GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual([
      { summer: false, first_hour: 8, last_hour: 16, n: expect.any(Number) },
      { summer: true, first_hour: 8, last_hour: 16, n: expect.any(Number) },
    ]);
    // In UTC the same office hours start at 07:00 in winter but 06:00 in summer.
    const utcStart = await wh.query<{ summer: boolean; h: number }>(`
      SELECT extract(month FROM received_at) BETWEEN 4 AND 9 AS summer, min(extract(hour FROM received_at AT TIME ZONE 'UTC'))::int AS h
      FROM public_space_reports WHERE channel = 'phone' GROUP BY 1 ORDER BY 1`);
    expect(utcStart.rows).toEqual([{ summer: false, h: 7 }, { summer: true, h: 6 }]);
  });

  it('contains the deliberate data-quality flaws', async () => {
    const flaws = await one<{ no_district: number; backwards: number; total: number }>(`
      SELECT count(*) FILTER (WHERE district_id IS NULL)::int AS no_district,
             count(*) FILTER (WHERE resolved_at < received_at)::int AS backwards, count(*)::int AS total
      FROM public_space_reports`);
    expect(flaws.backwards).toBe(20);
    expect(flaws.no_district).toBeGreaterThanOrEqual(3);
    expect(flaws.no_district / flaws.total).toBeLessThan(0.012);
  });

  it('computes the open-report snapshot consistently with the reports', async () => {
    const { duplicates } = await one<{ duplicates: number }>(`
      SELECT count(*)::int AS duplicates FROM (
        SELECT 1 FROM daily_open_reports GROUP BY snapshot_date, district_id, category HAVING count(*) > 1) d`);
    expect(duplicates).toBe(0);
    for (const date of ['2023-03-10', '2024-03-31', '2024-10-27', '2025-12-31']) {
      const { snapshot, direct } = await one<{ snapshot: number; direct: number }>(
        `SELECT (SELECT sum(open_count)::int FROM daily_open_reports WHERE snapshot_date = $1::date) AS snapshot,
                (SELECT count(*)::int FROM public_space_reports
                 WHERE ${local('received_at')}::date <= $1::date
                   AND (resolved_at IS NULL OR ${local('resolved_at')}::date > $1::date)
                   AND NOT coalesce(resolved_at < received_at, false)) AS direct`,
        [date],
      );
      expect(snapshot, date).toBe(direct);
      expect(snapshot, date).toBeGreaterThan(0);
    }
  });

  it('keeps absence recidivism (reported again within 12 months) equal across genders', async () => {
    const { rows } = await wh.query<{ gender: string; pupils: number; rate: number }>(`
      WITH pupils AS (
        SELECT r.pupil_pseudonym, min(r.gender) AS gender,
               bool_or(EXISTS (SELECT 1 FROM school_absence_reports r2 WHERE r2.pupil_pseudonym = r.pupil_pseudonym
                               AND r2.report_date > r.report_date AND r2.report_date <= r.report_date + interval '12 months')) AS again
        FROM school_absence_reports r GROUP BY r.pupil_pseudonym)
      SELECT gender, count(*)::int AS pupils, avg(again::int)::float8 AS rate FROM pupils GROUP BY gender ORDER BY gender`);
    expect(rows.map((r) => r.gender)).toEqual(['female', 'male']);
    expect(rows[0]!.pupils).toBeGreaterThan(50);
    expect(rows[0]!.rate).toBeGreaterThan(0.1);
    expect(Math.abs(rows[0]!.rate - rows[1]!.rate)).toBeLessThan(0.03);
  });

  it('links surveys to resolved reports (~25% response) and has ~7% appointment no-shows', async () => {
    const surveys = await one<{ orphans: number; rate: number }>(`
      SELECT count(*) FILTER (WHERE r.resolved_at IS NULL OR s.responded_at < r.resolved_at)::int AS orphans,
             (count(*)::float8 / (SELECT count(*) FROM public_space_reports WHERE resolved_at IS NOT NULL)) AS rate
      FROM survey_responses s LEFT JOIN public_space_reports r USING (report_id)`);
    expect(surveys.orphans).toBe(0);
    expect(surveys.rate).toBeGreaterThan(0.18);
    expect(surveys.rate).toBeLessThan(0.32);
    const { no_show } = await one<{ no_show: number }>(`SELECT avg((status = 'no_show')::int)::float8 AS no_show FROM appointments`);
    expect(no_show).toBeGreaterThan(0.04);
    expect(no_show).toBeLessThan(0.1);
  });

  it('has more reports on weekdays and in daytime, and leaves in autumn', async () => {
    const shape = await one<{ weekday: number; weekend: number; day: number; night: number; autumn: number; spring: number }>(`
      SELECT avg((extract(isodow FROM t) < 6)::int)::float8 AS weekday, avg((extract(isodow FROM t) >= 6)::int)::float8 AS weekend,
             avg((extract(hour FROM t) BETWEEN 8 AND 17)::int)::float8 AS day, avg((extract(hour FROM t) < 6)::int)::float8 AS night,
             count(*) FILTER (WHERE subcategory = 'bladafval' AND extract(month FROM t) IN (10, 11))::float8 AS autumn,
             count(*) FILTER (WHERE subcategory = 'bladafval' AND extract(month FROM t) IN (4, 5))::float8 AS spring
      FROM (SELECT ${local('received_at')} AS t, subcategory FROM public_space_reports) r`);
    expect(shape.weekday / 5).toBeGreaterThan((shape.weekend / 2) * 1.2);
    expect(shape.day).toBeGreaterThan(0.6);
    expect(shape.night).toBeLessThan(0.05);
    expect(shape.autumn).toBeGreaterThan(10 * Math.max(1, shape.spring));
  });

  it('rejects invalid options', async () => {
    await expect(seedDemo(wh, { scale: 0 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(seedDemo(wh, { seed: 1.5 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
