/**
 * The municipality's counters (civil affairs): opening hours, busy times of day and the spread of a
 * year's visits over its opening days. Closed on Sundays and public holidays.
 */
import { civilFromDay, isoWeekday, type Day } from './days.js';
import { EVENTS_FIRST_DAY, EVENTS_LAST_DAY } from './period.js';
import { WeightedTable, type Random } from './random.js';
import type { WorkCalendar } from './work-calendar.js';

export type Office = 'Stadskantoor' | 'Servicepunt Rietlanden';
export const OFFICES: readonly Office[] = ['Stadskantoor', 'Servicepunt Rietlanden'];
/** Share of counter visits per office. */
export const OFFICE_SHARE: Record<Office, number> = { Stadskantoor: 0.78, 'Servicepunt Rietlanden': 0.22 };

const h = (hour: number, minute = 0): number => hour * 3600 + minute * 60;

/** [open, close) in local seconds of the day, by ISO weekday (index 0 = Monday). */
const HOURS: Record<Office, readonly (readonly [number, number] | null)[]> = {
  // Late opening on Thursday, Saturday morning.
  Stadskantoor: [[h(8, 30), h(17)], [h(8, 30), h(17)], [h(8, 30), h(17)], [h(8, 30), h(20)], [h(8, 30), h(17)], [h(9), h(12, 30)], null],
  'Servicepunt Rietlanden': [[h(9), h(16)], [h(9), h(16)], [h(9), h(16)], [h(9), h(16)], [h(9), h(16)], null, null],
};

/** Opening hours of an office on a day, or null when it is closed. */
export function openingHours(office: Office, day: Day, work: WorkCalendar): readonly [number, number] | null {
  if (work.isHoliday(day)) return null;
  return HOURS[office][isoWeekday(day) - 1] ?? null;
}

export const LUNCH_START = h(12);
export const LUNCH_END = h(13, 45);

/**
 * A slot start within opening hours, weighted by time of day: busier at lunchtime (`lunchPeak`) and
 * just after opening, quieter near closing. Only slots that end by closing time and start at or after
 * `notBefore`; null when there is none.
 */
export function pickSlot(rng: Random, hours: readonly [number, number], slotSeconds: number, lunchPeak: number, notBefore = 0): number | null {
  // A numeric key (exact below 2^53): string keys made per call were the hot spot.
  const key = ((hours[0] * 86_400 + hours[1]) * 3_600 + slotSeconds) * 100 + Math.round(lunchPeak * 10);
  let slots = notBefore > 0 ? undefined : slotCache.get(key);
  if (!slots) {
    slots = slotTable(hours, slotSeconds, lunchPeak, notBefore);
    if (notBefore <= 0) slotCache.set(key, slots);
  }
  return slots ? slots.pick(rng) : null;
}

// A day has one of a few opening-hour shapes, so the weighted slot tables are few and reused.
const slotCache = new Map<number, WeightedTable<number> | null>();

function slotTable(hours: readonly [number, number], slotSeconds: number, lunchPeak: number, notBefore: number): WeightedTable<number> | null {
  const [open, close] = hours;
  const slots: [number, number][] = [];
  for (let start = open; start + slotSeconds <= close; start += slotSeconds) {
    if (start < notBefore) continue;
    let weight = 1;
    if (start >= LUNCH_START && start < LUNCH_END) weight = lunchPeak;
    else if (start < open + 3600) weight = 1.25;
    else if (start >= close - 1800) weight = 0.6;
    slots.push([start, weight]);
  }
  return slots.length > 0 ? new WeightedTable(slots) : null;
}

/**
 * How a year's visits to an office spread over its opening days: the share of its year's visits that
 * falls on each event day (shares sum to 1 per calendar year), from weekday weights (Mon..Sat) and a
 * monthly season.
 */
export function dailyShares(office: Office, work: WorkCalendar, weekdayWeights: readonly number[], season: readonly number[]): Float64Array {
  const shares = new Float64Array(EVENTS_LAST_DAY - EVENTS_FIRST_DAY + 1);
  const yearTotals = new Map<number, number>();
  for (let day = EVENTS_FIRST_DAY; day <= EVENTS_LAST_DAY; day++) {
    if (!openingHours(office, day, work)) continue;
    const { year, month } = civilFromDay(day);
    const weight = (weekdayWeights[isoWeekday(day) - 1] ?? 0) * (season[month - 1] ?? 1);
    shares[day - EVENTS_FIRST_DAY] = weight;
    yearTotals.set(year, (yearTotals.get(year) ?? 0) + weight);
  }
  for (let day = EVENTS_FIRST_DAY; day <= EVENTS_LAST_DAY; day++) {
    const i = day - EVENTS_FIRST_DAY;
    const total = yearTotals.get(civilFromDay(day).year);
    if (total) shares[i] = (shares[i] as number) / total;
  }
  return shares;
}
