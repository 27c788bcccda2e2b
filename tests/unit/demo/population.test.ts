/** The population register of the demo: inhabitants per district on the first day of each month. */
import { describe, expect, it } from 'vitest';
import { DISTRICTS, districtPopulation, TOTAL_POPULATION } from '../../../src/demo/geography.js';
import { populationRows, referenceDates } from '../../../src/demo/population.js';

describe('district population by reference date', () => {
  it('has a reference date on the first of every month of 2023–2025', () => {
    const dates = referenceDates();
    expect(dates).toHaveLength(36);
    expect(dates[0]).toBe('2023-01-01');
    expect(dates[12]).toBe('2024-01-01');
    expect(dates.at(-1)).toBe('2025-12-01');
    expect(dates.every((d) => d.endsWith('-01'))).toBe(true);
  });

  it('reaches each district’s current population on the last reference date, and is fixed data', () => {
    const rows = populationRows();
    expect(rows).toHaveLength(DISTRICTS.length * 36);
    const last = rows.filter((r) => r.reference_date === '2025-12-01');
    expect(last.map((r) => r.inhabitants)).toEqual(DISTRICTS.map(districtPopulation));
    expect(last.reduce((s, r) => s + r.inhabitants, 0)).toBe(TOTAL_POPULATION);
    expect(populationRows()).toEqual(rows);
    // Growing districts had fewer inhabitants three years earlier; the countryside had more.
    const at = (id: number, date: string) => rows.find((r) => r.district_id === id && r.reference_date === date)!.inhabitants;
    expect(at(7, '2023-01-01')).toBeLessThan(at(7, '2025-12-01'));
    expect(at(12, '2023-01-01')).toBeGreaterThan(at(12, '2025-12-01'));
  });
});
