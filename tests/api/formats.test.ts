/** Content negotiation, CSV writing and URL list parameters (no server, no database). */
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/api/rest/formats/csv.js';
import { negotiateFormat } from '../../src/api/rest/formats/negotiate.js';
import { queryFromUrl } from '../../src/api/rest/url-query.js';
import { isMaatstafError } from '../../src/core/errors.js';
import { parseCsv } from './helpers/csv-parse.js';

describe('negotiateFormat', () => {
  const both = ['json', 'csv'] as const;
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['text/csv', 'csv'],
    ['TEXT/CSV; charset=utf-8', 'csv'],
    ['text/*', 'csv'],
    ['application/*', 'json'],
    ['text/csv, application/json', 'json'],
    ['text/csv;q=0.9, application/json;q=0.8', 'csv'],
    ['text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8', 'json'],
    ['*/*, text/csv;q=0', 'json'],
    ['garbage', 'json'],
  ])('Accept %j → %s', (accept, expected) => {
    expect(negotiateFormat(accept, undefined, both)).toBe(expected);
  });

  it('answers a remembered Accept header the same way, refusals included', () => {
    for (let i = 0; i < 3; i++) {
      expect(negotiateFormat('text/csv;q=0.9, application/json;q=0.8', undefined, both)).toBe('csv');
      expect(negotiateFormat('text/csv', undefined, ['json', 'csv'])).toBe('csv');
      expect(() => negotiateFormat('text/csv', undefined, ['json'])).toThrow(/available: application\/json/);
    }
  });

  it('lets ?format= win over Accept', () => {
    expect(negotiateFormat('application/json', 'csv', both)).toBe('csv');
  });

  it.each([['application/xml'], ['text/csv;q=0, application/json;q=0'], ['image/png, text/html']])('refuses %j with NOT_ACCEPTABLE', (accept) => {
    try {
      negotiateFormat(accept, undefined, both);
      expect.unreachable();
    } catch (e) {
      expect(isMaatstafError(e) && e.code).toBe('NOT_ACCEPTABLE');
      expect(isMaatstafError(e) && e.details.available).toEqual(['application/json', 'text/csv']);
    }
  });

  it('refuses CSV where only JSON is offered', () => {
    expect(() => negotiateFormat('text/csv', undefined, ['json'])).toThrow(/available: application\/json/);
    expect(() => negotiateFormat(undefined, 'csv', ['json'])).toThrow(/not available/);
  });
});

describe('toCsv (RFC 4180)', () => {
  const columns = [{ name: 'name' }, { name: 'n' }, { name: 'ok' }];

  it('writes a header row, CRLF line ends, and quotes only where needed', () => {
    const rows = [
      { name: 'plain', n: 1.5, ok: true },
      { name: 'a, b', n: -0.25, ok: false },
      { name: 'say "hi"', n: null, ok: null },
      { name: 'two\nlines', n: 1e21, ok: true },
      { name: 'café ☕', n: Number.NaN, ok: true },
    ];
    const text = toCsv(columns, rows);
    expect(text).toBe('name,n,ok\r\nplain,1.5,true\r\n"a, b",-0.25,false\r\n"say ""hi""",,\r\n"two\nlines",1e+21,true\r\ncafé ☕,,true\r\n');
    expect(parseCsv(text)).toEqual([
      ['name', 'n', 'ok'],
      ['plain', '1.5', 'true'],
      ['a, b', '-0.25', 'false'],
      ['say "hi"', '', ''],
      ['two\nlines', '1e+21', 'true'],
      ['café ☕', '', 'true'],
    ]);
  });

  it('adds a UTF-8 BOM on request and writes only the header for no rows', () => {
    expect(toCsv(columns, [], { bom: true })).toBe('\uFEFFname,n,ok\r\n');
  });

  it('writes numbers exactly as JSON does', () => {
    for (const n of [0.1 + 0.2, 1 / 3, 123456789.123456, -1e-7, 2 ** 53]) {
      expect(toCsv([{ name: 'n' }], [{ n }]).split('\r\n')[1]).toBe(JSON.stringify(n));
    }
  });
});

describe('queryFromUrl', () => {
  it('maps URL parameters onto the query model, leaving absent ones out', () => {
    expect(queryFromUrl({ metrics: ['a'], start: '2024-01-01' })).toEqual({ metrics: ['a'], timeRange: { start: '2024-01-01' } });
    expect(queryFromUrl({ groupBy: ['x'], where: ['f1', 'f2'], end: '2024-12-31', orderBy: ['-x'], limit: 0 })).toEqual({
      groupBy: ['x'],
      where: ['f1', 'f2'],
      timeRange: { end: '2024-12-31' },
      orderBy: ['-x'],
      limit: 0,
    });
    expect(queryFromUrl({})).toEqual({});
  });
});
