/**
 * Parses the inside of one `{{ ... }}`: a Python-like call with string, list, boolean and None
 * arguments and an optional method chain, e.g.
 * `Dimension('customer__country', entity_path=['order']).grain('month')`.
 * It only understands syntax; which calls and arguments exist is `jinja-refs.ts`'s job.
 */
import { FilterProblem, quoteFragment } from './filter-problem.js';

export type JinjaValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly items: readonly JinjaValue[] }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'none' };

export interface JinjaArgs {
  readonly positional: readonly JinjaValue[];
  readonly keyword: readonly { readonly name: string; readonly value: JinjaValue }[];
}

export interface JinjaCall {
  readonly name: string;
  readonly args: JinjaArgs;
  readonly methods: readonly { readonly name: string; readonly args: JinjaArgs }[];
}

type Token =
  | { readonly type: 'ident'; readonly text: string; readonly pos: number }
  | { readonly type: 'string'; readonly value: string; readonly pos: number }
  | { readonly type: 'punct'; readonly text: string; readonly pos: number }
  | { readonly type: 'end'; readonly pos: number };

const PUNCT = new Set(['(', ')', '[', ']', ',', '=', '.']);
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

/**
 * Tokenises from `start` (just after `{{`) up to and including the closing `}}`.
 * Returns the tokens and the index just after `}}`.
 */
function tokenize(text: string, start: number): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  if (text[i] === '-' || text[i] === '+') throw new FilterProblem("Jinja whitespace control ('{{-', '-}}') is not supported in filters");
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (text.startsWith('}}', i)) {
      tokens.push({ type: 'end', pos: i });
      return { tokens, end: i + 2 };
    } else if (text.startsWith('{{', i)) {
      throw new FilterProblem(`a Jinja call cannot contain another '{{' (at character ${i + 1})`);
    } else if ((c === '-' || c === '+') && text.startsWith('}}', i + 1)) {
      throw new FilterProblem("Jinja whitespace control ('{{-', '-}}') is not supported in filters");
    } else if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      const newline = text.slice(i + 1, close < 0 ? undefined : close).search(/[\r\n]/);
      if (close < 0 || newline >= 0) throw new FilterProblem(`unterminated string in Jinja call at character ${i + 1}`);
      const value = text.slice(i + 1, close);
      if (value.includes('\\')) throw new FilterProblem('backslashes are not allowed in Jinja call arguments');
      tokens.push({ type: 'string', value, pos: i });
      i = close + 1;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < text.length && IDENT_PART.test(text[j]!)) j++;
      tokens.push({ type: 'ident', text: text.slice(i, j), pos: i });
      i = j;
    } else if (PUNCT.has(c)) {
      tokens.push({ type: 'punct', text: c, pos: i });
      i++;
    } else if (!text.includes('}}', i)) {
      break;
    } else {
      throw new FilterProblem(`unexpected character ${quoteFragment(c)} in Jinja call at character ${i + 1}`);
    }
  }
  throw new FilterProblem(`unclosed '{{' at character ${start - 1}: every Jinja call must end with '}}'`);
}

const EXAMPLE = "{{ Dimension('customer__country') }}";

class CallParser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  parse(): JinjaCall {
    const name = this.expectIdent('a call name');
    const args = this.parseArgs(name);
    const methods: { name: string; args: JinjaArgs }[] = [];
    while (this.peekPunct('.')) {
      this.i++;
      const method = this.expectIdent('a method name after "."');
      methods.push({ name: method, args: this.parseArgs(method) });
    }
    const last = this.tokens[this.i]!;
    if (last.type !== 'end') this.fail(`unexpected ${this.describe(last)} after the call`);
    return { name, args, methods };
  }

  private parseArgs(callee: string): JinjaArgs {
    if (!this.peekPunct('(')) this.fail(`'${callee}' must be called with parentheses, e.g. ${EXAMPLE}`);
    this.i++;
    const positional: JinjaValue[] = [];
    const keyword: { name: string; value: JinjaValue }[] = [];
    while (!this.peekPunct(')')) {
      const t = this.tokens[this.i]!;
      const next = this.tokens[this.i + 1];
      if (t.type === 'ident' && next?.type === 'punct' && next.text === '=') {
        this.i += 2;
        keyword.push({ name: t.text, value: this.parseValue() });
      } else {
        if (keyword.length > 0) this.fail('a positional argument cannot follow a keyword argument');
        positional.push(this.parseValue());
      }
      if (this.peekPunct(',')) this.i++;
      else if (!this.peekPunct(')')) this.fail(`expected ',' or ')' but found ${this.describe(this.tokens[this.i]!)}`);
    }
    this.i++;
    return { positional, keyword };
  }

  private parseValue(): JinjaValue {
    const t = this.tokens[this.i]!;
    if (t.type === 'string') {
      this.i++;
      return { kind: 'string', value: t.value };
    }
    if (t.type === 'ident') {
      const lower = t.text.toLowerCase();
      if (lower === 'true' || lower === 'false') {
        this.i++;
        return { kind: 'boolean', value: lower === 'true' };
      }
      if (lower === 'none') {
        this.i++;
        return { kind: 'none' };
      }
    }
    if (t.type === 'punct' && t.text === '[') {
      const close = ']';
      this.i++;
      const items: JinjaValue[] = [];
      while (!this.peekPunct(close)) {
        items.push(this.parseValue());
        if (this.peekPunct(',')) this.i++;
        else if (!this.peekPunct(close)) this.fail(`expected ',' or '${close}' in a list but found ${this.describe(this.tokens[this.i]!)}`);
      }
      this.i++;
      return { kind: 'list', items };
    }
    return this.fail(`expected a quoted string, a list, True/False or None but found ${this.describe(t)}`);
  }

  private expectIdent(what: string): string {
    const t = this.tokens[this.i]!;
    if (t.type !== 'ident') this.fail(`expected ${what} but found ${this.describe(t)}`);
    this.i++;
    return t.text;
  }

  private peekPunct(text: string): boolean {
    const t = this.tokens[this.i]!;
    return t.type === 'punct' && t.text === text;
  }

  private describe(t: Token): string {
    switch (t.type) {
      case 'ident':
        return `'${t.text}'`;
      case 'string':
        return `the string ${quoteFragment(t.value)}`;
      case 'punct':
        return `'${t.text}'`;
      case 'end':
        return "the end of the call ('}}')";
    }
  }

  private fail(message: string): never {
    throw new FilterProblem(`malformed Jinja call ${quoteFragment(this.source, 80)}: ${message}`);
  }
}

/**
 * Parses the Jinja call that starts just after the `{{` at `start - 2`.
 * Returns the call and the index just after its closing `}}`.
 */
export function parseJinjaCall(text: string, start: number): { call: JinjaCall; end: number } {
  const { tokens, end } = tokenize(text, start);
  const source = `{{${text.slice(start, end)}`;
  if (tokens.length === 1) throw new FilterProblem(`empty Jinja call '{{ }}': write a call such as ${EXAMPLE}`);
  return { call: new CallParser(tokens, source).parse(), end };
}
