/**
 * Inhabitants per district on each reference date (peildatum): the first day of every month of the
 * event period. Fixed data, the same for every seed: each district grows (or shrinks) at its own
 * steady yearly rate and reaches its current population (geography.ts) on the last reference date.
 */
import type { TableSpec } from './bulk-insert.js';
import { formatDay, dayFromCivil, civilFromDay } from './days.js';
import { DISTRICTS, districtPopulation } from './geography.js';
import { EVENTS_FIRST_DAY, EVENTS_LAST_DAY } from './period.js';

export interface PopulationRow {
  readonly district_id: number;
  readonly reference_date: string;
  readonly inhabitants: number;
}

export const POPULATION_SPEC: TableSpec<PopulationRow> = {
  table: 'district_population',
  columns: [
    { name: 'district_id', type: 'int4' },
    { name: 'reference_date', type: 'date' },
    { name: 'inhabitants', type: 'int4' },
  ],
};

/** Yearly growth by district id: new-build districts grow, the countryside shrinks a little. */
const YEARLY_GROWTH: Readonly<Record<number, number>> = {
  1: 0.004, 2: 0.012, 3: 0.006, 4: 0.003, 5: 0.009, 6: 0.002,
  7: 0.021, 8: 0.008, 9: 0.001, 10: 0.011, 11: 0.005, 12: -0.006,
};

/** The first day of each month from the first to the last event month. */
export function referenceDates(): string[] {
  const first = civilFromDay(EVENTS_FIRST_DAY);
  const last = civilFromDay(EVENTS_LAST_DAY);
  const out: string[] = [];
  for (let y = first.year, m = first.month; y < last.year || (y === last.year && m <= last.month); m === 12 ? ((m = 1), y++) : m++) {
    out.push(formatDay(dayFromCivil(y, m, 1)));
  }
  return out;
}

export function populationRows(): PopulationRow[] {
  const dates = referenceDates();
  return DISTRICTS.flatMap((d) => {
    const current = districtPopulation(d);
    const growth = YEARLY_GROWTH[d.id] ?? 0;
    return dates.map((date, i) => {
      const yearsBeforeLast = (dates.length - 1 - i) / 12;
      return { district_id: d.id, reference_date: date, inhabitants: Math.round(current / (1 + growth) ** yearsBeforeLast) };
    });
  });
}
