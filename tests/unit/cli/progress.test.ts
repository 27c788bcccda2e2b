/** The seed's progress in plain (non-TTY) logs: true percentages, 100 % only when a table is done (issue 22). */
import { describe, expect, it } from 'vitest';
import { createProgressReporter, type ProgressEvent } from '../../../src/cli/progress.js';

function linesFor(events: readonly ProgressEvent[]): string[] {
  let out = '';
  const stream = { isTTY: false, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  const reporter = createProgressReporter(stream);
  for (const e of events) reporter.onProgress(e);
  reporter.stop();
  return out.split('\n').filter((l) => l !== '');
}

describe('non-TTY seed progress', () => {
  it('prints the true percentage at each quarter passed, and 100 % once, at the end', () => {
    const t = 'public_space_reports';
    const events: ProgressEvent[] = [1000, 3000, 5000, 7000, 9000, 10_000].map((done) => ({ table: t, done, total: 12_000 }));
    events.push({ table: t, done: 12_000, total: 12_000, final: true });
    expect(linesFor(events)).toEqual([
      `seed ${t}: 1000/12000 rows (8%)`,
      `seed ${t}: 3000/12000 rows (25%)`,
      `seed ${t}: 7000/12000 rows (58%)`,
      `seed ${t}: 9000/12000 rows (75%)`,
      `seed ${t}: 12000 rows (100%)`,
    ]);
  });

  it('an estimate the table passes, or an unknown size, shows no percentage until the table is done', () => {
    expect(
      linesFor([
        { table: 'documents', done: 5000, total: 4000 },
        { table: 'documents', done: 10_000, total: 4000 },
        { table: 'population', done: 5000, total: 0 },
        { table: 'documents', done: 12_345, total: 12_345, final: true },
        { table: 'population', done: 5432, total: 5432, final: true },
      ]),
    ).toEqual(['seed documents: 12345 rows (100%)', 'seed population: 5432 rows (100%)']);
  });

  it('a table that finishes exactly at its estimate still gets its final line once', () => {
    expect(
      linesFor([
        { table: 'calendar', done: 0, total: 1826 },
        { table: 'calendar', done: 1826, total: 1826 },
        { table: 'calendar', done: 1826, total: 1826, final: true },
      ]),
    ).toEqual(['seed calendar: 0/1826 rows (0%)', 'seed calendar: 1826 rows (100%)']);
  });
});
