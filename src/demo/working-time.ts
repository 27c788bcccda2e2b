/**
 * Working-time arithmetic in Amsterdam local time: crews and back offices work 08:00–17:00 on
 * working days, so "3.5 working days later" skips evenings, weekends and public holidays.
 */
import type { LocalTime } from './amsterdam-time.js';
import type { WorkCalendar } from './work-calendar.js';

export const WORK_START_SECOND = 8 * 3600;
export const WORK_END_SECOND = 17 * 3600;
export const WORKDAY_SECONDS = WORK_END_SECOND - WORK_START_SECOND;

/** The local time `workSeconds` of working time after `start` (starting at the next working moment). */
export function addWorkingTime(work: WorkCalendar, start: LocalTime, workSeconds: number): LocalTime {
  let day = start.day;
  let second = start.secondOfDay;
  if (!work.isWorkday(day) || second >= WORK_END_SECOND) {
    day = work.addWorkdays(day, 1);
    second = WORK_START_SECOND;
  } else if (second < WORK_START_SECOND) {
    second = WORK_START_SECOND;
  }
  const restOfDay = WORK_END_SECOND - second;
  if (workSeconds <= restOfDay) return { day, secondOfDay: second + Math.round(workSeconds) };
  const remaining = workSeconds - restOfDay;
  const extraDays = Math.ceil(remaining / WORKDAY_SECONDS);
  const intoLastDay = remaining - (extraDays - 1) * WORKDAY_SECONDS;
  return { day: work.addWorkdays(day, extraDays), secondOfDay: WORK_START_SECOND + Math.round(intoLastDay) };
}
