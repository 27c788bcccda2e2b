/**
 * The URL query parser: find-my-way's own (fast-querystring), behind a text memo. Dashboards
 * repeat the same URLs; a repeat gets the same frozen object (src/api/rest/request-memo.ts),
 * parsed once, and the later steps (list parameters, validation) recognise it by identity.
 */
import querystring from 'fast-querystring';
import { createTextMemo } from '../api/rest/request-memo.js';

export function createQuerystringParser(): (text: string) => Record<string, unknown> {
  const seen = createTextMemo<Record<string, unknown>>();
  return (text) => seen.get(text) ?? seen.remember(text, text.length === 0 ? {} : (querystring.parse(text) as Record<string, unknown>));
}
