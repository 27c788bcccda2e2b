/**
 * Splits a filter into its Jinja calls and the SQL around them. Like Jinja itself, every `{{` opens
 * a call wherever it is (also inside SQL quotes); `{% %}` statements and `{# #}` comments are not
 * supported. Each call is replaced by a placeholder identifier, padded with spaces so it is always
 * its own SQL token.
 */
import { ObjectSyntaxError, parseTemplateCall, type ObjectCall } from '../../definitions/object-syntax/call-parser.js';
import { FilterProblem, quoteFragment } from './filter-problem.js';
import type { FilterRef } from './filter-tree.js';
import { toFilterRef } from './jinja-refs.js';

/** Prefix of placeholder identifiers; filters may not contain it themselves. */
export const PLACEHOLDER_PREFIX = '__maatstaf_ref_';
export const PLACEHOLDER_PATTERN = /^__maatstaf_ref_(0|[1-9][0-9]{0,3})$/;

export function placeholderName(index: number): string {
  return `${PLACEHOLDER_PREFIX}${index}`;
}

export interface SplitTemplate {
  /** The SQL text with every call replaced by ` <placeholder> `. */
  readonly sql: string;
  readonly refs: readonly FilterRef[];
  /** The calls as written (`{{ Dimension('x__y') }}`), for messages. */
  readonly callTexts: readonly string[];
  /** For each character of `sql`, the index of the character of the original text it came from. */
  readonly originalIndex: readonly number[];
}

export function splitTemplate(text: string): SplitTemplate {
  if (text.toLowerCase().includes(PLACEHOLDER_PREFIX)) {
    throw new FilterProblem(`'${PLACEHOLDER_PREFIX}…' is a reserved name and cannot appear in a filter`);
  }
  let sql = '';
  const originalIndex: number[] = [];
  const refs: FilterRef[] = [];
  const callTexts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('{{', i)) {
      const { call, end } = parseCall(text, i + 2);
      refs.push(toFilterRef(call));
      callTexts.push(text.slice(i, end));
      const placeholder = ` ${placeholderName(refs.length - 1)} `;
      sql += placeholder;
      for (let k = 0; k < placeholder.length; k++) originalIndex.push(i);
      i = end;
    } else if (text.startsWith('{%', i) || text.startsWith('{#', i)) {
      throw new FilterProblem(
        `Jinja statements and comments ('${text.slice(i, i + 2)}' at character ${i + 1}) are not supported in filters; use {{ ... }} calls only`,
      );
    } else {
      sql += text[i];
      originalIndex.push(i);
      i++;
    }
  }
  return { sql, refs, callTexts, originalIndex };
}

/** The shared object-syntax parser, its problems reported as filter problems naming the call. */
function parseCall(text: string, start: number): { call: ObjectCall; end: number } {
  try {
    return parseTemplateCall(text, start);
  } catch (e) {
    if (!(e instanceof ObjectSyntaxError)) throw e;
    const close = text.indexOf('}}', start);
    const source = close < 0 ? text.slice(start - 2) : text.slice(start - 2, close + 2);
    throw new FilterProblem(`malformed Jinja call ${quoteFragment(source, 80)}: ${e.message}`);
  }
}
