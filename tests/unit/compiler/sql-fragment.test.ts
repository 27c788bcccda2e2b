/**
 * The compiler's own SQL fragments render exactly what Kysely's `sql` renders (the compiler's SQL
 * must stay byte-identical), including Kysely expressions embedded in fragments and back.
 */
import { sql as k, type RawBuilder } from 'kysely';
import { describe, expect, it } from 'vitest';
import { coldKysely } from '../../../src/compiler/cold-kysely.js';
import { sql as f, type SqlFragment } from '../../../src/compiler/sql-fragment.js';

const viaKysely = (b: RawBuilder<unknown>) => {
  const c = b.compile(coldKysely);
  return { sql: c.sql, parameters: c.parameters };
};

/** The API both builders share (method syntax: the two signatures differ only in their own types). */
interface SqlLike {
  (strings: TemplateStringsArray, ...values: unknown[]): unknown;
  id(...ids: string[]): unknown;
  lit(value: unknown): unknown;
  raw(text: string): unknown;
  join(items: readonly unknown[], separator?: unknown): unknown;
}

describe('sql fragments', () => {
  it('render identifiers, literals, raw text, parameters and joins like Kysely', () => {
    const build = (s: SqlLike) =>
      s`SELECT ${s.join([s.id('a'), s.id('t', 'we"ird'), s`COALESCE(${s.id('x')}, ${s.lit(0)})`, s.lit("it's")], s.raw(',\n  '))} FROM ${s.id('db', 'sch', 'tbl')} WHERE ${s.id('c')} = ${'NL'} AND ${s.id('n')} < ${42} AND ${s.lit(true)} AND ${s.lit(null)} AND ${s.lit(1.5)} LIMIT ${s.join([7, 8])}${s.join([])}`;
    const ours = (build(f as unknown as SqlLike) as SqlFragment).compile();
    expect({ sql: ours.sql, parameters: ours.parameters }).toEqual(viaKysely(build(k as unknown as SqlLike) as RawBuilder<unknown>));
    expect(ours.sql).toContain('"t"."we""ird"');
    expect(ours.parameters).toEqual(['NL', 42, 7, 8]);
  });

  it('numbers the parameters of an embedded Kysely expression after its own', () => {
    const filter = k`(${k.id('country')} = ${'NL'} OR ${k.id('country')} = ${'BE'})`;
    const ours = f`SELECT ${f.id('a')} FROM ${f.id('t')} WHERE ${f.id('x')} = ${1} AND ${filter} LIMIT ${10}`.compile();
    expect(ours.sql).toBe('SELECT "a" FROM "t" WHERE "x" = $1 AND ("country" = $2 OR "country" = $3) LIMIT $4');
    expect(ours.parameters).toEqual([1, 'NL', 'BE', 10]);
  });

  it('embeds in Kysely templates with the same text and parameters', () => {
    const inner = f`${f.id('a')} + ${5}`;
    expect(viaKysely(k`SELECT ${inner} AS ${k.id('b')} WHERE ${k.id('c')} = ${'x'}`)).toEqual({ sql: 'SELECT "a" + $1 AS "b" WHERE "c" = $2', parameters: [5, 'x'] });
  });
});
