/** An unquoted text value in a filter is answered with the quoted form to write (issue 22). */
import { describe, expect, it } from 'vitest';
import { isMaatstafError } from '../../../src/core/errors.js';
import { parseFilter } from '../../../src/planner/filters/index.js';

const D = "{{ Dimension('report__category') }}";

function problem(text: string): { message: string; name?: string | undefined } {
  try {
    parseFilter(text);
  } catch (e) {
    if (isMaatstafError(e)) return { message: e.message, name: e.details.name };
    throw e;
  }
  throw new Error(`accepted: ${text}`);
}

describe('unquoted text values', () => {
  it.each<[string, string, string]>([
    ['compared with a Jinja call', `${D} = afval`, 'afval'],
    ['on the left', `Afval <> ${D}`, 'Afval'],
    ['compared with a bare group-by name', 'report__category = afval', 'afval'],
    ['in an IN list', `${D} IN ('grof', Afval)`, 'Afval'],
    ['as a LIKE pattern', `${D} LIKE afval`, 'afval'],
  ])('%s: says to quote it, as written', (_label, text, word) => {
    const p = problem(text);
    expect(p.message).toContain(`text values need quotes: '${word}'`);
    expect(p.message).not.toContain('Dimension(');
    expect(p.name).toBe(word);
  });

  it('the quoted form parses', () => {
    expect(parseFilter(`${D} = 'afval'`).refs).toHaveLength(1);
  });

  it('a bare name that is not a value still gets the Jinja hint', () => {
    expect(problem("report_district = 'Centrum'").message).toMatch(/names in filters must be Jinja calls/);
  });
});
