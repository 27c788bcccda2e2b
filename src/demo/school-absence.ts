/**
 * Compulsory-education absence reports (leerplicht verzuimmeldingen). Sensitive, fully synthetic and
 * pseudonymised. Recidivism (reported again within 12 months) is generated independently of gender,
 * and gender is assigned in balanced blocks within "recidivist" and "not", so the two rates stay
 * within a few points even in small samples.
 */
import type { TableSpec } from './bulk-insert.js';
import { civilFromDay, formatDay, isoWeekOf, type Day } from './days.js';
import { DISTRICTS, districtPopulation } from './geography.js';
import { EVENTS_FIRST_DAY, EVENTS_LAST_DAY } from './period.js';
import { pseudonymizer, Random, WeightedTable } from './random.js';
import type { WorkCalendar } from './work-calendar.js';

export type Gender = 'female' | 'male';

export interface SchoolAbsenceRow {
  readonly report_id: number;
  readonly pupil_pseudonym: string;
  readonly school: string;
  readonly age: number;
  readonly gender: Gender;
  readonly district_id: number;
  readonly absence_type: string;
  readonly report_date: string;
}

export const SCHOOL_ABSENCE_SPEC: TableSpec<SchoolAbsenceRow> = {
  table: 'school_absence_reports',
  columns: [
    { name: 'report_id', type: 'int4' }, { name: 'pupil_pseudonym', type: 'text' }, { name: 'school', type: 'text' },
    { name: 'age', type: 'int4' }, { name: 'gender', type: 'text' }, { name: 'district_id', type: 'int4' },
    { name: 'absence_type', type: 'text' }, { name: 'report_date', type: 'date' },
  ],
};

const PUPILS_PER_YEAR = 1100;
const PRIMARY = ['OBS De Regenboog', 'CBS De Wegwijzer', 'RKBS Sint Jozef', 'OBS Het Palet', 'Daltonschool De Molen', 'Jenaplanschool Vlietzoom'];
const SECONDARY = ['Stedelijk Lyceum Dijkstede', 'Het Vlietcollege', 'Christelijk College Hoogkamp', 'Havenkwartier College (vmbo)'];
const VOCATIONAL = 'ROC Dijkstede (mbo)';
const AGES = new WeightedTable([0.3, 0.5, 0.6, 0.6, 0.7, 0.8, 0.9, 1.2, 1.5, 1.9, 2.2, 2, 1.4].map((w, i) => [5 + i, w] as const));
const ABSENCE_TYPES = new WeightedTable([['relatief verzuim', 0.72], ['luxe verzuim', 0.16], ['signaalverzuim', 0.12]] as const);
const MONTH = [1.1, 1.1, 1.1, 1, 0.9, 1, 0.8, 0.2, 1.1, 1.1, 1.1, 0.9];
const DISTRICT_TABLE = new WeightedTable(DISTRICTS.map((d) => [d, districtPopulation(d) * (0.5 + d.deprivation / 2)] as const));
/** School holidays by ISO week: Christmas, spring (krokus), May, summer, autumn. */
const HOLIDAY_WEEKS = new Set([1, 8, 18, 29, 30, 31, 32, 33, 34, 43, 52]);

/** Gaps are kept clear of the 12-month boundary so "within 12 months" is never ambiguous. */
const REPEAT_GAP_DAYS: readonly [number, number] = [20, 300];
const LATE_REPEAT_GAP_DAYS: readonly [number, number] = [400, 600];
const RECIDIVISM_WINDOW_DAYS = 365;

function isSchoolDay(work: WorkCalendar, day: Day): boolean {
  return work.isWorkday(day) && !HOLIDAY_WEEKS.has(isoWeekOf(day).isoWeek);
}

function schoolDayOnOrAfter(work: WorkCalendar, day: Day): Day {
  let d = day;
  while (!isSchoolDay(work, d)) d++;
  return d;
}

/** Permuted blocks of two girls and two boys, one sequence per stratum (as in trial randomisation). */
class BalancedGender {
  private readonly blocks = new Map<string, Gender[]>();
  constructor(private readonly rng: Random) {}
  next(stratum: string): Gender {
    let block = this.blocks.get(stratum);
    if (!block || block.length === 0) {
      block = this.rng.shuffle<Gender>(['female', 'female', 'male', 'male']);
      this.blocks.set(stratum, block);
    }
    return block.pop() as Gender;
  }
}

function schoolFor(rng: Random, age: number, chosen: { primary?: string; secondary?: string }): string {
  if (age <= 11) return (chosen.primary ??= rng.pick(PRIMARY));
  return (chosen.secondary ??= age >= 16 && rng.chance(0.3) ? VOCATIONAL : rng.pick(SECONDARY));
}

export function* generateSchoolAbsence(seed: number, scale: number, work: WorkCalendar): Generator<SchoolAbsenceRow> {
  const rng = Random.stream(seed, 'school-absence');
  const genders = new BalancedGender(Random.stream(seed, 'school-absence-gender'));
  const yearWeight = new Map<number, number>();
  for (let day = EVENTS_FIRST_DAY; day <= EVENTS_LAST_DAY; day++) {
    if (!isSchoolDay(work, day)) continue;
    const { year, month } = civilFromDay(day);
    yearWeight.set(year, (yearWeight.get(year) ?? 0) + (MONTH[month - 1] as number));
  }
  const pupilPseudonym = pseudonymizer('l_', seed, 'pupil');
  let reportId = 0;
  let pupils = 0;
  for (let first = EVENTS_FIRST_DAY; first <= EVENTS_LAST_DAY; first++) {
    if (!isSchoolDay(work, first)) continue;
    const { year, month } = civilFromDay(first);
    const mean = (PUPILS_PER_YEAR * scale * (MONTH[month - 1] as number)) / (yearWeight.get(year) as number);
    for (let n = rng.poisson(mean); n > 0; n--) {
      const age = AGES.pick(rng);
      const birth = first - Math.floor(age * 365.25) - rng.int(0, 364);
      const recidivist = rng.chance(age <= 11 ? 0.22 : 0.32);
      const dates: Day[] = [first];
      if (recidivist) {
        let last = first;
        do {
          last = schoolDayOnOrAfter(work, last + rng.int(REPEAT_GAP_DAYS[0], REPEAT_GAP_DAYS[1]));
          dates.push(last);
        } while (dates.length < 4 && rng.chance(0.35));
      } else if (rng.chance(0.12)) {
        dates.push(schoolDayOnOrAfter(work, first + rng.int(LATE_REPEAT_GAP_DAYS[0], LATE_REPEAT_GAP_DAYS[1])));
      }
      const observed = dates.filter((d) => d <= EVENTS_LAST_DAY);
      const reportedAgain = observed.some((d, i) => i > 0 && d - (observed[i - 1] as Day) <= RECIDIVISM_WINDOW_DAYS);
      const gender = genders.next(reportedAgain ? 'again' : 'once');
      const pupil = pupilPseudonym(pupils++);
      const district = DISTRICT_TABLE.pick(rng).id;
      const chosen: { primary?: string; secondary?: string } = {};
      for (const date of observed) {
        const ageThen = Math.floor((date - birth) / 365.25);
        yield {
          report_id: ++reportId,
          pupil_pseudonym: pupil,
          school: schoolFor(rng, ageThen, chosen),
          age: ageThen,
          gender,
          district_id: district,
          absence_type: ABSENCE_TYPES.pick(rng),
          report_date: formatDay(date),
        };
      }
    }
  }
}
