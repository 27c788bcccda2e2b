/**
 * Just enough Jinja to render MetricFlow's test-case templates: `{{ expr }}` where expr is a name,
 * an attribute (`TimeGranularity.DAY`), a literal (string, number, list, tuple, True/False/None) or a
 * call with positional and keyword arguments. Unknown names fail, like Jinja's StrictUndefined.
 */

/** A Python tuple, so helpers can repr() it as `(...)` rather than `[...]`. */
export class PyTuple extends Array<unknown> {}

export interface PyCall {
  (args: unknown[], kwargs: Record<string, unknown>): unknown;
}

export type Context = Readonly<Record<string, unknown>>;

export function renderTemplate(template: string, ctx: Context): string {
  return template.replace(/\{\{([\s\S]*?)\}\}/g, (_, expr: string) => {
    const value = new ExprParser(expr, ctx).parseAll();
    return pyStr(value);
  });
}

/** Python's str(): strings as they are, containers as repr. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v instanceof PyTuple) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return String(v as number);
}

class ExprParser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly ctx: Context,
  ) {}

  parseAll(): unknown {
    const v = this.expr();
    this.ws();
    if (this.pos < this.src.length) throw new Error(`unexpected '${this.src.slice(this.pos)}' in {{${this.src}}}`);
    return v;
  }

  private ws(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  private peek(): string {
    this.ws();
    return this.src[this.pos] ?? '';
  }

  private eat(ch: string): void {
    if (this.peek() !== ch) throw new Error(`expected '${ch}' at ${this.pos} in {{${this.src}}}`);
    this.pos++;
  }

  private expr(): unknown {
    let v = this.atom();
    for (;;) {
      const c = this.peek();
      if (c === '.') {
        this.pos++;
        const name = this.ident();
        v = (v as Record<string, unknown>)[name];
        if (v === undefined) throw new Error(`undefined attribute '${name}' in {{${this.src}}}`);
      } else if (c === '(') {
        const { args, kwargs } = this.callArgs();
        if (typeof v !== 'function') throw new Error(`not callable in {{${this.src}}}`);
        v = (v as PyCall)(args, kwargs);
      } else return v;
    }
  }

  private callArgs(): { args: unknown[]; kwargs: Record<string, unknown> } {
    this.eat('(');
    const args: unknown[] = [];
    const kwargs: Record<string, unknown> = {};
    while (this.peek() !== ')') {
      const save = this.pos;
      const m = /^\s*([A-Za-z_]\w*)\s*=(?!=)/.exec(this.src.slice(this.pos));
      if (m) {
        this.pos = save + m[0].length;
        kwargs[m[1]!] = this.expr();
      } else args.push(this.expr());
      if (this.peek() === ',') this.pos++;
      else break;
    }
    this.eat(')');
    return { args, kwargs };
  }

  private ident(): string {
    this.ws();
    const m = /^[A-Za-z_]\w*/.exec(this.src.slice(this.pos));
    if (!m) throw new Error(`expected a name at ${this.pos} in {{${this.src}}}`);
    this.pos += m[0].length;
    return m[0];
  }

  private atom(): unknown {
    const c = this.peek();
    if (c === '"' || c === "'") return this.string(c);
    if (c === '[' || c === '(') return this.sequence(c);
    const num = /^-?\d+(\.\d+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    const name = this.ident();
    if (name === 'True') return true;
    if (name === 'False') return false;
    if (name === 'None') return null;
    if (!Object.hasOwn(this.ctx, name)) throw new Error(`'${name}' is undefined in {{${this.src}}}`);
    return this.ctx[name];
  }

  private string(quote: string): string {
    this.pos++;
    let out = '';
    while (this.pos < this.src.length && this.src[this.pos] !== quote) {
      if (this.src[this.pos] === '\\') this.pos++;
      out += this.src[this.pos++];
    }
    this.pos++;
    return out;
  }

  private sequence(open: string): unknown[] {
    const close = open === '[' ? ']' : ')';
    this.pos++;
    const items: unknown[] = [];
    while (this.peek() !== close) {
      items.push(this.expr());
      if (this.peek() === ',') this.pos++;
      else break;
    }
    this.eat(close);
    if (open === '[') return items;
    const tuple = new PyTuple();
    tuple.push(...items);
    return tuple;
  }
}
