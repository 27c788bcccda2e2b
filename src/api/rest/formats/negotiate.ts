/**
 * Content negotiation for result routes: `?format=` wins, else the Accept header (RFC 9110 §12.5.1:
 * the most specific matching range gives a type its quality; highest quality wins, ties go to the
 * route's first format). Nothing acceptable → 406 NOT_ACCEPTABLE.
 */
import { MaatstafError } from '../../../core/errors.js';

export type ResultFormat = 'json' | 'csv';

export const MEDIA_TYPES: Record<ResultFormat, string> = { json: 'application/json', csv: 'text/csv' };

export function isResultFormat(value: unknown): value is ResultFormat {
  return typeof value === 'string' && Object.hasOwn(MEDIA_TYPES, value);
}

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p.replace(/\s+/g, ''));
      if (m) q = Math.min(1, Math.max(0, Number(m[1]) || 0));
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** Quality of a media type under the ranges: the most specific matching range decides. */
function quality(mediaType: string, ranges: readonly MediaRange[]): number {
  const [type, subtype] = mediaType.split('/');
  let best: { specificity: number; q: number } | undefined;
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
    if (specificity < 0) continue;
    if (!best || specificity > best.specificity || (specificity === best.specificity && r.q > best.q)) best = { specificity, q: r.q };
  }
  return best?.q ?? 0;
}

/** Picks the response format; throws NOT_ACCEPTABLE when none of `offered` is acceptable. */
export function negotiateFormat(accept: string | undefined, explicit: ResultFormat | undefined, offered: readonly ResultFormat[]): ResultFormat {
  const available = offered.map((f) => MEDIA_TYPES[f]);
  if (explicit !== undefined) {
    if (offered.includes(explicit)) return explicit;
    throw new MaatstafError('NOT_ACCEPTABLE', `format '${explicit}' is not available here; available: ${available.join(', ')}.`, {
      name: explicit,
      path: 'format',
      available,
    });
  }
  const ranges = accept === undefined || accept.trim() === '' ? [] : parseAccept(accept);
  if (ranges.length === 0) return offered[0]!;
  let chosen: { format: ResultFormat; q: number } | undefined;
  for (const format of offered) {
    const q = quality(MEDIA_TYPES[format], ranges);
    if (q > 0 && (!chosen || q > chosen.q)) chosen = { format, q };
  }
  if (chosen) return chosen.format;
  throw new MaatstafError('NOT_ACCEPTABLE', `cannot produce any of the types in Accept; available: ${available.join(', ')}.`, {
    name: accept!.slice(0, 200),
    available,
  });
}
