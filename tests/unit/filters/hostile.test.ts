import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMaatstafError } from '../../../src/core/errors.js';
import { MAX_FILTER_LENGTH } from '../../../src/core/query.js';
import { parseFilter } from '../../../src/planner/filters/index.js';
import { compileFilter, rejection } from './helpers.js';

const D = "{{ Dimension('order__status') }}";

describe('hostile filters are rejected with a clear INVALID_FILTER error', () => {
  it.each<[string, string, RegExp]>([
    ['second statement', "1=1; drop table x", /single expression: ';' is not allowed/],
    ['second statement after a reference', `${D} = 'x'; DELETE FROM orders`, /';' is not allowed/],
    ['scalar subquery', `${D} = (SELECT max(status) FROM orders)`, /subqueries/],
    ['EXISTS', 'EXISTS (SELECT 1 FROM pg_user)', /subqueries/],
    ['IN subquery', `${D} IN (SELECT usename FROM pg_user)`, /subqueries/],
    ['UNION', `${D} = 'x' UNION SELECT 1`, /syntax error at character 40 near "UNION SELECT 1"/],
    ['bare SELECT', 'SELECT 1', /subqueries/],
    ['alias', `${D} = 'x' AS y`, /syntax error/],
    ['escaping the expression', "1) , (2", /unbalanced parentheses/],
    ['escaping into FROM', '1) FROM pg_user WHERE (1', /unbalanced parentheses/],
    ['pg_sleep', `${D} = 'x' OR pg_sleep(10) IS NULL`, /function 'pg_sleep' is not allowed in filters \(allowed: abs, .*lower.*\)/],
    ['set-returning generate_series', 'generate_series(1, 10) > 0', /function 'generate_series' is not allowed/],
    ['set-returning unnest', `${D} = unnest(ARRAY['a'])`, /filters cannot use arrays|function 'unnest'/],
    ['set-returning regexp_matches', `regexp_matches(${D}, 'x') IS NULL`, /function 'regexp_matches' is not allowed/],
    ['side effects', "set_config('search_path', 'x', false) IS NULL", /function 'set_config' is not allowed/],
    ['file access', "length(pg_read_file('/etc/passwd')) > 0", /function 'pg_read_file' is not allowed/],
    ['aggregate', `sum(${D}) > 1`, /function 'sum' is not allowed/],
    ['count(*)', 'count(*) > 1', /aggregate and window syntax/],
    ['window', `lower(${D}) OVER () = 'x'`, /aggregate and window syntax/],
    ['schema-qualified function', `pg_catalog.lower(${D}) = 'x'`, /schema-qualified function names/],
    ['OPERATOR()', `${D} OPERATOR(pg_catalog.=) 'x'`, /schema-qualified operators/],
    ['regex operator', `${D} ~ 'x'`, /operator '~' is not allowed in filters \(allowed: =, <>/],
    ['JSON operator', `${D} ->> 'x' = 'y'`, /operator '->>' is not allowed/],
    ['ANY', `${D} = ANY('{a,b}')`, /ANY\/ALL are not allowed/],
    ['SIMILAR TO', `${D} SIMILAR TO 'x'`, /SIMILAR TO is not allowed/],
    ['LIKE ESCAPE', `${D} LIKE 'x' ESCAPE '!'`, /LIKE … ESCAPE is not supported/],
    ['AT TIME ZONE', `${D} AT TIME ZONE 'UTC' > now()`, /AT TIME ZONE is not allowed/],
    ['row constructor', `(${D}, ${D}) = ('a', 'b')`, /row constructors/],
    ['subscript', `${D}[1] = 'x'`, /subscripts/],
    ['COLLATE', `${D} COLLATE pg_catalog.default = 'x'`, /COLLATE/],
    ['current_user', `${D} = current_user`, /'current_user' is not allowed/],
    ['session_user', `${D} = session_user`, /'session_user' is not allowed/],
    ['cast to regclass', `'pg_user'::regclass IS NOT NULL`, /cast to type 'regclass' is not allowed/],
    ['cast to array', `${D}::text[] IS NULL`, /array and %TYPE casts/],
    ['schema-qualified type', `${D}::public.mytype IS NULL`, /schema-qualified type names/],
    ['interval qualifier', `${D}::date > now() - interval '1' day`, /write the unit inside the string/],
    ['IN with non-literals', `${D} IN (${D})`, /IN lists may only contain literal values/],
    ['line comment', `${D} = 'x' -- AND 1=0`, /comments/],
    ['block comment', `${D} = /* hidden */ 'x'`, /comments/],
    ['nested block comment', `${D} = 'x' /* /* */ */`, /comments/],
    ['$1 parameter', `${D} = $1`, /parameters such as '\$1'/],
    ['dollar-quoted string', `${D} = $$x$$`, /dollar-quoted strings/],
    ['tagged dollar quote', `${D} = $tag$x$tag$`, /dollar-quoted strings/],
    ['escape string', `${D} = E'\\x41'`, /escape strings/],
    ['unicode escape string', `${D} = U&'\\0061'`, /Unicode escapes/],
    ['unicode escape identifier', `U&"\\0061" = 'x'`, /Unicode escapes/],
    ['bit string', `${D} = B'101'`, /bit-string literals/],
    ['hex bit string', `${D} = X'1F'`, /bit-string literals/],
    ['bare identifier', "report_district = 'Centrum'", /unknown reference 'report_district' — names in filters must be Jinja calls such as \{\{ Dimension\('report__district'\) \}\}/],
    ['qualified identifier', 'orders.status = 1', /unknown reference 'orders.status'/],
    ['bare identifier next to a reference', `${D} = status`, /text values need quotes: 'status'/],
    ['quoted identifier', `"order__status" = 'x'`, /quoted identifier '"order__status"' is not allowed/],
    ['star', `${D} = *`, /syntax error|'\*' is not allowed/],
    ['reserved placeholder name', "__maatstaf_ref_0 = 'x'", /reserved name/],
    ['reserved placeholder name, upper case', "__MAATSTAF_REF_0 = 'x'", /reserved name/],
    ['Jinja call inside a string', `${D} = '{{ Dimension("order__other") }}'`, /inside a string literal/],
    ['Jinja call as function name', `${D}('x') = 1`, /function '\{\{ Dimension\('order__status'\) \}\}' is not allowed/],
    ['Jinja call as a type', `'x'::${D} IS NULL`, /syntax error|not allowed/],
    ['unbalanced braces }}', `${D} = 'x' }}`, /unbalanced braces/],
    ['unbalanced braces {', `{ ${D} = 'x'`, /unbalanced braces/],
    ['unclosed call', "{{ Dimension('order__status') = 'x'", /unclosed '\{\{'/],
    ['zero-width space', `${D} = 'x'\u200B`, /invisible or text-direction character U\+200B/],
    ['right-to-left override inside a string', `${D} = '\u202Ex'`, /U\+202E/],
    ['byte order mark', `\uFEFF${D} = 'x'`, /U\+FEFF/],
    ['NUL byte', `${D} = 'x\u0000'`, /control character U\+0000/],
    ['vertical tab', `${D}\u000B= 'x'`, /control character U\+000B/],
    ['lone surrogate', `${D} = '\uD800'`, /invalid Unicode sequence/],
    ['fullwidth equals sign', `${D} ＝ 'x'`, /character '＝' \(U\+FF1D\) outside a string literal/],
    ['Cyrillic lookalike identifier', "оrder__status = 'x'", /outside a string literal/],
    ['non-breaking space', `${D}\u00A0= 'x'`, /U\+00A0/],
    ['Cyrillic lookalike call name', "{{ Dimеnsion('order__status') }} = 'x'", /unexpected character|unknown Jinja call/],
    ['deep nesting', `${'('.repeat(40)}${D} = 'x'${')'.repeat(40)}`, /nested too deeply/],
    ['deep operator chain', `${D} = 'x'${' || 1'.repeat(400)}`, /nested too deeply/],
    ['empty filter', '   ', /the filter is empty/],
    ['incomplete', `${D} = 'x' AND`, /syntax error at the end of the filter/],
    ['unterminated string', `${D} = 'x`, /unterminated quoted string/],
  ])('%s', (_label, text, message) => {
    const err = rejection(text, 'where[1]');
    expect(err.message).toMatch(message);
    expect(err.status).toBe(400);
    expect(err.details.path).toBe('where[1]');
    // Messages never leak parser internals (token tables, file names, placeholders).
    expect(err.message).not.toMatch(/__maatstaf_ref_\d|scan\.l|gram\.y|kw_|Unexpected|token|ResTarget|A_Expr/);
  });

  it('rejects filters longer than the limit before parsing them', () => {
    const text = `${D} IN (${Array.from({ length: 1000 }, () => "'abcdef'").join(', ')})`;
    expect(text.length).toBeGreaterThan(MAX_FILTER_LENGTH);
    expect(rejection(text).message).toMatch(`at most ${MAX_FILTER_LENGTH} are allowed`);
  });

  it('handles a maximal-length filter quickly', () => {
    const items: string[] = [];
    while (`${D} IN (${[...items, '12345'].join(', ')})`.length <= MAX_FILTER_LENGTH) items.push('12345');
    const text = `${D} IN (${items.join(', ')})`;
    const started = performance.now();
    const { parameters } = compileFilter(text);
    expect(parameters).toHaveLength(items.length);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('names the suggestions for an unknown function', () => {
    expect(rejection(`lowr(${D}) = 'x'`).details.suggestions).toContain('lower');
  });
});

describe('property: whatever the input, the result is INVALID_FILTER or SQL without filter text', () => {
  const fragments = [
    D,
    "{{ TimeDimension('metric_time', 'day') }}",
    "{{ Entity('customer') }}",
    "'x'",
    "'it''s'",
    "'; drop table t; --'",
    '1',
    '-2.5',
    'true',
    'NULL',
    '=',
    '<>',
    '<',
    '+',
    '||',
    'AND',
    'OR',
    'NOT',
    'IS NULL',
    'IN',
    'LIKE',
    'BETWEEN',
    '(',
    ')',
    ',',
    ';',
    '--',
    '/*',
    '*/',
    '$1',
    '$$',
    '"x"',
    'lower(',
    'pg_sleep(',
    'SELECT',
    'FROM',
    '::date',
    '::regclass',
    '{{',
    '}}',
    'status',
    'CASE WHEN',
    'THEN',
    'END',
  ];
  const soup = fc.array(fc.constantFrom(...fragments), { maxLength: 12 }).map((parts) => parts.join(' '));

  function check(text: string): void {
    let compiled;
    try {
      compiled = compileFilter(text);
    } catch (e) {
      expect(isMaatstafError(e) && e.code === 'INVALID_FILTER').toBe(true);
      return;
    }
    // Only keywords, operators, quoted column names and $n placeholders: no literal, comment or
    // statement separator from the input can reach the SQL text.
    expect(compiled.sql).toMatch(/^[a-z0-9_ ()$,.<>=!%*/+|"-]*$/);
    expect(compiled.sql).not.toMatch(/--|\/\*|;|'/);
    expect(compiled.sql).not.toMatch(/pg_sleep|select|from|status\b(?!")/);
  }

  it('token soup', () => {
    fc.assert(fc.property(soup, check), { numRuns: 2000 });
  });

  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), check), { numRuns: 1000 });
  });

  it('generated valid filters: accepted, and every string literal comes back verbatim as a parameter', () => {
    const chars = fc.constantFrom(...'ab Z09_', "'", ';', '-', '/', '*', '$', '"', '\\', '%', 'ü', '😀', '\n');
    const text = fc.string({ unit: chars, maxLength: 12 });
    const ref = fc.constantFrom(D, "{{ TimeDimension('metric_time', 'day') }}", "{{ Dimension('order__amount') }}");
    const { cond } = fc.letrec<{ value: string; cond: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        ref,
        text.map((t) => `'${t.replaceAll("'", "''")}'`),
        fc.integer().map(String),
        fc.constantFrom('1.5', 'NULL', 'current_date'),
        tie('value').map((v) => `lower(${v})`),
        fc.tuple(tie('value'), tie('value')).map(([a, b]) => `(${a} || ${b})`),
        fc.tuple(tie('value'), tie('value')).map(([a, b]) => `coalesce(${a}, ${b})`),
      ),
      cond: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(tie('value'), fc.constantFrom('=', '<>', '<', '>='), tie('value')).map(([a, op, b]) => `${a} ${op} ${b}`),
        fc.tuple(tie('value'), fc.array(text, { minLength: 1, maxLength: 3 })).map(
          ([a, list]) => `${a} IN (${list.map((t) => `'${t.replaceAll("'", "''")}'`).join(', ')})`,
        ),
        tie('value').map((v) => `${v} IS NULL`),
        tie('cond').map((c) => `NOT (${c})`),
        fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => `(${a}) AND (${b})`),
        fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => `(${a}) OR (${b})`),
      ),
    }));
    fc.assert(
      fc.property(cond, (filter) => {
        const { sql: compiled, parameters } = compileFilter(filter);
        expect(compiled).toMatch(/^[a-z0-9_ ()$,.<>=!%*/+|"-]*$/);
        const literals = [...filter.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
        const jinjaArgs = new Set(['order__status', 'metric_time', 'day', 'order__amount']);
        for (const lit of literals.filter((l) => !jinjaArgs.has(l))) expect(parameters).toContain(lit);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but MaatstafError', () => {
    for (const text of ['', '{{', '}}', '{{}}', "{{ Dimension('", '(', ')', "'", '"', '$', '$$', '/*', '\\', '\u0000']) {
      expect(() => parseFilter(text)).toThrow(expect.objectContaining({ code: 'INVALID_FILTER' }));
    }
  });
});
