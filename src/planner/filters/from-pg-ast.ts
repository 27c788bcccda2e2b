/**
 * Converts PostgreSQL's raw parse tree into the filter's own whitelisted tree. Anything not
 * explicitly handled here is rejected, so new PostgreSQL syntax can never slip through.
 */
import type {
  A_Const,
  A_Expr,
  ColumnRef,
  FuncCall,
  Node,
  SQLValueFunction,
  TypeCast,
} from 'libpg-query';
import { suggest } from '../../core/suggest.js';
import { FilterProblem, quoteFragment } from './filter-problem.js';
import type { CaseWhen, CompareOp, FilterExpr, NamedArg } from './filter-tree.js';
import {
  ALLOWED_FUNCTION_NAMES,
  ALLOWED_OPERATORS,
  ARITHMETIC_SQL,
  COMPARE_SQL,
  EXTRACT_FIELDS,
  FILTER_CAST_TYPES,
  FILTER_FUNCTIONS,
  MAX_TYPE_ARG,
  lookup,
} from './filter-whitelist.js';
import { PLACEHOLDER_PATTERN } from './jinja-template.js';
import { numberLiteral } from './number-literal.js';
import { BOOL_TESTS, CURRENT_VALUES, PG_TYPES, REJECTED_NODES, SQL_SYNTAX_NAMES } from './pg-names.js';

/** Deeper trees than this never come from a real filter (parentheses are capped separately). */
export const MAX_TREE_DEPTH = 100;

function strings(nodes: readonly Node[] | undefined): string[] {
  return (nodes ?? []).map((n) => ('String' in n ? (n.String.sval ?? '') : '*'));
}

/** A guess at the Jinja call the user meant, for the message only (the parser knows no definitions). */
/**
 * A bare identifier shaped like a group-by item name: entity links or a grain joined by `__`
 * (PostgreSQL has already lower-cased it). Anything else still has to be a Jinja call.
 */
const GROUP_BY_NAME = /^[a-z][a-z0-9_]*?[a-z0-9]__[a-z0-9_]*[a-z0-9]$/;

function jinjaHint(qualified: string): string {
  const name = qualified.split('.').at(-1)!;
  const dunder = name.includes('__') ? name : name.includes('_') ? name.replace('_', '__') : `<entity>__${name}`;
  return `{{ Dimension('${dunder}') }}`;
}

function isConstant(e: FilterExpr): boolean {
  switch (e.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return true;
    case 'negate':
    case 'cast':
      return isConstant(e.operand);
    default:
      return false;
  }
}

class Converter {
  /** How often each placeholder was used; every one must be used exactly once. */
  readonly uses: number[];
  /** Bare group-by names, in order of first use; ref index = refCount + position. */
  readonly bareNames: string[] = [];

  /** `sql`: the parsed text, so a bare word can be quoted back as it was written (PostgreSQL lower-cases it). */
  constructor(refCount: number, private readonly sql = '') {
    this.uses = new Array<number>(refCount).fill(0);
  }

  /**
   * A bare word where a value belongs (compared with a name, in an IN list, a LIKE pattern) is a text
   * value without quotes (`= afval`): say so, rather than hint at writing it as a dimension.
   */
  private refuseBareValue(node: Node | undefined): void {
    if (node === undefined || !('ColumnRef' in node)) return;
    const parts = strings(node.ColumnRef.fields);
    if (parts.length !== 1 || PLACEHOLDER_PATTERN.test(parts[0]!) || GROUP_BY_NAME.test(parts[0]!)) return;
    const written = [...this.sql.matchAll(/[\p{L}_][\p{L}\p{N}_$]*/gu)].map((m) => m[0]).find((w) => w.toLowerCase() === parts[0]) ?? parts[0]!;
    throw new FilterProblem(`text values need quotes: '${written.replaceAll("'", "''")}' instead of ${written}`, { offending: written });
  }

  private isNameRef(node: Node | undefined): boolean {
    if (node === undefined || !('ColumnRef' in node)) return false;
    const parts = strings(node.ColumnRef.fields);
    return parts.length === 1 && (PLACEHOLDER_PATTERN.test(parts[0]!) || GROUP_BY_NAME.test(parts[0]!));
  }

