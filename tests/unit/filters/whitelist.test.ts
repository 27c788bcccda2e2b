import { describe, expect, it } from 'vitest';
import { parseFilter, type FilterExpr } from '../../../src/planner/filters/index.js';
import { rejection } from './helpers.js';

const D = "{{ Dimension('order__status') }}";
const T = "{{ TimeDimension('metric_time', 'day') }}";
const N = "{{ Dimension('order__amount') }}";

/** Every node kind in a tree, depth first. */
function kinds(e: FilterExpr): string[] {
  const children: FilterExpr[] = [];
  switch (e.kind) {
    case 'and':
    case 'or':
      children.push(...e.operands);
      break;
    case 'not':
    case 'negate':
    case 'is':
    case 'cast':
      children.push(e.operand);
      break;
    case 'compare':
    case 'arithmetic':
      children.push(e.left, e.right);
      break;
    case 'in':
      children.push(e.operand, ...e.values);
      break;
    case 'between':
      children.push(e.operand, e.low, e.high);
      break;
    case 'like':
      children.push(e.operand, e.pattern);
      break;
    case 'case':
      if (e.subject) children.push(e.subject);
      for (const w of e.whens) children.push(w.when, w.then);
      if (e.otherwise) children.push(e.otherwise);
      break;
    case 'call':
      children.push(...e.args, ...e.namedArgs.map((a) => a.value));
      break;
    case 'extract':
      children.push(e.from);
      break;
    default:
      break;
  }
  return [e.kind, ...children.flatMap(kinds)];
}

