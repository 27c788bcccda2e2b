/** The time frame of the demo municipality's data. */
import { amsterdamLocalToUtcMs } from './amsterdam-time.js';
import { dayFromCivil } from './days.js';
import { WorkCalendar } from './work-calendar.js';

/** The `calendar` table (time spine) covers these days. */
export const CALENDAR_FIRST_DAY = dayFromCivil(2022, 1, 1);
export const CALENDAR_LAST_DAY = dayFromCivil(2026, 12, 31);

/** Events (reports, applications, appointments, absence reports) happen on these days. */
export const EVENTS_FIRST_DAY = dayFromCivil(2023, 1, 1);
export const EVENTS_LAST_DAY = dayFromCivil(2025, 12, 31);

/** Benefit cases reach further back (long spells last years), so 2023 opens with a settled caseload. */
export const BENEFITS_FIRST_DAY = dayFromCivil(2012, 1, 1);

/**
 * The moment the data were extracted: midnight at the end of the last event day, Amsterdam time.
 * Anything that would happen later (a resolution, a pickup, a survey answer) is not known yet.
 */
export const EXTRACT_MS = amsterdamLocalToUtcMs(EVENTS_LAST_DAY + 1, 0);

/** Wide enough for every "n working days later" the generators ask for. */
export function makeWorkCalendar(): WorkCalendar {
  return new WorkCalendar(2010, 2028);
}
