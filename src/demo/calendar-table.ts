/** Rows of the `calendar` table: one per date, with ISO weeks and Dutch public holidays (the time spine). */
import type { TableSpec } from './bulk-insert.js';
import { civilFromDay, formatDay, isoWeekday, isoWeekOf, type Day } from './days.js';
import type { WorkCalendar } from './work-calendar.js';

export interface CalendarRow {
  readonly date_day: string;
  readonly iso_year: number;
  readonly iso_week: number;
  readonly year: number;
  readonly quarter: number;
  readonly month: number;
  readonly month_name: string;
  readonly day_of_month: number;
  /** ISO: 1 = Monday … 7 = Sunday. */
  readonly day_of_week: number;
  readonly day_name: string;
  readonly is_weekend: boolean;
  readonly is_public_holiday: boolean;
  readonly holiday_name: string | null;
  readonly is_workday: boolean;
}

export const CALENDAR_SPEC: TableSpec<CalendarRow> = {
  table: 'calendar',
  columns: [
    { name: 'date_day', type: 'date' },
    { name: 'iso_year', type: 'int4' },
    { name: 'iso_week', type: 'int4' },
    { name: 'year', type: 'int4' },
    { name: 'quarter', type: 'int4' },
    { name: 'month', type: 'int4' },
    { name: 'month_name', type: 'text' },
    { name: 'day_of_month', type: 'int4' },
    { name: 'day_of_week', type: 'int4' },
    { name: 'day_name', type: 'text' },
    { name: 'is_weekend', type: 'bool' },
    { name: 'is_public_holiday', type: 'bool' },
    { name: 'holiday_name', type: 'text' },
    { name: 'is_workday', type: 'bool' },
  ],
};

const MONTH_NAMES = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];
const DAY_NAMES = ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag'];

export function calendarRow(day: Day, work: WorkCalendar): CalendarRow {
  const { year, month, day: dayOfMonth } = civilFromDay(day);
  const { isoYear, isoWeek } = isoWeekOf(day);
  const dayOfWeek = isoWeekday(day);
  const holidayName = work.holidayName(day) ?? null;
  return {
    date_day: formatDay(day),
    iso_year: isoYear,
    iso_week: isoWeek,
    year,
    quarter: Math.ceil(month / 3),
    month,
    month_name: MONTH_NAMES[month - 1] as string,
    day_of_month: dayOfMonth,
    day_of_week: dayOfWeek,
    day_name: DAY_NAMES[dayOfWeek - 1] as string,
    is_weekend: dayOfWeek >= 6,
    is_public_holiday: holidayName !== null,
    holiday_name: holidayName,
    is_workday: work.isWorkday(day),
  };
}

export function* generateCalendar(first: Day, last: Day, work: WorkCalendar): Generator<CalendarRow> {
  for (let day = first; day <= last; day++) yield calendarRow(day, work);
}