  convert(node: Node, depth: number): FilterExpr {
    if (depth > MAX_TREE_DEPTH) throw new FilterProblem(`the filter is nested too deeply (more than ${MAX_TREE_DEPTH} levels)`);
    const d = depth + 1;
    if ('ColumnRef' in node) return this.columnRef(node.ColumnRef);
    if ('A_Const' in node) return constant(node.A_Const);
    if ('A_Expr' in node) return this.aExpr(node.A_Expr, d);
    if ('BoolExpr' in node) {
      const args = (node.BoolExpr.args ?? []).map((a) => this.convert(a, d));
      switch (node.BoolExpr.boolop) {
        case 'AND_EXPR':
          return { kind: 'and', operands: args };
        case 'OR_EXPR':
          return { kind: 'or', operands: args };
        case 'NOT_EXPR':
          return { kind: 'not', operand: args[0]! };
        default:
          throw new FilterProblem('unsupported boolean expression in filter');
      }
    }
    if ('NullTest' in node) {
      const test = node.NullTest.nulltesttype === 'IS_NOT_NULL' ? 'not null' : 'null';
      return { kind: 'is', test, operand: this.convert(node.NullTest.arg!, d) };
    }
    if ('BooleanTest' in node) {
      const test = lookup(BOOL_TESTS, node.BooleanTest.booltesttype ?? '');
      if (test === undefined) throw new FilterProblem('unsupported IS test in filter');
      return { kind: 'is', test, operand: this.convert(node.BooleanTest.arg!, d) };
    }
    if ('TypeCast' in node) return this.typeCast(node.TypeCast, d);
    if ('FuncCall' in node) return this.funcCall(node.FuncCall, d);
    if ('CaseExpr' in node) {
      const c = node.CaseExpr;
      const whens: CaseWhen[] = (c.args ?? []).map((w) => {
        if (!('CaseWhen' in w)) throw new FilterProblem('unsupported CASE expression in filter');
        return { when: this.convert(w.CaseWhen.expr!, d), then: this.convert(w.CaseWhen.result!, d) };
      });
      return {
        kind: 'case',
        ...(c.arg ? { subject: this.convert(c.arg, d) } : {}),
        whens,
        ...(c.defresult ? { otherwise: this.convert(c.defresult, d) } : {}),
      };
    }
    if ('CoalesceExpr' in node) return this.call('coalesce', node.CoalesceExpr.args ?? [], d);
    if ('MinMaxExpr' in node) return this.call(node.MinMaxExpr.op === 'IS_LEAST' ? 'least' : 'greatest', node.MinMaxExpr.args ?? [], d);
    if ('SQLValueFunction' in node) return currentValue(node.SQLValueFunction);
    const kind = Object.keys(node)[0] ?? '';
    throw new FilterProblem(`filters cannot use ${lookup(REJECTED_NODES, kind) ?? 'this SQL syntax'}`);
  }

  private bareName(name: string): number {
    const known = this.bareNames.indexOf(name);
    if (known >= 0) return this.uses.length + known;
    this.bareNames.push(name);
    return this.uses.length + this.bareNames.length - 1;
  }

  private columnRef(ref: ColumnRef): FilterExpr {
    const parts = strings(ref.fields);
    const match = parts.length === 1 ? PLACEHOLDER_PATTERN.exec(parts[0]!) : null;
    if (match) {
      const index = Number(match[1]);
      if (index < this.uses.length) {
        this.uses[index]!++;
        return { kind: 'ref', ref: index };
      }
    }
    const name = parts.join('.');
    if (parts.length === 1 && GROUP_BY_NAME.test(name)) return { kind: 'ref', ref: this.bareName(name) };
    if (name === '*' || parts.includes('*')) throw new FilterProblem("'*' is not allowed in filters");
    throw new FilterProblem(
      `unknown reference ${quoteFragment(name)} — names in filters must be Jinja calls such as ${jinjaHint(name)}`,
      { offending: name },
    );
  }

