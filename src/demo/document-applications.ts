/**
 * Identity documents and driving licences (burgerzaken): applied for at a counter, produced in about
 * five working days, picked up at the same counter on an opening day. Generated day by day.
 */
import { amsterdamLocalToUtcMs, formatUtc } from './amsterdam-time.js';
import type { TableSpec } from './bulk-insert.js';
import { civilFromDay, isoWeekday, type Day } from './days.js';
import { DISTRICTS, districtPopulation } from './geography.js';
import { dailyShares, LUNCH_END, LUNCH_START, OFFICE_SHARE, OFFICES, openingHours, pickSlot, type Office } from './offices.js';
import { EVENTS_FIRST_DAY, EVENTS_LAST_DAY, EXTRACT_MS } from './period.js';
import { Random, WeightedTable } from './random.js';
import type { WorkCalendar } from './work-calendar.js';

export type DocumentType = 'passport' | 'id_card' | 'driving_licence';
export type AgeBand = '0-17' | '18-64' | '65+';

export interface DocumentApplicationRow {
  readonly application_id: number;
  readonly document_type: DocumentType;
  readonly location: Office;
  readonly district_id: number;
  readonly applicant_age_band: AgeBand;
  readonly applied_at: string;
  /** Null while production is still running at the extract moment. */
  readonly ready_at: string | null;
  readonly picked_up_at: string | null;
  readonly counter_wait_minutes: number;
  readonly fee_eur: string;
}

export const DOCUMENTS_SPEC: TableSpec<DocumentApplicationRow> = {
  table: 'document_applications',
  columns: [
    { name: 'application_id', type: 'int4' }, { name: 'document_type', type: 'text' }, { name: 'location', type: 'text' },
    { name: 'district_id', type: 'int4' }, { name: 'applicant_age_band', type: 'text' }, { name: 'applied_at', type: 'timestamptz' },
    { name: 'ready_at', type: 'timestamptz' }, { name: 'picked_up_at', type: 'timestamptz' },
    { name: 'counter_wait_minutes', type: 'int4' }, { name: 'fee_eur', type: 'numeric' },
  ],
};

interface DocumentKind {
  readonly type: DocumentType;
  readonly perYear: number;
  /** 2024: ten years after the 2014 switch to 10-year validity, renewals peak. */
  readonly yearFactor: Readonly<Record<number, number>>;
  readonly ageBands: WeightedTable<AgeBand>;
  /** Fee by year: [minor, adult]. */
  readonly fees: Readonly<Record<number, readonly [string, string]>>;
}

const KINDS: readonly DocumentKind[] = [
  { type: 'passport', perYear: 5200, yearFactor: { 2023: 1, 2024: 1.35, 2025: 1.1 },
    ageBands: new WeightedTable<AgeBand>([['0-17', 0.25], ['18-64', 0.6], ['65+', 0.15]]),
    fees: { 2023: ['59.30', '77.90'], 2024: ['61.65', '81.40'], 2025: ['64.20', '84.70'] } },
  { type: 'id_card', perYear: 6400, yearFactor: { 2023: 1, 2024: 1.35, 2025: 1.1 },
    ageBands: new WeightedTable<AgeBand>([['0-17', 0.3], ['18-64', 0.55], ['65+', 0.15]]),
    fees: { 2023: ['38.65', '73.45'], 2024: ['40.80', '77.85'], 2025: ['42.40', '80.90'] } },
  { type: 'driving_licence', perYear: 3900, yearFactor: { 2023: 1, 2024: 1, 2025: 1 },
    ageBands: new WeightedTable<AgeBand>([['0-17', 0.04], ['18-64', 0.76], ['65+', 0.2]]),
    fees: { 2023: ['43.60', '43.60'], 2024: ['45.45', '45.45'], 2025: ['47.35', '47.35'] } },
];

