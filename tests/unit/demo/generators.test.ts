import { describe, expect, it } from 'vitest';
import { utcMsToAmsterdamLocal } from '../../../src/demo/amsterdam-time.js';
import { generateAppointments } from '../../../src/demo/appointments.js';
import { generateBenefitCases } from '../../../src/demo/benefit-cases.js';
import { generateCalendar } from '../../../src/demo/calendar-table.js';
import { parseDay } from '../../../src/demo/days.js';
import { generateDocumentApplications } from '../../../src/demo/document-applications.js';
import { DISTRICTS, districtRows, NEIGHBOURHOODS, TOTAL_POPULATION } from '../../../src/demo/geography.js';
import { CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY, makeWorkCalendar } from '../../../src/demo/period.js';
import { BACKWARDS_RESOLUTION_COUNT, generateReports, planReportCounts, type PublicSpaceReportRow } from '../../../src/demo/reports.js';
import { generateSchoolAbsence } from '../../../src/demo/school-absence.js';
import { addWorkingTime } from '../../../src/demo/working-time.js';

const work = makeWorkCalendar();
const reports = (seed: number, scale: number): PublicSpaceReportRow[] =>
  [...generateReports(seed, scale, work, planReportCounts(seed, scale, work))].map((e) => e.report);
const first = <T>(rows: Iterable<T>, n: number): T[] => {
  const out: T[] = [];
  for (const row of rows) {
    out.push(row);
    if (out.length === n) break;
  }
  return out;
};

describe('geography', () => {
  it('has 12 districts of a ~110,000-inhabitant municipality, each with several neighbourhoods', () => {
    expect(DISTRICTS).toHaveLength(12);
    expect(TOTAL_POPULATION).toBeGreaterThan(105_000);
    expect(TOTAL_POPULATION).toBeLessThan(115_000);
    for (const d of districtRows()) {
      const hoods = NEIGHBOURHOODS.filter((n) => n.districtId === d.district_id);
      expect(hoods.length).toBeGreaterThanOrEqual(2);
      expect(hoods.reduce((s, n) => s + n.population, 0)).toBe(d.population);
    }
  });
});

describe('generators (no database)', () => {
  it('the calendar has one row per day 2022..2026', () => {
    const rows = [...generateCalendar(CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY, work)];
    expect(rows).toHaveLength(1826);
    expect(rows[0]).toMatchObject({ date_day: '2022-01-01', iso_year: 2021, iso_week: 52, day_of_week: 6, is_public_holiday: true, holiday_name: 'Nieuwjaarsdag', is_workday: false });
    expect(rows.filter((r) => r.is_public_holiday)).toHaveLength(55);
  });

  it('reports are deterministic per seed and ~20,000 a year at scale 1', () => {
    const a = reports(42, 0.1);
    expect(reports(42, 0.1)).toEqual(a);
    expect(first(reports(7, 0.1), 50)).not.toEqual(first(a, 50));
    expect(a.length).toBeGreaterThan(5_400);
    expect(a.length).toBeLessThan(6_600);
    expect(a.map((r) => r.report_id)).toEqual(a.map((_, i) => i + 1));
  });

  it('reports carry the deliberate flaws: exactly 20 resolved before received, ~0.5% without a district', () => {
    const rows = reports(42, 0.5);
    expect(rows.filter((r) => r.resolved_at !== null && r.resolved_at < r.received_at)).toHaveLength(BACKWARDS_RESOLUTION_COUNT);
    const missing = rows.filter((r) => r.district_id === null).length / rows.length;
    expect(missing).toBeGreaterThan(0.003);
    expect(missing).toBeLessThan(0.008);
  });

  it('phone reports arrive in office hours (08:00–17:00 local) on working days', () => {
    for (const r of reports(3, 0.1).filter((x) => x.channel === 'phone')) {
      const { day, secondOfDay } = utcMsToAmsterdamLocal(Date.parse(r.received_at.replace(' ', 'T').replace('+00', 'Z')));
      expect(work.isWorkday(day)).toBe(true);
      expect(secondOfDay).toBeGreaterThanOrEqual(8 * 3600);
      expect(secondOfDay).toBeLessThan(17 * 3600);
    }
  });

  it('absence recidivism does not depend on gender, even in a small sample', () => {
    const rows = [...generateSchoolAbsence(42, 0.05, work)];
    const byPupil = new Map<string, { gender: string; dates: number[] }>();
    for (const r of rows) {
      const pupil = byPupil.get(r.pupil_pseudonym) ?? { gender: r.gender, dates: [] };
      pupil.dates.push(parseDay(r.report_date));
      byPupil.set(r.pupil_pseudonym, pupil);
    }
    const rate = (gender: string) => {
      const pupils = [...byPupil.values()].filter((p) => p.gender === gender);
      const again = pupils.filter((p) => p.dates.some((d, i) => i > 0 && d - (p.dates[i - 1] as number) <= 365));
      return again.length / pupils.length;
    };
    expect(byPupil.size).toBeGreaterThan(100);
    expect(Math.abs(rate('female') - rate('male'))).toBeLessThan(0.03);
  });

  it('civil-affairs and social generators are deterministic per seed', () => {
    expect(first(generateDocumentApplications(1, 0.05, work), 200)).toEqual(first(generateDocumentApplications(1, 0.05, work), 200));
    expect(first(generateAppointments(1, 0.05, work), 200)).toEqual(first(generateAppointments(1, 0.05, work), 200));
    expect(first(generateBenefitCases(1, 0.05, work), 200)).toEqual(first(generateBenefitCases(1, 0.05, work), 200));
    expect(first(generateAppointments(1, 0.05, work), 50)).not.toEqual(first(generateAppointments(2, 0.05, work), 50));
  });
});

describe('addWorkingTime', () => {
  const at = (date: string, hh: number, mm = 0) => ({ day: parseDay(date), secondOfDay: hh * 3600 + mm * 60 });

  it('stays within the day when the work fits before 17:00', () => {
    expect(addWorkingTime(work, at('2024-03-27', 10), 2 * 3600)).toEqual(at('2024-03-27', 12));
  });

  it('continues on the next working day, skipping Easter 2024 (Good Friday to Easter Monday)', () => {
    // Thursday 16:00 + 2 working hours → 1 hour on Thursday, 1 hour on Tuesday 2 April.
    expect(addWorkingTime(work, at('2024-03-28', 16), 2 * 3600)).toEqual(at('2024-04-02', 9));
  });

  it('starts at 08:00 on the next working day when received outside working hours', () => {
    expect(addWorkingTime(work, at('2024-03-30', 11), 30 * 60)).toEqual(at('2024-04-02', 8, 30));
    expect(addWorkingTime(work, at('2024-03-27', 6), 9 * 3600)).toEqual(at('2024-03-27', 17));
  });
});
