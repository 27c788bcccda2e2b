import { describe, expect, it } from 'vitest';
import { formatRows, localDateTimeWithOffset } from '../../../src/engine/format-values.js';

describe('localDateTimeWithOffset', () => {
  it('adds the Amsterdam offset of the local wall-clock time, across DST', () => {
    expect(localDateTimeWithOffset('2024-03-31 01:30:00', 'Europe/Amsterdam')).toBe('2024-03-31T01:30:00+01:00');
    expect(localDateTimeWithOffset('2024-03-31 03:30:00', 'Europe/Amsterdam')).toBe('2024-03-31T03:30:00+02:00');
    expect(localDateTimeWithOffset('2024-07-01 12:00:00', 'Europe/Amsterdam')).toBe('2024-07-01T12:00:00+02:00');
    expect(localDateTimeWithOffset('2024-10-27 04:00:00', 'Europe/Amsterdam')).toBe('2024-10-27T04:00:00+01:00');
    expect(localDateTimeWithOffset('2024-01-15 08:00:00', 'UTC')).toBe('2024-01-15T08:00:00+00:00');
  });

  it('keeps an explicit offset', () => {
    expect(localDateTimeWithOffset('2024-01-15 08:00:00+00', 'Europe/Amsterdam')).toBe('2024-01-15T08:00:00+00:00');
  });
});

describe('formatRows', () => {
  it('formats by column type', () => {
    const rows = formatRows(
      [{ d: '2024-03-01', h: '2024-03-31 03:00:00', n: 3, s: 'x' }],
      [
        { name: 'd', kind: 'time', dataType: 'date' },
        { name: 'h', kind: 'time', dataType: 'datetime' },
        { name: 'n', kind: 'metric', dataType: 'number' },
        { name: 's', kind: 'dimension', dataType: 'string' },
      ],
      'Europe/Amsterdam',
    );
    expect(rows).toEqual([{ d: '2024-03-01', h: '2024-03-31T03:00:00+02:00', n: 3, s: 'x' }]);
  });
});
