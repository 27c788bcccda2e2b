/**
 * Dutch public holidays (nationale feestdagen), as a municipality's offices observe them.
 * Bevrijdingsdag is treated as a day off every year (officially only every fifth year for many
 * employers, but the municipality closes its counters).
 */
import { dayFromCivil, isoWeekday, type Day } from './days.js';

export interface PublicHoliday {
  readonly day: Day;
  readonly name: string;
}

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): Day {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayFromCivil(year, month, day);
}

/** Koningsdag: 27 April, moved to Saturday 26 April when the 27th is a Sunday. */
export function kingsDay(year: number): Day {
  const day = dayFromCivil(year, 4, 27);
  return isoWeekday(day) === 7 ? day - 1 : day;
}

/** The public holidays of one year, in date order. */
export function dutchPublicHolidays(year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  const holidays: PublicHoliday[] = [
    { day: dayFromCivil(year, 1, 1), name: 'Nieuwjaarsdag' },
    { day: easter - 2, name: 'Goede Vrijdag' },
    { day: easter, name: 'Eerste Paasdag' },
    { day: easter + 1, name: 'Tweede Paasdag' },
    { day: kingsDay(year), name: 'Koningsdag' },
    { day: dayFromCivil(year, 5, 5), name: 'Bevrijdingsdag' },
    { day: easter + 39, name: 'Hemelvaartsdag' },
    { day: easter + 49, name: 'Eerste Pinksterdag' },
    { day: easter + 50, name: 'Tweede Pinksterdag' },
    { day: dayFromCivil(year, 12, 25), name: 'Eerste Kerstdag' },
    { day: dayFromCivil(year, 12, 26), name: 'Tweede Kerstdag' },
  ];
  return holidays.sort((x, y) => x.day - y.day);
}

/**
 * Holiday names by day for a range of years. Two holidays can fall on one day (Hemelvaartsdag on
 * 5 May in 2016): their names are joined with " / ".
 */
export function holidayNamesByDay(firstYear: number, lastYear: number): Map<Day, string> {
  const names = new Map<Day, string>();
  for (let year = firstYear; year <= lastYear; year++) {
    for (const { day, name } of dutchPublicHolidays(year)) {
      const existing = names.get(day);
      names.set(day, existing ? `${existing} / ${name}` : name);
    }
  }
  return names;
}
