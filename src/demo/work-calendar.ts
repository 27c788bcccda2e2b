/**
 * Which days are working days in the municipality (Monday–Friday, not a public holiday), with O(1)
 * "n working days later" so resolution times can be working-day aware at any volume.
 */
import { civilFromDay, dayFromCivil, isoWeekday, type Day } from './days.js';
import { holidayNamesByDay } from './holidays.js';

export class WorkCalendar {
  readonly first: Day;
  readonly last: Day;
  private readonly holidays: Map<Day, string>;
  /** workdaysUpTo[d - first] = number of working days in [first, d]. */
  private readonly workdaysUpTo: Int32Array;
  private readonly workdays: Day[] = [];

  constructor(firstYear: number, lastYear: number) {
    this.first = dayFromCivil(firstYear, 1, 1);
    this.last = dayFromCivil(lastYear, 12, 31);
    this.holidays = holidayNamesByDay(firstYear, lastYear);
    this.workdaysUpTo = new Int32Array(this.last - this.first + 1);
    for (let d = this.first; d <= this.last; d++) {
      if (this.isWorkday(d)) this.workdays.push(d);
      this.workdaysUpTo[d - this.first] = this.workdays.length;
    }
  }

  holidayName(day: Day): string | undefined {
    return this.holidays.get(day);
  }

  isHoliday(day: Day): boolean {
    return this.holidays.has(day);
  }

  isWeekend(day: Day): boolean {
    return isoWeekday(day) >= 6;
  }

  isWorkday(day: Day): boolean {
    return !this.isWeekend(day) && !this.isHoliday(day);
  }

  /** The n-th working day strictly after `day` (n ≥ 1). */
  addWorkdays(day: Day, n: number): Day {
    this.check(day);
    const index = (this.workdaysUpTo[day - this.first] as number) + n - 1;
    const result = this.workdays[index];
    if (result === undefined) throw new RangeError(`working day ${n} after ${day} is beyond ${civilFromDay(this.last).year}`);
    return result;
  }

  /** `day` itself when it is a working day, else the next one. */
  workdayOnOrAfter(day: Day): Day {
    return this.isWorkday(day) ? day : this.addWorkdays(day, 1);
  }

  private check(day: Day): void {
    if (day < this.first || day > this.last) throw new RangeError(`day ${day} outside the work calendar`);
  }
}
