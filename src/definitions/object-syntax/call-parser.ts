/**
 * The one parser for MetricFlow's object syntax, shared by the definitions loader (saved-query
 * group_by/order_by, filter checks) and the planner (filters): `Fn('arg', key=[...]).method('x')`.
 * Arguments are Jinja literals — strings (with backslash escapes), numbers, True/False/None (any
 * case, as Jinja allows), lists and tuples (`entity_path=()`, `('a',)`) — which is everything
 * MetricFlow's own Jinja rendering accepts there. It only reads syntax: which calls, arguments and
 * names exist is decided by the callers, and names still go through their whitelists.
 */

export type CallValue = string | number | boolean | null | readonly CallValue[];

export interface CallArgs {
  readonly args: readonly CallValue[];
  readonly kwargs: Readonly<Record<string, CallValue>>;
}

export interface MethodCall extends CallArgs {
  readonly name: string;
}

export interface ObjectCall extends CallArgs {
  readonly fn: string;
  readonly methods: readonly MethodCall[];
}

export class ObjectSyntaxError extends Error {
  override readonly name = 'ObjectSyntaxError';
}

type Token =
  | { readonly kind: 'ident'; readonly text: string; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'punct'; readonly text: string; readonly pos: number }
  | { readonly kind: 'end'; readonly pos: number };

const PUNCT = '()[],.=';
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE_CONTROL = "Jinja whitespace control ('{{-', '-}}') is not supported";

/**
 * Tokens from `start`; in a template (`inTemplate`) up to and including the closing `}}`, whose
 * index + 2 is returned as `end`.
 */
function tokenize(text: string, start: number, inTemplate: boolean): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  if (inTemplate && (text[i] === '-' || text[i] === '+')) throw new ObjectSyntaxError(WHITESPACE_CONTROL);
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (inTemplate && text.startsWith('}}', i)) {
      tokens.push({ kind: 'end', pos: i });
      return { tokens, end: i + 2 };
    } else if (inTemplate && text.startsWith('{{', i)) {
      throw new ObjectSyntaxError(`a Jinja call cannot contain another '{{' (at character ${i + 1})`);
    } else if (inTemplate && (c === '-' || c === '+') && text.startsWith('}}', i + 1)) {
      throw new ObjectSyntaxError(WHITESPACE_CONTROL);
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c && text[j] !== '\n' && text[j] !== '\r') {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (text[j] !== c) throw new ObjectSyntaxError(`unterminated string at character ${i + 1}`);
      tokens.push({ kind: 'string', value, pos: i });
      i = j + 1;
    } else if (match(IDENT, text, i)) {
      const m = match(IDENT, text, i)!;
      tokens.push({ kind: 'ident', text: m, pos: i });
      i += m.length;
    } else if (match(NUMBER, text, i)) {
      const m = match(NUMBER, text, i)!;
      tokens.push({ kind: 'number', value: Number(m), pos: i });
      i += m.length;
    } else if (PUNCT.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
    } else if (inTemplate && !text.includes('}}', i)) {
      break;
    } else {
      throw new ObjectSyntaxError(`unexpected character '${c}' at character ${i + 1}`);
    }
  }
  if (inTemplate) throw new ObjectSyntaxError(`unclosed '{{' at character ${start - 1}: every Jinja call must end with '}}'`);
  tokens.push({ kind: 'end', pos: i });
  return { tokens, end: i };
}

