/**
 * `$filter` → one MetricFlow where filter. The expression is parsed by @odata/parser (OData ABNF),
 * after `in (…)` lists (OData 4.01, which the parser does not know) are rewritten to `eq … or …`.
 * Only what is listed here is translated; anything else is refused (never ignored):
 *   eq ne gt ge lt le, and or not, parentheses, null, in, startswith endswith contains,
 *   tolower toupper trim, year month day hour minute, string/number/boolean/date/date-time literals.
 * Properties become group-by references (`{{ Dimension('…') }}`-style bare names the filter parser
 * resolves); values become SQL literals the filter parser binds as parameters. Filters on metric
 * values are refused: the query model filters rows before aggregation, not aggregated values.
 */
import { defaultParser } from '@odata/parser';
import { MaatstafError } from '../../core/errors.js';
import { suggest } from '../../core/suggest.js';
import type { ODataEntitySet, ODataProperty } from './entity-sets.js';
import { maskStrings } from './mask-strings.js';

interface Node {
  readonly type: string;
  readonly raw: string;
  readonly value: unknown;
}

interface Translation {
  readonly sql: string;
  /** Type of the value the expression yields (for literal checks). */
  readonly kind: 'bool' | 'value';
  readonly property?: ODataProperty;
}

const COMPARE: Record<string, string> = {
  EqualsExpression: '=',
  NotEqualsExpression: '<>',
  GreaterThanExpression: '>',
  GreaterOrEqualsExpression: '>=',
  LesserThanExpression: '<',
  LesserOrEqualsExpression: '<=',
};

const DATE_PARTS: Record<string, string> = { year: 'year', month: 'month', day: 'day', hour: 'hour', minute: 'minute' };
const CASE_FUNCTIONS: Record<string, string> = { tolower: 'lower', toupper: 'upper', trim: 'btrim' };

export const notImplemented = (what: string, name?: string): MaatstafError =>
  new MaatstafError('NOT_IMPLEMENTED', `${what} is not supported by this OData service`, name !== undefined ? { name } : {});

const invalid = (message: string, name?: string, suggestions?: readonly string[]): MaatstafError =>
  new MaatstafError('INVALID_FILTER', message, { path: '$filter', ...(name !== undefined ? { name } : {}), ...(suggestions?.length ? { suggestions } : {}) });

/** `'it''s'` as an SQL string literal (same quoting as OData's). */
const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export interface FilterContext {
  readonly set: ODataEntitySet;
  /** The project's time zone: DateTimeOffset literals compare as its local wall-clock time. */
  readonly timeZone: string;
}

/** The where filter for `$filter=text`, or throws (400 INVALID_FILTER / 501 NOT_IMPLEMENTED). */
export function translateFilter(text: string, ctx: FilterContext): string {
  let ast: Node;
  try {
    ast = defaultParser.filter(rewriteIn(text)) as unknown as Node;
  } catch {
    throw invalid(`$filter is not a valid OData expression: ${text.slice(0, 200)}`);
  }
  const t = translate(ast, ctx);
  if (t.kind !== 'bool') throw invalid('$filter must be a condition (true or false per row)');
  return t.sql;
}

/** `a in ('x','y')` → `(a eq 'x' or a eq 'y')`, on the text outside string literals. */
export function rewriteIn(text: string): string {
  const { masked, unmask } = maskStrings(text);
  const rewritten = masked.replace(/([A-Za-z_][A-Za-z0-9_]*)\s+in\s*\(([^()]*)\)/g, (_m, name: string, list: string) => {
    const items = list.split(',').map((s) => s.trim());
    if (items.some((i) => i === '')) throw invalid(`an empty item in the 'in' list of ${name}`, name);
    return `(${items.map((i) => `${name} eq ${i}`).join(' or ')})`;
  });
  return unmask(rewritten);
}

function child(node: Node): Node {
  return node.value as Node;
}