  private aExpr(e: A_Expr, d: number): FilterExpr {
    const names = strings(e.name);
    if (names.length !== 1) throw new FilterProblem('schema-qualified operators (OPERATOR(…)) are not allowed in filters');
    const op = names[0]!;
    const left = () => this.convert(e.lexpr!, d);
    const right = () => this.convert(e.rexpr!, d);
    const list = () => {
      const r = e.rexpr;
      if (r === undefined || !('List' in r)) throw new FilterProblem(`unsupported ${op} expression in filter`);
      for (const item of r.List.items ?? []) this.refuseBareValue(item);
      return (r.List.items ?? []).map((i) => this.convert(i, d));
    };
    switch (e.kind) {
      case 'AEXPR_OP': {
        if (e.lexpr === undefined) {
          if (op === '-' || op === '+') return { kind: 'negate', op, operand: right() };
          throw new FilterProblem(`operator '${op}' is not allowed in filters (allowed: ${ALLOWED_OPERATORS})`, { offending: op });
        }
        if (Object.hasOwn(COMPARE_SQL, op)) {
          if (this.isNameRef(e.lexpr)) this.refuseBareValue(e.rexpr);
          if (this.isNameRef(e.rexpr)) this.refuseBareValue(e.lexpr);
        }
        if (Object.hasOwn(COMPARE_SQL, op)) return { kind: 'compare', op: op as CompareOp, left: left(), right: right() };
        if (Object.hasOwn(ARITHMETIC_SQL, op)) return { kind: 'arithmetic', op: op as keyof typeof ARITHMETIC_SQL, left: left(), right: right() };
        throw new FilterProblem(`operator '${op}' is not allowed in filters (allowed: ${ALLOWED_OPERATORS})`, { offending: op });
      }
      case 'AEXPR_DISTINCT':
        return { kind: 'compare', op: 'is distinct from', left: left(), right: right() };
      case 'AEXPR_NOT_DISTINCT':
        return { kind: 'compare', op: 'is not distinct from', left: left(), right: right() };
      case 'AEXPR_NULLIF':
        return { kind: 'call', fn: 'nullif', args: [left(), right()], namedArgs: [] };
      case 'AEXPR_IN': {
        const values = list();
        if (!values.every(isConstant)) {
          throw new FilterProblem('IN lists may only contain literal values (strings, numbers, booleans, NULL)');
        }
        return { kind: 'in', negated: op === '<>', operand: left(), values };
      }
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE': {
        if (e.rexpr !== undefined && 'FuncCall' in e.rexpr) throw new FilterProblem('LIKE … ESCAPE is not supported in filters');
        this.refuseBareValue(e.rexpr);
        const negated = op.startsWith('!');
        return { kind: 'like', op: e.kind === 'AEXPR_LIKE' ? 'like' : 'ilike', negated, operand: left(), pattern: right() };
      }
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN': {
        const [low, high] = list();
        return { kind: 'between', negated: e.kind === 'AEXPR_NOT_BETWEEN', operand: left(), low: low!, high: high! };
      }
      case 'AEXPR_BETWEEN_SYM':
      case 'AEXPR_NOT_BETWEEN_SYM':
        throw new FilterProblem('BETWEEN SYMMETRIC is not supported in filters');
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL':
        throw new FilterProblem('ANY/ALL are not allowed in filters; use IN (…)');
      case 'AEXPR_SIMILAR':
        throw new FilterProblem('SIMILAR TO is not allowed in filters; use LIKE');
      default:
        throw new FilterProblem('this SQL operator is not allowed in filters');
    }
  }

  private typeCast(c: TypeCast, d: number): FilterExpr {
    const t = c.typeName ?? {};
    const names = strings(t.names);
    const pgName = names.length === 2 && names[0] === 'pg_catalog' ? names[1]! : names.length === 1 ? names[0]! : undefined;
    if (pgName === undefined) throw new FilterProblem('schema-qualified type names are not allowed in filters');
    const type = lookup(PG_TYPES, pgName);
    const allowed = Object.keys(FILTER_CAST_TYPES).join(', ');
    if (type === undefined) {
      throw new FilterProblem(`cast to type ${quoteFragment(pgName)} is not allowed in filters (allowed: ${allowed})`, {
        offending: pgName,
        suggestions: suggest(pgName, Object.keys(FILTER_CAST_TYPES)),
      });
    }
    if ((t.arrayBounds ?? []).length > 0 || t.setof || t.pct_type) throw new FilterProblem('array and %TYPE casts are not allowed in filters');
    const spec = FILTER_CAST_TYPES[type]!;
    const typeArgs = (t.typmods ?? []).map((m) => {
      const v = 'A_Const' in m && m.A_Const.ival !== undefined ? (m.A_Const.ival.ival ?? 0) : undefined;
      if (v === undefined || !Number.isSafeInteger(v) || v < 0 || v > MAX_TYPE_ARG) throw new FilterProblem(`invalid modifier for type '${type}'`);
      return v;
    });
    if (typeArgs.length > spec.maxTypeArgs) {
      const hint = type === 'interval' ? "; write the unit inside the string, e.g. interval '1 day'" : '';
      throw new FilterProblem(`too many modifiers for type '${type}'${hint}`);
    }
    return { kind: 'cast', operand: this.convert(c.arg!, d), type, typeArgs };
  }

  private funcCall(f: FuncCall, d: number): FilterExpr {
    const names = strings(f.funcname);
    const sqlSyntax = f.funcformat === 'COERCE_SQL_SYNTAX' && names.length === 2 && names[0] === 'pg_catalog';
    if (names.length !== 1 && !sqlSyntax) throw new FilterProblem('schema-qualified function names are not allowed in filters');
    const name = names.at(-1)!;
    const syntaxName = lookup(SQL_SYNTAX_NAMES, name);
    if (syntaxName !== undefined) throw new FilterProblem(`${syntaxName} is not allowed in filters`);
    if (f.agg_star || f.agg_distinct || f.agg_order || f.agg_filter || f.over || f.agg_within_group || f.func_variadic) {
      throw new FilterProblem('aggregate and window syntax (*, DISTINCT, ORDER BY, FILTER, OVER, VARIADIC) is not allowed in filters');
    }
    const args = f.args ?? [];
    if (sqlSyntax && name === 'extract') {
      const fieldNode = args[0];
      const field = fieldNode && 'A_Const' in fieldNode ? fieldNode.A_Const.sval?.sval?.toLowerCase() : undefined;
      const known = field === undefined ? undefined : lookup(EXTRACT_FIELDS, field);
      if (known === undefined) {
        throw new FilterProblem(`extract field ${quoteFragment(field ?? '?')} is not allowed (allowed: ${Object.keys(EXTRACT_FIELDS).join(', ')})`, {
          suggestions: suggest(field ?? '', Object.keys(EXTRACT_FIELDS)),
        });
      }
      return { kind: 'extract', field: known, from: this.convert(args[1]!, d) };
    }
    // position(a IN b) arrives as position(b, a): strpos(b, a) is the same function in call syntax.
    return this.call(sqlSyntax && name === 'position' ? 'strpos' : name, args, d);
  }

  private call(name: string, nodes: readonly Node[], d: number): FilterExpr {
    const spec = lookup(FILTER_FUNCTIONS, name);
    if (spec === undefined) {
      throw new FilterProblem(`function ${quoteFragment(name)} is not allowed in filters (allowed: ${ALLOWED_FUNCTION_NAMES.join(', ')})`, {
        offending: name,
        suggestions: suggest(name, ALLOWED_FUNCTION_NAMES),
      });
    }
    const args: FilterExpr[] = [];
    const namedArgs: NamedArg[] = [];
    for (const n of nodes) {
      if ('NamedArgExpr' in n) {
        const argName = n.NamedArgExpr.name ?? '';
        const known = spec.named?.find((p) => p === argName);
        if (known === undefined) {
          throw new FilterProblem(`function '${name}' has no argument ${quoteFragment(argName)}`, {
            suggestions: suggest(argName, spec.named ?? []),
          });
        }
        namedArgs.push({ name: known, value: this.convert(n.NamedArgExpr.arg!, d) });
      } else {
        if (namedArgs.length > 0) throw new FilterProblem('a positional argument cannot follow a named argument');
        args.push(this.convert(n, d));
      }
    }
    const count = args.length + namedArgs.length;
    if (count < spec.minArgs || count > spec.maxArgs) {
      const range = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      throw new FilterProblem(`function '${name}' takes ${range} argument(s), not ${count}`);
    }
    return { kind: 'call', fn: name, args, namedArgs };
  }
}

