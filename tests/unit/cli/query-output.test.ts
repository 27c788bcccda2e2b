import { describe, expect, it } from 'vitest';
import type { OutputColumn } from '../../../src/core/query.js';
import { CliExit } from '../../../src/cli/fail.js';
import { formatCompiled } from '../../../src/cli/query.command.js';
import { queryFromUrl } from '../../../src/api/rest/url-query.js';
import { queryFromFlags } from '../../../src/cli/query-flags.js';
import { formatCsv, formatTable } from '../../../src/cli/table-output.js';

const columns: OutputColumn[] = [
  { name: 'report__category', kind: 'dimension', dataType: 'string' },
  { name: 'reports_received', kind: 'metric', dataType: 'number' },
];

describe('query flags', () => {
  it('build the query model from comma lists, repeated --where and a time range', () => {
    expect(
      queryFromFlags({ metrics: 'a, b', groupBy: 'metric_time__month,report__category', where: ['x = 1', 'y, z'], start: '2024-01-01', orderBy: '-a', limit: '10' }),
    ).toEqual({
      metrics: ['a', 'b'],
      groupBy: ['metric_time__month', 'report__category'],
      where: ['x = 1', 'y, z'],
      timeRange: { start: '2024-01-01' },
      orderBy: ['-a'],
      limit: 10,
    });
    expect(queryFromFlags({ metrics: 'a' })).toEqual({ metrics: ['a'], groupBy: [], orderBy: [] });
  });

  it('build forecast and anomalies from the --forecast-* and --anomal* flags, as GET /v1/query does from its parameters', () => {
    const flags = { metrics: 'a', groupBy: 'metric_time__hour', forecastHorizon: '168', forecastLevel: '0.8', forecastMethod: 'mstl', seasonalPeriods: '24,168', anomalyLevel: '0.95' };
    const fromFlags = queryFromFlags(flags);
    expect(fromFlags).toEqual({
      metrics: ['a'],
      groupBy: ['metric_time__hour'],
      orderBy: [],
      forecast: { horizon: 168, level: 0.8, method: 'mstl', seasonalPeriods: [24, 168] },
      anomalies: { level: 0.95 },
    });
    const url = queryFromUrl({ metrics: ['a'], groupBy: ['metric_time__hour'], forecastHorizon: 168, forecastLevel: 0.8, forecastMethod: 'mstl', seasonalPeriods: [24, 168], anomalyLevel: 0.95 });
    expect(url).toEqual({ metrics: ['a'], groupBy: ['metric_time__hour'], forecast: fromFlags.forecast, anomalies: fromFlags.anomalies });
    expect(queryFromFlags({ metrics: 'a', anomalies: true }).anomalies).toEqual({});
  });

  it('reject a bad --limit as a usage error (exit 2)', () => {
    const err = (() => {
      try {
        queryFromFlags({ metrics: 'a', limit: 'ten' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CliExit);
    expect(err).toMatchObject({ exitCode: 2, message: "invalid --limit 'ten': must be a whole number >= 0" });
  });
});

describe('result output', () => {
  const rows = [
    { report__category: 'afval', reports_received: 1234 },
    { report__category: 'groen, "bomen"', reports_received: 5.5 },
    { report__category: null, reports_received: 7 },
  ];

  it('aligns a text table, numbers to the right', () => {
    expect(formatTable({ columns, rows })).toBe(
      [
        'report__category  reports_received',
        '----------------  ----------------',
        'afval                         1234',
        'groen, "bomen"                 5.5',
        '                                 7',
        '(3 rows)',
        '',
      ].join('\n'),
    );
  });

  it('writes RFC 4180 CSV', () => {
    expect(formatCsv({ columns, rows })).toBe('report__category,reports_received\r\nafval,1234\r\n"groen, ""bomen""",5.5\r\n,7\r\n');
  });

  it('prints compiled SQL with its parameters', () => {
    expect(formatCompiled({ sql: 'SELECT $1', params: ['Europe/Amsterdam'], columns: [], models: [] })).toBe('SELECT $1\n-- $1 = "Europe/Amsterdam"\n');
  });
});
