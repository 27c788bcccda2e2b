/**
 * Renders a parsed filter as a Kysely raw expression:
 *  - every literal becomes a bound parameter; strings stay untyped so PostgreSQL infers their type
 *    from the other side (`date_col >= $1` compares dates), numbers and booleans get the type
 *    PostgreSQL gives the same literal (`cast($1 as integer)`), so `1 + 1 = 2` still resolves;
 *  - references become whatever `columnFor` returns (parenthesised unless a plain column);
 *  - keywords, operators, function/type/field names come only from the whitelist tables;
 *  - every operator node is parenthesised, so precedence never depends on the surroundings.
 */
import { sql, type Expression, type OperationNode, type RawBuilder } from 'kysely';
import type { FilterExpr, FilterRef, ParsedFilter } from './filter-tree.js';
import {
  ARITHMETIC_SQL,
  COMPARE_SQL,
  CURRENT_SQL,
  EXTRACT_FIELDS,
  FILTER_CAST_TYPES,
  FILTER_FUNCTIONS,
  IS_TEST_SQL,
  MAX_TYPE_ARG,
  lookup,
} from './filter-whitelist.js';

export type ColumnFor = (ref: FilterRef, refIndex: number) => Expression<unknown>;

/** Thrown only for trees that did not come from parseFilter (hand-built or tampered). */
function notWhitelisted(what: string): never {
  throw new Error(`renderFilter: ${what} is not in the filter whitelist`);
}

function whitelisted<T>(table: Readonly<Record<string, T>>, key: string, what: string): T {
  return lookup(table, key) ?? notWhitelisted(`${what} '${key}'`);
}

/** A bare column or identifier needs no parentheses; anything else from `columnFor` gets them. */
function isPlainReference(node: OperationNode): boolean {
  switch (node.kind) {
    case 'ReferenceNode':
    case 'ColumnNode':
    case 'IdentifierNode':
      return true;
    case 'RawNode': {
      const raw = node as OperationNode & { sqlFragments: readonly string[]; parameters: readonly OperationNode[] };
      return raw.sqlFragments.every((f) => f === '' || f === '.') && raw.parameters.length > 0 && raw.parameters.every(isPlainReference);
    }
    default:
      return false;
  }
}

const NUMBER_TYPE_SQL: Readonly<Record<string, string>> = { integer: 'integer', bigint: 'bigint', numeric: 'numeric' };

function numberValue(e: Extract<FilterExpr, { kind: 'number' }>): number | string {
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(e.value)) notWhitelisted(`number '${e.value}'`);
  if (e.numberType === 'numeric') return e.value;
  const n = Number(e.value);
  return Number.isSafeInteger(n) ? n : e.value;
}

