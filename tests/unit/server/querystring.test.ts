import querystring from 'fast-querystring';
import { describe, expect, it } from 'vitest';
import { isFrozenInput } from '../../../src/core/frozen-input.js';
import { createQuerystringParser } from '../../../src/server/querystring.js';

describe('createQuerystringParser', () => {
  it("parses like Fastify's own parser and hands out one frozen object per repeated text", () => {
    const parse = createQuerystringParser();
    const text = 'metrics=reports_received,app_share&groupBy=metric_time__month&groupBy=report__channel&where=a%3D1';
    const first = parse(text);
    expect(first).toEqual(querystring.parse(text));
    expect(first['groupBy']).toEqual(['metric_time__month', 'report__channel']);
    expect(parse(text)).toBe(first);
    expect(isFrozenInput(first)).toBe(true);
    expect(Object.isFrozen(first['groupBy'])).toBe(true);
    expect(parse('metrics=other')).not.toBe(first);
    expect(parse('')).toEqual({});
  });

  it('parses texts too long to remember afresh each time', () => {
    const parse = createQuerystringParser();
    const long = `where=${'x'.repeat(5000)}`;
    const a = parse(long);
    expect(a['where']).toHaveLength(5000);
    expect(parse(long)).not.toBe(a);
  });
});
