/**
 * A small SQL template builder with the subset of Kysely's `sql` API the renderers use (tag, raw,
 * id, lit, join), producing byte-identical PostgreSQL text and parameters.
 *
 * Why not Kysely's own `sql`: it builds a frozen operation-node tree (one node per identifier,
 * separator and value) and then walks it through a visitor. For a wide query (50 metrics × 10
 * group-bys: ~250 CTEs, 400 kB of SQL) that was > 90 % of compile time. Here a fragment is the
 * template's own strings plus its values, identifiers and literals are rendered to text once when
 * built, and compiling is one recursive string append.
 *
 * Interop both ways: a fragment is a Kysely `Expression` (it converts to a RawNode), so it can be
 * embedded in Kysely templates (the filter renderer's column callback); a Kysely expression
 * embedded in a fragment is compiled by Kysely's PostgreSQL compiler with parameter numbers
 * continuing ours.
 */
import { createQueryId, isOperationNodeSource, PostgresQueryCompiler, RawNode, ValueNode, type OperationNode, type OperationNodeSource } from 'kysely';

/** Parameter placeholders numbered after the `offset` parameters already bound. */
class OffsetCompiler extends PostgresQueryCompiler {
  offset = 0;

  protected override getCurrentParameterPlaceholder(): string {
    return `$${this.numParameters + this.offset}`;
  }
}

/** One instance (building a compiler is not cheap); compiling is synchronous, so never re-entered. */
const embedded = new OffsetCompiler();

export class SqlFragment implements OperationNodeSource {
  constructor(
    /** Text between values; always one more than `values`. */
    readonly strings: readonly string[],
    /** Nested fragments, Kysely expressions, or bound parameter values. */
    readonly values: readonly unknown[],
  ) {}

  /** Kysely's `Expression` marker (type only). */
  get expressionType(): undefined {
    return undefined;
  }

  /** As a Kysely RawNode, for embedding in Kysely templates. */
  toOperationNode(): OperationNode {
    return RawNode.create(
      this.strings,
      this.values.map((v) => (isOperationNodeSource(v) ? v.toOperationNode() : ValueNode.create(v))),
    );
  }

  /** The statement text with `$n` placeholders and its parameters, as Kysely's compile() gives them. */
  compile(): { readonly sql: string; readonly parameters: readonly unknown[] } {
    const parameters: unknown[] = [];
    let text = '';
    const append = (f: SqlFragment): void => {
      const { strings, values } = f;
      text += strings[0]!;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v instanceof SqlFragment) append(v);
        else if (isOperationNodeSource(v)) {
          embedded.offset = parameters.length;
          const compiled = embedded.compileQuery(v.toOperationNode() as never, createQueryId());
          text += compiled.sql;
          parameters.push(...compiled.parameters);
        } else {
          parameters.push(v);
          text += `$${parameters.length}`;
        }
        text += strings[i + 1]!;
      }
    };
    append(this);
    return { sql: text, parameters };
  }
}

const textFragment = (text: string) => new SqlFragment([text], []);

/** PostgreSQL identifier quoting, as Kysely's PostgresQueryCompiler does it. */
export function quoteIdentifier(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    quoted = `"${name.replaceAll('"', '""')}"`;
    // Names come from definitions and generated node ids; the bound only guards against growth over many reloads.
    if (quotedNames.size >= 20_000) quotedNames.clear();
    quotedNames.set(name, quoted);
  }
  return quoted;
}

const quotedNames = new Map<string, string>();

/** The text `sql.id(...ids)` renders to. */
export function idText(...ids: string[]): string {
  return ids.length === 1 ? quoteIdentifier(ids[0]!) : ids.map(quoteIdentifier).join('.');
}

/** Kysely's immediate-value rendering (sql.lit). */
function literalText(value: unknown): string {
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  if (value === null) return 'null';
  if (value instanceof Date) return literalText(value.toISOString());
  throw new Error(`invalid immediate value ${String(value)}`);
}

const COMMA = textFragment(', ');

export const sql = Object.assign((strings: TemplateStringsArray, ...values: unknown[]): SqlFragment => new SqlFragment(strings, values), {
  raw: textFragment,
  id: (...ids: string[]): SqlFragment => textFragment(idText(...ids)),
  lit: (value: unknown): SqlFragment => textFragment(literalText(value)),
  join(items: readonly unknown[], separator: SqlFragment = COMMA): SqlFragment {
    if (items.length === 0) return textFragment('');
    const values: unknown[] = new Array(2 * items.length - 1);
    for (let i = 0; i < items.length; i++) {
      values[2 * i] = items[i];
      if (i < items.length - 1) values[2 * i + 1] = separator;
    }
    return new SqlFragment(new Array<string>(values.length + 1).fill(''), values);
  },
});
