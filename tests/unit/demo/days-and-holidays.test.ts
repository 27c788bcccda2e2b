import { describe, expect, it } from 'vitest';
import { civilFromDay, dayFromCivil, formatDay, isoWeekday, isoWeekOf, parseDay } from '../../../src/demo/days.js';
import { dutchPublicHolidays, easterSunday, holidayNamesByDay, kingsDay } from '../../../src/demo/holidays.js';
import { WorkCalendar } from '../../../src/demo/work-calendar.js';

const holidays = (year: number) => Object.fromEntries(dutchPublicHolidays(year).map((h) => [h.name, formatDay(h.day)]));

describe('day numbers', () => {
  it('agree with Date.UTC for every day 1999..2031 and round-trip', () => {
    for (let ms = Date.UTC(1999, 0, 1); ms <= Date.UTC(2031, 11, 31); ms += 86_400_000) {
      const date = new Date(ms);
      const day = dayFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
      expect(day).toBe(ms / 86_400_000);
      expect(civilFromDay(day)).toEqual({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
      expect(isoWeekday(day)).toBe(date.getUTCDay() === 0 ? 7 : date.getUTCDay());
      expect(parseDay(formatDay(day))).toBe(day);
    }
  });

  it('compute ISO weeks, including weeks that belong to the neighbouring year', () => {
    expect(isoWeekOf(parseDay('2021-01-03'))).toEqual({ isoYear: 2020, isoWeek: 53 });
    expect(isoWeekOf(parseDay('2021-01-04'))).toEqual({ isoYear: 2021, isoWeek: 1 });
    expect(isoWeekOf(parseDay('2024-12-30'))).toEqual({ isoYear: 2025, isoWeek: 1 });
    expect(isoWeekOf(parseDay('2026-12-31'))).toEqual({ isoYear: 2026, isoWeek: 53 });
    expect(isoWeekOf(parseDay('2023-01-01'))).toEqual({ isoYear: 2022, isoWeek: 52 });
  });

  it('rejects malformed dates', () => {
    expect(() => parseDay('2024-3-1')).toThrow(RangeError);
  });
});

describe('Dutch public holidays', () => {
  it('finds Easter Sunday with the anonymous Gregorian algorithm', () => {
    const known = ['1818-03-22', '2000-04-23', '2022-04-17', '2023-04-09', '2024-03-31', '2025-04-20', '2026-04-05', '2038-04-25', '2285-03-22'];
    for (const date of known) expect(formatDay(easterSunday(Number(date.slice(0, 4))))).toBe(date);
  });

  it('lists the 2024 holidays', () => {
    expect(holidays(2024)).toEqual({
      Nieuwjaarsdag: '2024-01-01',
      'Goede Vrijdag': '2024-03-29',
      'Eerste Paasdag': '2024-03-31',
      'Tweede Paasdag': '2024-04-01',
      Koningsdag: '2024-04-27',
      Bevrijdingsdag: '2024-05-05',
      Hemelvaartsdag: '2024-05-09',
      'Eerste Pinksterdag': '2024-05-19',
      'Tweede Pinksterdag': '2024-05-20',
      'Eerste Kerstdag': '2024-12-25',
      'Tweede Kerstdag': '2024-12-26',
    });
  });

  it('moves Koningsdag to Saturday 26 April when the 27th is a Sunday (2014, 2025)', () => {
    expect(formatDay(kingsDay(2025))).toBe('2025-04-26');
    expect(formatDay(kingsDay(2014))).toBe('2014-04-26');
    expect(formatDay(kingsDay(2023))).toBe('2023-04-27');
    expect(holidays(2025)).toMatchObject({ Koningsdag: '2025-04-26', Hemelvaartsdag: '2025-05-29', 'Tweede Pinksterdag': '2025-06-09' });
  });

  it('joins the names of holidays that fall on one day (Hemelvaartsdag on Bevrijdingsdag in 2016)', () => {
    expect(holidayNamesByDay(2016, 2016).get(parseDay('2016-05-05'))).toBe('Bevrijdingsdag / Hemelvaartsdag');
    expect(holidayNamesByDay(2016, 2016).size).toBe(10);
  });
});

describe('WorkCalendar', () => {
  const work = new WorkCalendar(2023, 2026);

  it('knows working days', () => {
    expect(work.isWorkday(parseDay('2024-04-01'))).toBe(false); // Tweede Paasdag
    expect(work.isWorkday(parseDay('2024-04-02'))).toBe(true);
    expect(work.isWorkday(parseDay('2024-04-06'))).toBe(false); // Saturday
    expect(work.holidayName(parseDay('2024-05-09'))).toBe('Hemelvaartsdag');
  });

  it('adds working days across weekends and holidays', () => {
    // Thursday before Easter 2024 + 1 → skips Good Friday, the weekend and Easter Monday.
    expect(formatDay(work.addWorkdays(parseDay('2024-03-28'), 1))).toBe('2024-04-02');
    expect(formatDay(work.addWorkdays(parseDay('2024-03-30'), 5))).toBe('2024-04-08');
    expect(formatDay(work.workdayOnOrAfter(parseDay('2024-12-25')))).toBe('2024-12-27');
    expect(() => work.addWorkdays(parseDay('2026-12-30'), 10)).toThrow(RangeError);
  });
});
