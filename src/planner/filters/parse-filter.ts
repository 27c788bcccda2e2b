/**
 * parseFilter: the one entry point for where-filters from definition files and API requests alike.
 *   1. length and character checks on the raw text;
 *   2. Jinja calls → typed FilterRefs, each replaced by a placeholder identifier;
 *   3. PostgreSQL's scanner: comments, `$1`, dollar quotes, quoted identifiers, `;`, … rejected;
 *   4. PostgreSQL's parser: exactly one expression;
 *   5. conversion to the whitelisted FilterExpr tree (everything unknown is rejected).
 * Every problem becomes `MaatstafError('INVALID_FILTER', …)` with the request path.
 */
import { MaatstafError, type ErrorDetails } from '../../core/errors.js';
import { MAX_FILTER_LENGTH } from '../../core/query.js';
import { FilterProblem, quoteFragment } from './filter-problem.js';
import type { FilterExpr, FilterRef, ParsedFilter } from './filter-tree.js';
import { fromPgAst } from './from-pg-ast.js';
import { splitTemplate, type SplitTemplate } from './jinja-template.js';
import { parseSingleExpression } from './pg-expression.js';
import { checkCharacters, checkSqlTokens } from './sql-guard.js';

export interface ParseFilterOptions {
  /** Where the filter came from, for the error (`where[0]`, `metrics[2].filter`). */
  readonly path?: string;
}

const CONDITION_EXAMPLE = "{{ Dimension('customer__country') }} = 'NL'";

/** Rejects trees that can never be a true/false condition (`'abc'`, `1 + 1`, `a AND 5`). */
function checkCondition(e: FilterExpr): void {
  switch (e.kind) {
    case 'and':
    case 'or':
      e.operands.forEach(checkCondition);
      return;
    case 'not':
      checkCondition(e.operand);
      return;
    case 'string':
    case 'number':
    case 'arithmetic':
    case 'negate':
    case 'extract':
    case 'current':
      throw new FilterProblem(`a filter must be a condition (true or false), such as ${CONDITION_EXAMPLE}`);
    case 'cast':
      if (e.type !== 'boolean') throw new FilterProblem(`a filter must be a condition (true or false), such as ${CONDITION_EXAMPLE}`);
      return;
    default:
      return;
  }
}

function describeAt(text: string, originalIndex: readonly number[], index: number): string {
  const pos = index < originalIndex.length ? originalIndex[index]! : text.length;
  if (pos >= text.length) return 'at the end of the filter';
  return `at character ${pos + 1} near ${quoteFragment(text.slice(pos, pos + 30), 30, '"')}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The public error, with placeholders in the message replaced by the Jinja calls they stand for. */
function toError(problem: FilterProblem, path: string | undefined, template: SplitTemplate | undefined): MaatstafError {
  const calls = template?.callTexts ?? [];
  const restore = (s: string) =>
    s.replace(/__maatstaf_ref_(\d+)/g, (m, i: string) => {
      const call = calls[Number(i)];
      return call === undefined ? m : call.length > 80 ? `${call.slice(0, 80)}…` : call;
    });
  const details: ErrorDetails = {
    ...(path !== undefined ? { path } : {}),
    ...(problem.offending !== undefined ? { name: restore(problem.offending) } : {}),
    ...(problem.suggestions !== undefined ? { suggestions: problem.suggestions } : {}),
  };
  return new MaatstafError('INVALID_FILTER', restore(problem.message), details);
}

/**
 * Parses and validates one where-filter. Pure: no I/O, same input → same output.
 * @throws MaatstafError INVALID_FILTER with a message that says what to change.
 */
export function parseFilter(text: string, opts: ParseFilterOptions = {}): ParsedFilter {
  const cached = typeof text === 'string' ? parsedCache.get(text) : undefined;
  if (cached) return cached;
  const parsed = parseUncached(text, opts);
  // Bounded: a filter text repeated by every dashboard refresh is parsed once (the parse goes
  // through the PostgreSQL parser in WASM); oldest entries are dropped first.
  if (parsedCache.size >= PARSED_CACHE_SIZE) parsedCache.delete(parsedCache.keys().next().value!);
  parsedCache.set(text, parsed);
  return parsed;
}

/** Parsed filters by text (the result is deep-frozen and depends on the text only; errors are not cached). */
const parsedCache = new Map<string, ParsedFilter>();
const PARSED_CACHE_SIZE = 500;

function parseUncached(text: string, opts: ParseFilterOptions): ParsedFilter {
  let template: SplitTemplate | undefined;
  try {
    if (typeof text !== 'string') throw new FilterProblem('a filter must be a string');
    if (text.length > MAX_FILTER_LENGTH) {
      throw new FilterProblem(`the filter is ${text.length} characters long; at most ${MAX_FILTER_LENGTH} are allowed`);
    }
    checkCharacters(text);
    const split = splitTemplate(text);
    template = split;
    const scanned = checkSqlTokens(split.sql);
    const node = parseSingleExpression(split.sql, (i) => describeAt(text, split.originalIndex, i));
    if (!scanned) throw new FilterProblem('the filter could not be read as SQL');
    const { ast, bareNames } = fromPgAst(node, split.refs.length, split.sql);
    checkCondition(ast);
    const bareRefs = bareNames.map((name): FilterRef => ({ kind: 'group_by_name', name, entityPath: [] }));
    return deepFreeze({ text, refs: [...split.refs, ...bareRefs], ast });
  } catch (e) {
    if (e instanceof FilterProblem) throw toError(e, opts.path, template);
    throw e;
  }
}
