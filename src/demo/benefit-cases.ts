/**
 * Social assistance cases (bijstand, Participatiewet). Sensitive data, so fully synthetic and
 * pseudonymised. Cases start from 2012 so that 2023 opens with a settled caseload.
 */
import type { TableSpec } from './bulk-insert.js';
import { civilFromDay, formatDay } from './days.js';
import { DISTRICTS, districtPopulation } from './geography.js';
import { BENEFITS_FIRST_DAY, EVENTS_LAST_DAY } from './period.js';
import { pseudonymizer, Random, WeightedTable } from './random.js';
import type { WorkCalendar } from './work-calendar.js';

export type EndReason = 'work' | 'moved' | 'other';

export interface BenefitCaseRow {
  readonly case_id: number;
  readonly client_pseudonym: string;
  readonly district_id: number;
  readonly age_band: string;
  readonly household_type: string;
  readonly start_date: string;
  readonly end_date: string | null;
  readonly end_reason: EndReason | null;
}

export const BENEFIT_CASES_SPEC: TableSpec<BenefitCaseRow> = {
  table: 'benefit_cases',
  columns: [
    { name: 'case_id', type: 'int4' }, { name: 'client_pseudonym', type: 'text' }, { name: 'district_id', type: 'int4' },
    { name: 'age_band', type: 'text' }, { name: 'household_type', type: 'text' }, { name: 'start_date', type: 'date' },
    { name: 'end_date', type: 'date' }, { name: 'end_reason', type: 'text' },
  ],
};

const NEW_CASES_PER_YEAR = 950;
const YEAR_FACTOR: Readonly<Record<number, number>> = {
  2012: 1.05, 2013: 1.1, 2014: 1.1, 2015: 1.05, 2016: 1.05, 2017: 1, 2018: 1.05,
  2019: 0.97, 2020: 1.15, 2021: 0.95, 2022: 0.9, 2023: 0.95, 2024: 1, 2025: 1.02,
};

interface AgeBand {
  readonly band: string;
  /** Chance of a short spell (months rather than years). */
  readonly shortSpell: number;
  /** Chance that the case ends because the client found work. */
  readonly toWork: number;
}
const AGE_BANDS = new WeightedTable<AgeBand>([
  [{ band: '18-26', shortSpell: 0.6, toWork: 0.6 }, 0.16],
  [{ band: '27-39', shortSpell: 0.5, toWork: 0.5 }, 0.3],
  [{ band: '40-54', shortSpell: 0.4, toWork: 0.38 }, 0.3],
  [{ band: '55-66', shortSpell: 0.2, toWork: 0.15 }, 0.24],
]);
const HOUSEHOLDS = new WeightedTable([['single', 0.58], ['single_parent', 0.22], ['couple', 0.08], ['couple_with_children', 0.12]] as const);
const DISTRICT_TABLE = new WeightedTable(DISTRICTS.map((d) => [d, districtPopulation(d) * d.deprivation] as const));

/** Former clients who may come back (re-entry), most recent last. */
interface FormerClient {
  readonly pseudonym: string;
  readonly endDay: number;
}

export function* generateBenefitCases(seed: number, scale: number, work: WorkCalendar): Generator<BenefitCaseRow> {
  const rng = Random.stream(seed, 'benefit-cases');
  const workdaysPerYear = 253;
  const clientPseudonym = pseudonymizer('c_', seed, 'client');
  const former: FormerClient[] = [];
  let caseId = 0;
  let clients = 0;
  for (let day = BENEFITS_FIRST_DAY; day <= EVENTS_LAST_DAY; day++) {
    if (!work.isWorkday(day)) continue;
    const mean = (NEW_CASES_PER_YEAR * (YEAR_FACTOR[civilFromDay(day).year] ?? 1) * scale) / workdaysPerYear;
    for (let n = rng.poisson(mean); n > 0; n--) {
      const age = AGE_BANDS.pick(rng);
      const returning = rng.chance(0.12) ? former.findIndex((c) => c.endDay < day - 30) : -1;
      const client = returning >= 0 ? (former.splice(returning, 1)[0] as FormerClient).pseudonym : clientPseudonym(clients++);
      const days = Math.round(rng.chance(age.shortSpell) ? rng.logNormal(240, 0.7) : rng.logNormal(1500, 0.8));
      const endDay = day + Math.max(28, days);
      const ended = endDay <= EVENTS_LAST_DAY;
      let endReason: EndReason | null = null;
      if (ended) {
        const u = rng.next();
        const toWork = age.toWork * (days > 1460 ? 0.5 : 1);
        endReason = u < toWork ? 'work' : u < toWork + 0.14 ? 'moved' : 'other';
        if (endReason !== 'moved') former.push({ pseudonym: client, endDay });
        if (former.length > 500) former.shift();
      }
      yield {
        case_id: ++caseId,
        client_pseudonym: client,
        district_id: DISTRICT_TABLE.pick(rng).id,
        age_band: age.band,
        household_type: HOUSEHOLDS.pick(rng),
        start_date: formatDay(day),
        end_date: ended ? formatDay(endDay) : null,
        end_reason: endReason,
      };
    }
  }
}