describe('realistic filters are accepted', () => {
  it.each([
    `${D} = 'shipped'`,
    `${D} <> 'cancelled' AND ${D} != 'returned'`,
    `${D} IN ('shipped', 'delivered')`,
    `${D} NOT IN ('cancelled')`,
    `${D} IS NULL OR ${D} IS NOT NULL`,
    `${D} IS DISTINCT FROM 'x'`,
    `${D} LIKE 'ship%' OR ${D} NOT ILIKE '%cancel%'`,
    `lower(${D}) = 'shipped'`,
    `upper(trim(${D})) = 'SHIPPED'`,
    `length(${D}) > 3`,
    `coalesce(${D}, 'unknown') <> 'unknown'`,
    `nullif(${D}, '') IS NOT NULL`,
    `${D} || '-' || ${D} = 'a-a'`,
    `substring(${D} from 1 for 4) = 'ship'`,
    `substring(${D}, 1, 4) = 'ship'`,
    `position('ship' in ${D}) = 1`,
    `${N} > 100`,
    `${N} >= 99.95`,
    `${N} BETWEEN 10 AND 20`,
    `${N} NOT BETWEEN -5 AND 5`,
    `${N} * 1.21 > 100`,
    `(${N} + 5) / 2 % 3 = 1`,
    `abs(${N} - 100) < 10`,
    `round(${N}, 2) = 12.50`,
    `floor(${N}) = ceil(${N})`,
    `greatest(${N}, 0) = least(${N}, 100)`,
    `-${N} < 0`,
    `${N}::integer = 5`,
    `CAST(${N} AS numeric(10, 2)) = 12.5`,
    `${T} >= '2024-01-01'`,
    `${T} BETWEEN '2024-01-01' AND '2024-01-31'`,
    `${T} >= DATE '2024-01-01' AND ${T} < TIMESTAMP '2024-02-01 00:00:00'`,
    `${T}::date = '2024-03-01'::date`,
    `${T} >= current_date - interval '30 days'`,
    `${T} >= now() - make_interval(days => 7)`,
    `${T} < current_timestamp`,
    `date_trunc('month', ${T}) = '2024-03-01'`,
    `extract(dow from ${T}) IN (0, 6)`,
    `date_part('year', ${T}) = 2024`,
    `to_char(${T}, 'YYYY') = '2024'`,
    `CASE WHEN ${N} > 100 THEN 'big' ELSE 'small' END = 'big'`,
    `CASE ${D} WHEN 'a' THEN true ELSE false END`,
    "{{ Dimension('order__is_large') }}",
    "{{ Dimension('order__is_large') }} IS TRUE",
    "{{ Dimension('order__is_large') }} = true AND NOT {{ Dimension('order__is_test') }}",
    "{{ Dimension('order__is_large') }} IS NOT FALSE",
    "{{ Entity('customer') }} IS NOT NULL",
    "{{ Metric('order_count', group_by=['customer']) }} > 2",
    `NOT (${D} = 'a' OR (${N} > 1 AND ${N} < 2))`,
    `${D} = 'it''s'`,
    `${D} = 'Zürich' OR ${D} = '東京' OR ${D} = '😀'`,
    `${D} = '--not a comment' OR ${D} = '/* nor this */' OR ${D} = '; nor this'`,
    `${D}\n  = 'multi-line'\n  AND ${N} > 1`,
    `${D} = 'a}}b'`,
    `${N}-1 > 0 AND ${N}*2<10`,
  ])('%s', (text) => {
    const f = parseFilter(text);
    expect(f.text).toBe(text);
    expect(kinds(f.ast).length).toBeGreaterThan(0);
  });

  it('keeps PostgreSQL precedence: a = b IS NULL is (a = b) IS NULL', () => {
    const f = parseFilter(`${D} = 'x' IS NULL`);
    expect(f.ast).toMatchObject({ kind: 'is', test: 'null', operand: { kind: 'compare', op: '=' } });
  });

  it("keeps PostgreSQL precedence: 'a' || 1 + 2 concatenates the sum", () => {
    const f = parseFilter(`${D} = 'a' || 1 + 2`);
    expect(f.ast).toMatchObject({ kind: 'compare', right: { kind: 'arithmetic', op: '||', right: { kind: 'arithmetic', op: '+' } } });
  });

  it('flattens AND chains and binds AND tighter than OR', () => {
    const f = parseFilter(`${D} = 'a' AND ${D} = 'b' AND ${D} = 'c' OR ${N} > 1`);
    expect(f.ast).toMatchObject({ kind: 'or', operands: [{ kind: 'and', operands: [{}, {}, {}] }, { kind: 'compare' }] });
  });

  it('types numeric literals like PostgreSQL and keeps their exact text', () => {
    const values = (text: string) => {
      const ast = parseFilter(text).ast as Extract<FilterExpr, { kind: 'in' }>;
      return ast.values;
    };
    expect(values(`${N} IN (1, -7, 3000000000, 99999999999999999999, 0.10000000000000000555, 1.5e3, 0x1F, 1_000)`)).toEqual([
      { kind: 'number', value: '1', numberType: 'integer' },
      { kind: 'number', value: '-7', numberType: 'integer' },
      { kind: 'number', value: '3000000000', numberType: 'bigint' },
      { kind: 'number', value: '99999999999999999999', numberType: 'numeric' },
      { kind: 'number', value: '0.10000000000000000555', numberType: 'numeric' },
      { kind: 'number', value: '1.5e3', numberType: 'numeric' },
      { kind: 'number', value: '31', numberType: 'integer' },
      { kind: 'number', value: '1000', numberType: 'integer' },
    ]);
  });

  it('reads string continuation and doubled quotes the way PostgreSQL does', () => {
    const ast = parseFilter(`${D} = 'it''s'\n'-continued'`).ast;
    expect(ast).toMatchObject({ right: { kind: 'string', value: "it's-continued" } });
  });

  it('uses canonical names for casts and SQL-syntax functions', () => {
    expect(parseFilter(`${N}::int = 1`).ast).toMatchObject({ left: { kind: 'cast', type: 'integer' } });
    expect(parseFilter(`${N}::double precision = 1`).ast).toMatchObject({ left: { kind: 'cast', type: 'double precision' } });
    expect(parseFilter(`${T}::timestamp with time zone > now()`).ast).toMatchObject({ left: { kind: 'cast', type: 'timestamptz' } });
    expect(parseFilter(`trim(${D}) = 'x'`).ast).toMatchObject({ left: { kind: 'call', fn: 'btrim' } });
    expect(parseFilter(`position('x' in ${D}) = 1`).ast).toMatchObject({ left: { kind: 'call', fn: 'strpos' } });
    expect(parseFilter(`coalesce(${D}, 'x') = 'x'`).ast).toMatchObject({ left: { kind: 'call', fn: 'coalesce' } });
    expect(parseFilter(`extract(YEAR from ${T}) = 2024`).ast).toMatchObject({ left: { kind: 'extract', field: 'year' } });
  });
});

describe('filters that are not conditions are rejected', () => {
  it.each(["'abc'", '1 + 1', `${N} * 2`, `${D} = 'a' AND 5`, 'current_date', `${N}::integer`])('%s', (text) => {
    expect(rejection(text).message).toMatch(/a filter must be a condition/);
  });
});
