import { describe, expect, it } from 'vitest';
import { amsterdamLocalToUtcMs, amsterdamOffsetHours, formatUtc, utcMsToAmsterdamLocal } from '../../../src/demo/amsterdam-time.js';
import { formatDay, parseDay } from '../../../src/demo/days.js';
import { Random } from '../../../src/demo/random.js';

const intlParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
/** Amsterdam wall-clock text of an instant, by Intl (the reference). */
function intlLocal(ms: number): string {
  const p = Object.fromEntries(intlParts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
function ownLocal(ms: number): string {
  const { day, secondOfDay } = utcMsToAmsterdamLocal(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatDay(day)} ${pad(Math.floor(secondOfDay / 3600))}:${pad(Math.floor((secondOfDay % 3600) / 60))}:${pad(secondOfDay % 60)}`;
}
const utc = (iso: string) => Date.parse(iso);
const local = (date: string, hh: number, mm = 0) => amsterdamLocalToUtcMs(parseDay(date), hh * 3600 + mm * 60);

describe('Europe/Amsterdam time', () => {
  it('agrees with Intl on 20,000 random instants 2015..2030 and round-trips wall-clock times', () => {
    const rng = new Random(5);
    const from = utc('2015-01-01T00:00:00Z');
    const to = utc('2030-12-31T00:00:00Z');
    for (let i = 0; i < 20_000; i++) {
      const ms = from + Math.floor(rng.next() * ((to - from) / 1000)) * 1000;
      expect(ownLocal(ms)).toBe(intlLocal(ms));
      const { day, secondOfDay } = utcMsToAmsterdamLocal(ms);
      const back = amsterdamLocalToUtcMs(day, secondOfDay);
      // Only the repeated autumn hour is ambiguous; there the earlier (summer-time) instant wins.
      if (back !== ms) expect(back).toBe(ms - 3_600_000);
    }
  });

  it('handles the spring-forward day (31 March 2024): 02:00–03:00 does not exist', () => {
    expect(formatUtc(local('2024-03-31', 1, 59))).toBe('2024-03-31 00:59:00+00');
    expect(formatUtc(local('2024-03-31', 3, 0))).toBe('2024-03-31 01:00:00+00');
    // A gap time moves forward by an hour, like Temporal's 'compatible'.
    expect(formatUtc(local('2024-03-31', 2, 30))).toBe('2024-03-31 01:30:00+00');
    expect(intlLocal(local('2024-03-31', 2, 30))).toBe('2024-03-31 03:30:00');
    expect(amsterdamOffsetHours(utc('2024-03-31T00:59:59Z'))).toBe(1);
    expect(amsterdamOffsetHours(utc('2024-03-31T01:00:00Z'))).toBe(2);
  });

  it('handles the fall-back day (27 October 2024): 02:00–03:00 happens twice', () => {
    expect(formatUtc(local('2024-10-27', 1, 30))).toBe('2024-10-26 23:30:00+00');
    expect(formatUtc(local('2024-10-27', 2, 30))).toBe('2024-10-27 00:30:00+00'); // the earlier one
    expect(formatUtc(local('2024-10-27', 3, 0))).toBe('2024-10-27 02:00:00+00');
    expect(ownLocal(utc('2024-10-27T01:30:00Z'))).toBe('2024-10-27 02:30:00'); // the later one, back to local
  });

  it('formats instants as PostgreSQL timestamptz text in UTC', () => {
    expect(formatUtc(utc('2025-12-31T23:00:00Z'))).toBe('2025-12-31 23:00:00+00');
    expect(formatUtc(utc('2023-07-05T09:04:05Z'))).toBe('2023-07-05 09:04:05+00');
  });
});