function pair(node: Node): [Node, Node] {
  const v = node.value as { left: Node; right: Node };
  return [v.left, v.right];
}

function translate(node: Node, ctx: FilterContext): Translation {
  switch (node.type) {
    case 'AndExpression':
    case 'OrExpression': {
      const [l, r] = pair(node).map((n) => bool(translate(n, ctx), n));
      return { sql: `(${l} ${node.type === 'AndExpression' ? 'AND' : 'OR'} ${r})`, kind: 'bool' };
    }
    case 'NotExpression':
      return { sql: `(NOT ${bool(translate(child(node), ctx), child(node))})`, kind: 'bool' };
    case 'BoolParenExpression':
    case 'ParenExpression':
    case 'CommonExpression': {
      const inner = translate(child(node), ctx);
      return { ...inner, sql: `(${inner.sql})` };
    }
    case 'MethodCallExpression':
      return method(node, ctx);
    case 'FirstMemberExpression':
    case 'MemberExpression':
    case 'PropertyPathExpression':
      return { sql: '', kind: 'value', property: propertyRef(node, ctx) };
    default:
      if (COMPARE[node.type]) return compare(node, ctx);
      throw notImplemented(`the $filter construct '${node.raw}'`, node.raw);
  }
}

function bool(t: Translation, node: Node): string {
  if (t.kind !== 'bool') throw invalid(`'${node.raw}' is not a condition`, node.raw);
  return t.sql;
}

/** A property path of one segment (no navigation: entity sets have none). */
function propertyRef(node: Node, ctx: FilterContext): ODataProperty {
  let cur: Node = node;
  while (cur.type !== 'ODataIdentifier') {
    const v = cur.value as Node | { name?: string; current?: unknown; next?: unknown } | undefined;
    if (!v || typeof v !== 'object' || !('type' in v)) throw notImplemented(`the property path '${node.raw}'`, node.raw);
    cur = v as Node;
  }
  const name = (cur.value as { name: string }).name;
  if (node.raw.includes('/')) throw notImplemented(`the property path '${node.raw}'`, node.raw);
  const property = ctx.set.properties.find((p) => p.name === name);
  if (!property) {
    throw invalid(`unknown property '${name}' of ${ctx.set.name}`, name, suggest(name, ctx.set.properties.map((p) => p.name)));
  }
  if (property.metric) throw notImplemented(`filtering on the metric '${name}' (the query filters rows before aggregation; filter metric values in the report)`, name);
  return property;
}

/** The reference the where filter uses for a group-by column: its output name, as MetricFlow resolves it. */
const columnSql = (p: ODataProperty): string => p.name;

function operand(node: Node, ctx: FilterContext, other: ODataProperty | undefined): Translation {
  if (node.type === 'Literal') return { sql: literal(node, other, ctx), kind: 'value' };
  const t = translate(node, ctx);
  if (t.kind !== 'value') throw invalid(`'${node.raw}' is a condition, not a value`, node.raw);
  return t.property && t.sql === '' ? { ...t, sql: columnSql(t.property) } : t;
}

function compare(node: Node, ctx: FilterContext): Translation {
  const [l, r] = pair(node);
  const op = COMPARE[node.type]!;
  const isNull = (n: Node) => n.type === 'Literal' && n.raw === 'null';
  if (isNull(l) || isNull(r)) {
    if (op !== '=' && op !== '<>') throw invalid(`null can only be compared with eq or ne: '${node.raw}'`, node.raw);
    const side = operand(isNull(l) ? r : l, ctx, undefined);
    return { sql: `${side.sql} IS ${op === '=' ? '' : 'NOT '}NULL`, kind: 'bool' };
  }
  const leftProp = l.type === 'Literal' ? undefined : operand(l, ctx, undefined);
  const rightProp = r.type === 'Literal' ? undefined : operand(r, ctx, undefined);
  const left = leftProp ?? operand(l, ctx, rightProp?.property);
  const right = rightProp ?? operand(r, ctx, leftProp?.property);
  return { sql: `${left.sql} ${op} ${right.sql}`, kind: 'bool' };
}

