/**
 * Lexical checks that the parse tree cannot express, run before parsing:
 *  - characters that hide or reorder text (controls, bidi overrides, zero-width) anywhere;
 *  - with PostgreSQL's own scanner: comments, `$n` parameters, dollar-quoted / E'' / U&'' / bit
 *    strings, quoted identifiers, `;`, stray braces, non-ASCII outside string literals, Jinja calls
 *    inside string literals, and excessive parenthesis depth.
 * Rendering never reuses filter text, so these are about clarity and predictability rather than the
 * last line of defence; the whitelist tree and bound parameters are.
 */
import { scanFilterTokens, type FilterToken } from './pg-expression.js';
import { FilterProblem, quoteFragment } from './filter-problem.js';
import { PLACEHOLDER_PREFIX } from './jinja-template.js';

/** Deeper nesting than this is never needed in a filter and only makes parsing and SQL expensive. */
export const MAX_PAREN_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0/C1 controls except tab, newline and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Soft hyphen, zero-width and joiners, LRM/RLM, bidi embeddings/overrides/isolates, word joiner, BOM.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Rejects characters that are never legitimate in a filter, wherever they appear. */
export function checkCharacters(text: string): void {
  if (LONE_SURROGATE.test(text)) throw new FilterProblem('the filter contains an invalid Unicode sequence');
  const control = CONTROL.exec(text);
  if (control) throw new FilterProblem(`control character ${codePoint(control[0])} is not allowed in filters`);
  const invisible = INVISIBLE.exec(text);
  if (invisible) {
    throw new FilterProblem(`invisible or text-direction character ${codePoint(invisible[0])} is not allowed in filters`);
  }
}

const ASCII_ONLY = /^[\x20-\x7E\t\n\r]*$/;

function checkToken(t: FilterToken): void {
  const text = t.text;
  if (t.kind === 'string') {
    if (text.toLowerCase().includes(PLACEHOLDER_PREFIX)) {
      throw new FilterProblem('a Jinja call cannot be used inside a string literal');
    }
    if (text.startsWith("'")) return;
    if (text.startsWith('$')) throw new FilterProblem("dollar-quoted strings are not allowed in filters; use single quotes ('...')");
    if (/^[eE]'/.test(text)) throw new FilterProblem("escape strings (E'...') are not allowed in filters; use single quotes ('...')");
    throw new FilterProblem(`string syntax ${quoteFragment(text, 12)} is not allowed in filters; use single quotes ('...')`);
  }
  if (t.kind === 'comment') throw new FilterProblem("comments ('--' and '/* */') are not allowed in filters");
  if (!ASCII_ONLY.test(text)) {
    const ch = [...text].find((c) => !ASCII_ONLY.test(c))!;
    throw new FilterProblem(
      `character '${ch}' (${codePoint(ch)}) outside a string literal is not allowed: names in filters must be Jinja calls such as {{ Dimension('customer__country') }}`,
    );
  }
  switch (t.kind) {
    case 'parameter':
      throw new FilterProblem(`parameters such as ${quoteFragment(text, 12)} are not allowed in filters; write the value itself`);
    case 'identifier':
      if (text.startsWith('"')) {
        throw new FilterProblem(
          `quoted identifier ${quoteFragment(text)} is not allowed: names in filters must be Jinja calls such as {{ Dimension('customer__country') }}`,
        );
      }
      return;
    case 'other':
      if (/^[uU]&/.test(text)) throw new FilterProblem("Unicode escapes (U&'...' and U&\"...\") are not allowed in filters");
      if (/^[bBxX]'/.test(text)) throw new FilterProblem("bit-string literals (B'...', X'...') are not allowed in filters");
      if (text === ';') throw new FilterProblem("a filter must be a single expression: ';' is not allowed");
      if (text === '{' || text === '}') {
        throw new FilterProblem("unbalanced braces: Jinja calls must be written as {{ Call(...) }} with matching '{{' and '}}'");
      }
      return;
    case 'number':
      return;
  }
}

/**
 * Checks the SQL text (Jinja calls already replaced by placeholders). Returns false when the
 * scanner cannot tokenise the text (e.g. an unterminated string): the parser then reports why, and
 * the caller must not accept the filter even if the parser does not.
 */
export function checkSqlTokens(sqlText: string): boolean {
  const tokens = scanFilterTokens(sqlText);
  if (tokens === undefined) return false;
  let depth = 0;
  for (const t of tokens) {
    checkToken(t);
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    if (depth < 0) throw new FilterProblem(`unbalanced parentheses: '${t.text}' has no matching opening bracket`);
    if (depth > MAX_PAREN_DEPTH) throw new FilterProblem(`the filter is nested too deeply (more than ${MAX_PAREN_DEPTH} levels of parentheses)`);
  }
  return true;
}
