/**
 * A parser for MetricFlow's object syntax as used in saved queries and inside filter `{{ … }}`:
 * `Fn('arg', key=[...]).method('x').descending(True)`. Only literals are allowed as arguments
 * (strings, numbers, True/False/None, lists), which is all MetricFlow's own parser accepts.
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
  | { readonly kind: 'ident'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'punct'; readonly text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|([()[\],.=]))/y;
  let pos = 0;
  while (pos < input.length) {
    if (/^\s*$/.test(input.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(input);
    if (!m) throw new ObjectSyntaxError(`unexpected character '${input.slice(pos).trim()[0] ?? ''}'`);
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'ident', text: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ kind: 'string', value: unescape(m[2] ?? m[3]!) });
    else if (m[4] !== undefined) tokens.push({ kind: 'number', value: Number(m[4]) });
    else tokens.push({ kind: 'punct', text: m[5]! });
  }
  return tokens;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parse(): ObjectCall {
    const fn = this.ident();
    const first = this.argList();
    const methods: MethodCall[] = [];
    while (this.peekPunct('.')) {
      this.i++;
      const name = this.ident();
      methods.push({ name, ...this.argList() });
    }
    if (this.i < this.tokens.length) throw new ObjectSyntaxError('unexpected text after the call');
    return { fn, ...first, methods };
  }

  private ident(): string {
    const t = this.tokens[this.i];
    if (t?.kind !== 'ident') throw new ObjectSyntaxError('expected a name');
    this.i++;
    return t.text;
  }

  private peekPunct(text: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === 'punct' && t.text === text;
  }

  private expect(text: string): void {
    if (!this.peekPunct(text)) throw new ObjectSyntaxError(`expected '${text}'`);
    this.i++;
  }

  private argList(): CallArgs {
    this.expect('(');
    const args: CallValue[] = [];
    const kwargs: Record<string, CallValue> = {};
    while (!this.peekPunct(')')) {
      const t = this.tokens[this.i];
      const next = this.tokens[this.i + 1];
      if (t?.kind === 'ident' && next?.kind === 'punct' && next.text === '=') {
        this.i += 2;
        kwargs[t.text] = this.value();
      } else {
        if (Object.keys(kwargs).length > 0) throw new ObjectSyntaxError('positional argument after keyword argument');
        args.push(this.value());
      }
      if (!this.peekPunct(',')) break;
      this.i++;
    }
    this.expect(')');
    return { args, kwargs };
  }

  private value(): CallValue {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new ObjectSyntaxError('unexpected end of input');
    if (t.kind === 'string' || t.kind === 'number') return t.value;
    if (t.kind === 'ident') {
      if (t.text === 'True') return true;
      if (t.text === 'False') return false;
      if (t.text === 'None') return null;
      throw new ObjectSyntaxError(`unexpected name '${t.text}' (quote strings)`);
    }
    if (t.text === '[') {
      const items: CallValue[] = [];
      while (!this.peekPunct(']')) {
        items.push(this.value());
        if (!this.peekPunct(',')) break;
        this.i++;
      }
      this.expect(']');
      return items;
    }
    throw new ObjectSyntaxError(`unexpected '${t.text}'`);
  }
}

/** Parses `Fn(args).method(args)…`; throws ObjectSyntaxError with a short reason. */
export function parseObjectCall(text: string): ObjectCall {
  return new Parser(tokenize(text)).parse();
}