function method(node: Node, ctx: FilterContext): Translation {
  const { method: name, parameters } = node.value as { method: string; parameters: Node[] };
  const args = (parameters ?? []).map((p) => operand(p, ctx, undefined));
  const arity = (n: number) => {
    if (args.length !== n) throw invalid(`${name}() takes ${n} argument(s)`, name);
  };
  switch (name) {
    case 'startswith':
    case 'endswith':
    case 'contains': {
      arity(2);
      const needle = parameters[1]!;
      if (needle.type !== 'Literal' || needle.value !== 'Edm.String') throw notImplemented(`${name}() with a second argument that is not a text literal`, name);
      const text = stringValue(needle);
      const [hay, lit] = [args[0]!.sql, sqlString(text)];
      // left/right/strpos rather than LIKE: no wildcard in the text can widen the match.
      if (name === 'contains') return { sql: `strpos(${hay}, ${lit}) > 0`, kind: 'bool' };
      return { sql: `${name === 'startswith' ? 'left' : 'right'}(${hay}, ${[...text].length}) = ${lit}`, kind: 'bool' };
    }
    default:
      if (DATE_PARTS[name]) {
        arity(1);
        return { sql: `extract(${DATE_PARTS[name]} from ${args[0]!.sql})`, kind: 'value' };
      }
      if (CASE_FUNCTIONS[name]) {
        arity(1);
        return { sql: `${CASE_FUNCTIONS[name]}(${args[0]!.sql})`, kind: 'value', ...(args[0]!.property ? { property: args[0]!.property } : {}) };
      }
      throw notImplemented(`the $filter function '${name}'`, name);
  }
}

function stringValue(node: Node): string {
  return node.raw.slice(1, -1).replace(/''/g, "'");
}

/** An OData literal as an SQL literal the where-filter parser accepts (and binds). */
function literal(node: Node, against: ODataProperty | undefined, ctx: FilterContext): string {
  const type = node.value as string;
  const raw = node.raw;
  switch (type) {
    case 'Edm.String':
      return sqlString(stringValue(node));
    case 'Edm.Boolean':
      return raw.toLowerCase() === 'true' ? 'TRUE' : 'FALSE';
    case 'Edm.SByte':
    case 'Edm.Byte':
    case 'Edm.Int16':
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Decimal':
    case 'Edm.Double':
    case 'Edm.Single':
      if (!/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) throw notImplemented(`the number literal '${raw}'`, raw);
      return raw.startsWith('+') ? raw.slice(1) : raw;
    case 'Edm.Date':
      return sqlString(raw);
    case 'Edm.DateTimeOffset':
      return dateTimeLiteral(raw, against, ctx);
    default:
      throw notImplemented(`the literal '${raw}' (${type})`, raw);
  }
}

/**
 * A DateTimeOffset literal names an instant; maatstaf's time columns are local wall-clock times in
 * the project's zone, so the instant is converted to that zone. Against a date column (Edm.Date) only
 * a local midnight is accepted (a date-time there would compare ambiguously).
 */
function dateTimeLiteral(raw: string, against: ODataProperty | undefined, ctx: FilterContext): string {
  const instant = Date.parse(raw);
  if (Number.isNaN(instant)) throw invalid(`'${raw}' is not a valid date-time`, raw);
  const local = localWallClock(instant, ctx.timeZone);
  if (against?.type === 'Edm.Date') {
    if (!local.endsWith('00:00:00')) throw invalid(`${against.name} is a date: compare it with a date literal such as ${local.slice(0, 10)}`, against.name);
    return sqlString(local.slice(0, 10));
  }
  return sqlString(local);
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:MM:SS` of an instant in a time zone. */
export function localWallClock(instant: number, timeZone: string): string {
  let fmt = wallClocks.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    wallClocks.set(timeZone, fmt);
  }
  return fmt.format(new Date(instant));
}
