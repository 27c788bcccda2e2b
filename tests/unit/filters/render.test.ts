import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseFilter, renderFilter, type FilterExpr, type FilterRef, type ParsedFilter } from '../../../src/planner/filters/index.js';
import { coldDb, compileFilter } from './helpers.js';

const D = "{{ Dimension('report__district') }}";
const T = "{{ TimeDimension('metric_time', 'month') }}";
const N = "{{ Dimension('order__amount') }}";

describe('renderFilter', () => {
  it.each<[string, unknown[]]>([
    [`${D} = 'Centrum' AND ${T} >= '2024-01-01'`, ['Centrum', '2024-01-01']],
    ["{{ Dimension('customer__country', entity_path=['order']) }} IN ('NL', 'BE')", ['NL', 'BE']],
    ["{{ Dimension('order__ordered_at').grain('month') }} = '2024-03-01'", ['2024-03-01']],
    ["{{ TimeDimension('order__ordered_at', date_part_name='dow') }} IN (6, 7)", [6, 7]],
    ["{{ Entity('customer') }} IS NOT NULL", []],
    ["{{ Metric('order_count', group_by=['customer']) }} > 2", [2]],
    [`${D} NOT IN ('a', 'b') OR ${D} IS NULL`, ['a', 'b']],
    [`${N} BETWEEN -5 AND 12.50`, [-5, '12.50']],
    [`${N} NOT BETWEEN 1 AND 2`, [1, 2]],
    [`${N} > 3000000000 AND ${N} < 99999999999999999999`, [3000000000, '99999999999999999999']],
    [`${N} * 1.21 + 5 > 100 - 3`, ['1.21', 5, 100, 3]],
    ['1 + 1 = 2', [1, 1, 2]],
    [`-${N} < 0 AND - -${N} > 0`, [0, 0]],
    [`lower(${D}) LIKE 'cen%' AND ${D} NOT ILIKE '%west%'`, ['cen%', '%west%']],
    [`${D} || ' ' || ${D} = 'a b'`, [' ', 'a b']],
    [`NOT (${D} = 'x' OR ${D} IS DISTINCT FROM 'y')`, ['x', 'y']],
    [`${D} IS NOT TRUE OR ${D} IS FALSE`, []],
    [`${D} = true AND ${D} <> false`, [true, false]],
    [`coalesce(${D}, NULL, 'none') = 'none'`, ['none', 'none']],
    [`CASE WHEN ${N} > 100 THEN 'big' WHEN ${N} > 10 THEN 'medium' ELSE 'small' END = 'big'`, [100, 'big', 10, 'medium', 'small', 'big']],
    [`CASE ${D} WHEN 'a' THEN 1 END = 1`, ['a', 1, 1]],
    [`${T}::date >= DATE '2024-01-01' AND ${T} < CAST('2024-02-01' AS timestamp)`, ['2024-01-01', '2024-02-01']],
    [`${T} >= current_date - interval '30 days' AND ${T} < now()`, ['30 days']],
    [`${T} > localtimestamp - make_interval(days => 7) AND ${T} <= current_timestamp`, [7]],
    [`extract(dow from ${T}) IN (0, 6) AND date_part('year', ${T}) = 2024`, [0, 6, 'year', 2024]],
    [`date_trunc('month', ${T}) = '2024-03-01'`, ['month', '2024-03-01']],
    [`${N}::numeric(10, 2) = 1.50 AND ${D}::varchar(3) = 'abc'`, ['1.50', 'abc']],
    [`trim(leading '0' from ${D}) = '7' AND position('x' in ${D}) > 0 AND substring(${D} from 2 for 3) = 'abc'`, ['0', '7', 'x', 0, 2, 3, 'abc']],
    [`${D} = 'it''s' OR ${D} = '--' OR ${D} = '; drop table t' OR ${D} = '$1'`, ["it's", '--', '; drop table t', '$1']],
  ])('%s', (text, parameters) => {
    const compiled = compileFilter(text);
    expect(compiled.sql).toMatchSnapshot();
    expect(compiled.parameters).toEqual(parameters);
  });

  it('puts the expression from columnFor in place of each reference, with its index', () => {
    const filter = parseFilter(`${D} = 'Centrum' AND ${T} >= '2024-01-01'`);
    const seen: [FilterRef['kind'], number][] = [];
    const compiled = renderFilter(filter, (ref, i) => {
      seen.push([ref.kind, i]);
      return i === 0 ? sql.ref('r.district') : sql`date_trunc('month', ${sql.ref('r.reported_at')})`;
    }).compile(coldDb);
    expect(seen).toEqual([
      ['dimension', 0],
      ['time_dimension', 1],
    ]);
    expect(compiled.sql).toBe(`(("r"."district" = $1) and ((date_trunc('month', "r"."reported_at")) >= $2))`);
    expect(compiled.parameters).toEqual(['Centrum', '2024-01-01']);
  });

  it('parenthesises a non-trivial column expression so precedence cannot change', () => {
    const filter = parseFilter(`${D} = false`);
    const compiled = renderFilter(filter, () => sql`${sql.ref('a')} = ${sql.ref('b')}`).compile(coldDb);
    expect(compiled.sql).toBe('(("a" = "b") = cast($1 as boolean))');
  });

  it('refuses trees that did not come from parseFilter', () => {
    const forge = (ast: unknown): ParsedFilter => ({ text: '', refs: [], ast: ast as FilterExpr });
    const render = (ast: unknown) => renderFilter(forge(ast), () => sql.ref('x'));
    expect(() => render({ kind: 'call', fn: 'pg_sleep', args: [], namedArgs: [] })).toThrow(/not in the filter whitelist/);
    expect(() => render({ kind: 'compare', op: '; drop', left: { kind: 'null' }, right: { kind: 'null' } })).toThrow(/whitelist/);
    expect(() => render({ kind: 'cast', type: 'regclass', typeArgs: [], operand: { kind: 'null' } })).toThrow(/whitelist/);
    expect(() => render({ kind: 'cast', type: 'numeric', typeArgs: [1.5], operand: { kind: 'null' } })).toThrow(/whitelist/);
    expect(() => render({ kind: 'number', value: '1; drop', numberType: 'integer' })).toThrow(/whitelist/);
    expect(() => render({ kind: 'extract', field: 'toString', from: { kind: 'null' } })).toThrow(/whitelist/);
    expect(() => render({ kind: 'ref', ref: 3 })).toThrow(/whitelist/);
    expect(() => render({ kind: 'current', value: 'current_user' })).toThrow(/whitelist/);
  });
});