const SEASON = [0.75, 0.85, 1.05, 1.2, 1.3, 1.25, 1.05, 0.8, 0.95, 1, 0.95, 0.7];
/** Applications by weekday (Mon..Sat): Monday is the busiest day. */
const APPLY_WEEKDAY = [1.35, 1, 0.95, 1.15, 0.85, 0.9];
const PICKUP_WEEKDAY = [1.5, 1, 1, 1.15, 0.85, 1.1, 0];
const WAIT_WEEKDAY = [1.6, 1, 0.95, 1.1, 0.9, 1.4, 1];
const DISTRICT_TABLE = new WeightedTable(DISTRICTS.map((d) => [d, districtPopulation(d)] as const));

interface Visit {
  readonly kind: DocumentKind;
  readonly office: Office;
  readonly second: number;
}

function pickupMs(rng: Random, work: WorkCalendar, office: Office, readyDay: Day, readySecond: number): number | null {
  if (rng.chance(0.015)) return null; // never collected (destroyed after three months)
  for (let day = readyDay; day <= readyDay + 90; day++) {
    const hours = openingHours(office, day, work);
    if (!hours) continue;
    const p = 0.16 * (PICKUP_WEEKDAY[isoWeekday(day) - 1] as number) * (day === readyDay ? 0.3 : 1);
    if (!rng.chance(p)) continue;
    const slot = pickSlot(rng, hours, 900, 2.4, day === readyDay ? readySecond + 900 : 0);
    if (slot === null) continue;
    return amsterdamLocalToUtcMs(day, slot + rng.int(0, 899));
  }
  return null;
}

export function* generateDocumentApplications(seed: number, scale: number, work: WorkCalendar): Generator<DocumentApplicationRow> {
  const counts = Random.stream(seed, 'document-counts');
  const rng = Random.stream(seed, 'document-details');
  const shares = new Map(OFFICES.map((o) => [o, dailyShares(o, work, APPLY_WEEKDAY, SEASON)] as const));
  let id = 0;
  for (let day = EVENTS_FIRST_DAY; day <= EVENTS_LAST_DAY; day++) {
    const year = civilFromDay(day).year;
    const visits: Visit[] = [];
    for (const office of OFFICES) {
      const hours = openingHours(office, day, work);
      const share = (shares.get(office) as Float64Array)[day - EVENTS_FIRST_DAY] as number;
      if (!hours || share === 0) continue;
      for (const kind of KINDS) {
        const mean = kind.perYear * (kind.yearFactor[year] ?? 1) * OFFICE_SHARE[office] * share * scale;
        for (let n = counts.poisson(mean); n > 0; n--) {
          visits.push({ kind, office, second: (pickSlot(rng, hours, 900, 1.9) as number) + rng.int(0, 899) });
        }
      }
    }
    visits.sort((a, b) => a.second - b.second);

    for (const { kind, office, second } of visits) {
      const appliedMs = amsterdamLocalToUtcMs(day, second);
      const readyDay = work.addWorkdays(day, 5 + (rng.chance(0.06) ? rng.int(1, 4) : 0));
      const readySecond = rng.int(9 * 3600, 11 * 3600);
      const readyMs = amsterdamLocalToUtcMs(readyDay, readySecond);
      const picked = pickupMs(rng, work, office, readyDay, readySecond);
      const ageBand = kind.ageBands.pick(rng);
      const lunch = second >= LUNCH_START && second < LUNCH_END ? 1.7 : 1;
      const peak = (kind.yearFactor[year] ?? 1) > 1.2 ? 1.25 : 1;
      const expectedWait = 6 * (WAIT_WEEKDAY[isoWeekday(day) - 1] as number) * lunch * peak * (office === 'Stadskantoor' ? 1 : 0.7);
      const fees = kind.fees[year] as readonly [string, string];
      yield {
        application_id: ++id,
        document_type: kind.type,
        location: office,
        district_id: DISTRICT_TABLE.pick(rng).id,
        applicant_age_band: ageBand,
        applied_at: formatUtc(appliedMs),
        ready_at: readyMs > EXTRACT_MS ? null : formatUtc(readyMs),
        picked_up_at: picked === null || picked > EXTRACT_MS ? null : formatUtc(picked),
        counter_wait_minutes: Math.round(rng.logNormal(expectedWait, 0.55)),
        fee_eur: ageBand === '0-17' ? fees[0] : fees[1],
      };
    }
  }
}