function typeName(type: string, typeArgs: readonly number[]): RawBuilder<unknown> {
  const spec = whitelisted(FILTER_CAST_TYPES, type, 'type');
  if (typeArgs.length > spec.maxTypeArgs || !typeArgs.every((n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_TYPE_ARG)) {
    notWhitelisted(`modifier of type '${type}'`);
  }
  // Modifiers are validated small integers, printed by us: no filter text reaches the SQL.
  return typeArgs.length ? sql.raw(`${spec.sql}(${typeArgs.map((n) => String(n)).join(', ')})`) : sql.raw(spec.sql);
}

class Renderer {
  constructor(
    private readonly refs: readonly FilterRef[],
    private readonly columnFor: ColumnFor,
  ) {}

  render(e: FilterExpr): RawBuilder<unknown> {
    switch (e.kind) {
      case 'ref': {
        const ref = this.refs[e.ref] ?? notWhitelisted(`reference #${e.ref}`);
        const column = this.columnFor(ref, e.ref);
        return isPlainReference(column.toOperationNode()) ? sql`${column}` : sql`(${column})`;
      }
      case 'string':
        return sql`${sql.val(typeof e.value === 'string' ? e.value : notWhitelisted('non-string literal'))}`;
      case 'number':
        return sql`cast(${sql.val(numberValue(e))} as ${sql.raw(whitelisted(NUMBER_TYPE_SQL, e.numberType, 'number type'))})`;
      case 'boolean':
        return sql`cast(${sql.val(e.value === true)} as boolean)`;
      case 'null':
        return sql`null`;
      case 'and':
      case 'or':
        return sql`(${sql.join(e.operands.map((o) => this.render(o)), e.kind === 'and' ? sql` and ` : sql` or `)})`;
      case 'not':
        return sql`(not ${this.render(e.operand)})`;
      case 'compare':
        return sql`(${this.render(e.left)} ${sql.raw(whitelisted(COMPARE_SQL, e.op, 'operator'))} ${this.render(e.right)})`;
      case 'arithmetic':
        return sql`(${this.render(e.left)} ${sql.raw(whitelisted(ARITHMETIC_SQL, e.op, 'operator'))} ${this.render(e.right)})`;
      case 'negate':
        // The space keeps `- -x` from ever becoming a `--` comment.
        return e.op === '-' ? sql`(- ${this.render(e.operand)})` : sql`(+ ${this.render(e.operand)})`;
      case 'is':
        return sql`(${this.render(e.operand)} ${sql.raw(whitelisted(IS_TEST_SQL, e.test, 'IS test'))})`;
      case 'in': {
        const values = sql.join(e.values.map((v) => this.render(v)));
        return e.negated ? sql`(${this.render(e.operand)} not in (${values}))` : sql`(${this.render(e.operand)} in (${values}))`;
      }
      case 'between': {
        const [operand, low, high] = [this.render(e.operand), this.render(e.low), this.render(e.high)];
        return e.negated ? sql`(${operand} not between ${low} and ${high})` : sql`(${operand} between ${low} and ${high})`;
      }
      case 'like': {
        const op = `${e.negated ? 'not ' : ''}${e.op === 'like' ? 'like' : 'ilike'}`;
        return sql`(${this.render(e.operand)} ${sql.raw(op)} ${this.render(e.pattern)})`;
      }
      case 'case': {
        const parts: RawBuilder<unknown>[] = [sql`case`];
        if (e.subject) parts.push(this.render(e.subject));
        for (const w of e.whens) parts.push(sql`when ${this.render(w.when)} then ${this.render(w.then)}`);
        if (e.otherwise) parts.push(sql`else ${this.render(e.otherwise)}`);
        parts.push(sql`end`);
        return sql`(${sql.join(parts, sql` `)})`;
      }
      case 'cast':
        return sql`cast(${this.render(e.operand)} as ${typeName(e.type, e.typeArgs)})`;
      case 'call': {
        const spec = whitelisted(FILTER_FUNCTIONS, e.fn, 'function');
        const named = e.namedArgs.map((a) => {
          const name = spec.named?.find((p) => p === a.name) ?? notWhitelisted(`argument '${a.name}' of '${e.fn}'`);
          return sql`${sql.raw(name)} => ${this.render(a.value)}`;
        });
        const args = [...e.args.map((a) => this.render(a)), ...named];
        return args.length ? sql`${sql.raw(spec.sql)}(${sql.join(args)})` : sql`${sql.raw(spec.sql)}()`;
      }
      case 'extract':
        return sql`extract(${sql.raw(whitelisted(EXTRACT_FIELDS, e.field, 'extract field'))} from ${this.render(e.from)})`;
      case 'current':
        return sql.raw(whitelisted(CURRENT_SQL, e.value, 'value'));
    }
  }
}

/**
 * Renders `filter` as a boolean SQL expression. `columnFor` maps each reference (and its index in
 * `filter.refs`) to the column or expression it stands for in the data set being filtered.
 */
export function renderFilter(filter: ParsedFilter, columnFor: ColumnFor): RawBuilder<unknown> {
  return new Renderer(filter.refs, columnFor).render(filter.ast);
}
