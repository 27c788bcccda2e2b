/**
 * Calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian). Integers make date
 * arithmetic exact and fast; strings are only made when rows are written.
 */

/** Days since 1970-01-01. */
export type Day = number;

export interface CivilDate {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
}

/** Howard Hinnant's days_from_civil. */
export function dayFromCivil(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Howard Hinnant's civil_from_days. */
export function civilFromDay(dayNumber: Day): CivilDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

// Formatting is hot (every date column of every row), so strings are cached per day.
const formatted = new Map<Day, string>();

/** `YYYY-MM-DD` (years 1000..9999). */
export function formatDay(dayNumber: Day): string {
  let text = formatted.get(dayNumber);
  if (text === undefined) {
    const { year, month, day } = civilFromDay(dayNumber);
    text = `${year}-${pad2(month)}-${pad2(day)}`;
    formatted.set(dayNumber, text);
  }
  return text;
}

/** Parses `YYYY-MM-DD`. */
export function parseDay(text: string): Day {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a date: '${text}'`);
  return dayFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** ISO day of week: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(dayNumber: Day): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

export interface IsoWeek {
  readonly isoYear: number;
  readonly isoWeek: number;
}

/** ISO 8601 week: the week (Monday..Sunday) belongs to the year that holds its Thursday. */
export function isoWeekOf(dayNumber: Day): IsoWeek {
  const thursday = dayNumber - isoWeekday(dayNumber) + 4;
  const isoYear = civilFromDay(thursday).year;
  return { isoYear, isoWeek: Math.floor((thursday - dayFromCivil(isoYear, 1, 1)) / 7) + 1 };
}

/** Every day from `first` to `last`, both inclusive. */
export function* daysBetween(first: Day, last: Day): Generator<Day> {
  for (let d = first; d <= last; d++) yield d;
}