function match(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

const EXAMPLE = "Dimension('customer__country')";

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parse(): ObjectCall {
    if (this.tokens[0]?.kind === 'end') throw new ObjectSyntaxError(`empty call: write a call such as ${EXAMPLE}`);
    const fn = this.ident('a call name');
    const first = this.argList(fn);
    const methods: MethodCall[] = [];
    while (this.peekPunct('.')) {
      this.i++;
      const name = this.ident('a method name after "."');
      methods.push({ name, ...this.argList(name) });
    }
    const last = this.tokens[this.i]!;
    if (last.kind !== 'end') throw new ObjectSyntaxError(`unexpected ${describe(last)} after the call`);
    return { fn, ...first, methods };
  }

  private ident(what: string): string {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'ident') throw new ObjectSyntaxError(`expected ${what} but found ${describe(t)}`);
    this.i++;
    return t.text;
  }

  private peekPunct(text: string): boolean {
    const t = this.tokens[this.i]!;
    return t.kind === 'punct' && t.text === text;
  }

  private argList(callee: string): CallArgs {
    if (!this.peekPunct('(')) throw new ObjectSyntaxError(`'${callee}' must be called with parentheses, e.g. ${EXAMPLE}`);
    this.i++;
    const args: CallValue[] = [];
    const kwargs: Record<string, CallValue> = {};
    while (!this.peekPunct(')')) {
      const t = this.tokens[this.i]!;
      const next = this.tokens[this.i + 1];
      if (t.kind === 'ident' && next?.kind === 'punct' && next.text === '=') {
        this.i += 2;
        if (Object.hasOwn(kwargs, t.text)) throw new ObjectSyntaxError(`${callee}() got more than one value for '${t.text}'`);
        kwargs[t.text] = this.value();
      } else {
        if (Object.keys(kwargs).length > 0) throw new ObjectSyntaxError('a positional argument cannot follow a keyword argument');
        args.push(this.value());
      }
      if (this.peekPunct(',')) this.i++;
      else if (!this.peekPunct(')')) throw new ObjectSyntaxError(`expected ',' or ')' but found ${describe(this.tokens[this.i]!)}`);
    }
    this.i++;
    return { args, kwargs };
  }

  private value(): CallValue {
    const t = this.tokens[this.i]!;
    if (t.kind === 'string' || t.kind === 'number') {
      this.i++;
      return t.value;
    }
    if (t.kind === 'ident') {
      const lower = t.text.toLowerCase();
      this.i++;
      if (lower === 'true' || lower === 'false') return lower === 'true';
      if (lower === 'none') return null;
      throw new ObjectSyntaxError(`unexpected name '${t.text}' (quote strings)`);
    }
    if (t.kind === 'punct' && (t.text === '[' || t.text === '(')) return this.sequence(t.text === '[' ? ']' : ')');
    throw new ObjectSyntaxError(`expected a quoted string, a number, a list, a tuple, True/False or None but found ${describe(t)}`);
  }

  /** `[a, b]` or `(a, b)` (a tuple; `(a)` is just `a`, as in Python). */
  private sequence(close: string): CallValue {
    this.i++;
    const items: CallValue[] = [];
    let comma = false;
    while (!this.peekPunct(close)) {
      items.push(this.value());
      comma = this.peekPunct(',');
      if (comma) this.i++;
      else if (!this.peekPunct(close)) throw new ObjectSyntaxError(`expected ',' or '${close}' but found ${describe(this.tokens[this.i]!)}`);
    }
    this.i++;
    return close === ')' && items.length === 1 && !comma ? items[0]! : items;
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'ident':
    case 'punct':
      return `'${t.text}'`;
    case 'string':
      return `the string '${t.value.length > 40 ? `${t.value.slice(0, 40)}…` : t.value}'`;
    case 'number':
      return `the number ${t.value}`;
    case 'end':
      return 'the end of the call';
  }
}

/** Parses a whole `Fn(args).method(args)…` text; throws ObjectSyntaxError with a short reason. */
export function parseObjectCall(text: string): ObjectCall {
  return new Parser(tokenize(text, 0, false).tokens).parse();
}

/**
 * Parses the Jinja call that starts just after the `{{` at `start - 2`, through its closing `}}`
 * (a `}}` inside a quoted string does not close it). Returns the call and the index after `}}`.
 */
export function parseTemplateCall(text: string, start: number): { readonly call: ObjectCall; readonly end: number } {
  const { tokens, end } = tokenize(text, start, true);
  return { call: new Parser(tokens).parse(), end };
}