function constant(c: A_Const): FilterExpr {
  if (c.isnull) return { kind: 'null' };
  if (c.ival !== undefined) return numberLiteral(String(c.ival.ival ?? 0));
  if (c.fval !== undefined) return numberLiteral(c.fval.fval ?? '');
  if (c.boolval !== undefined) return { kind: 'boolean', value: c.boolval.boolval ?? false };
  if (c.sval !== undefined) return { kind: 'string', value: c.sval.sval ?? '' };
  throw new FilterProblem('bit-string literals are not allowed in filters');
}

function currentValue(f: SQLValueFunction): FilterExpr {
  const value = lookup(CURRENT_VALUES, f.op ?? '');
  if (value !== undefined) return { kind: 'current', value };
  const word = (f.op ?? '').replace(/^SVFOP_/, '').replace(/_N$/, '').toLowerCase();
  if (f.op?.endsWith('_N')) throw new FilterProblem(`precision arguments such as ${word}(3) are not supported in filters`);
  throw new FilterProblem(`'${word}' is not allowed in filters (allowed: current_date, current_timestamp, localtimestamp)`);
}

/**
 * Converts the parsed expression; `refCount` is the number of Jinja calls (placeholders
 * `__maatstaf_ref_<i>`), each of which must be used exactly once as a value.
 */
/**
 * The whitelisted tree of a parsed filter. Jinja calls are refs 0…refCount-1; bare group-by names
 * (`metric_time__day`) become refs after them, one per distinct name, listed in `bareNames`.
 */
export function fromPgAst(node: Node, refCount: number, sql?: string): { readonly ast: FilterExpr; readonly bareNames: readonly string[] } {
  const converter = new Converter(refCount, sql);
  const ast = converter.convert(node, 0);
  const misused = converter.uses.findIndex((n) => n !== 1);
  if (misused >= 0) throw new FilterProblem(`Jinja call #${misused + 1} must be used exactly once as a value in the filter`);
  return { ast, bareNames: converter.bareNames };
}
