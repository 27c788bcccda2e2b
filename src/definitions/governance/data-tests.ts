/**
 * Data-quality checks declared on a semantic model in `config.meta.data_tests` (a maatstaf
 * extension; `maatstaf validate --data` runs them):
 *
 *   data_tests:
 *     - {name: resolved_after_received, sql: "resolved_at >= received_at OR resolved_at IS NULL"}
 *     - {name: district_known, not_null: district_id, severity: warning}
 *
 * `sql` is a condition every row must satisfy (raw SQL, like an element expr: it only ever comes
 * from reviewed definition files); `not_null` names a column or an entity/dimension of the model.
 */

export type DataTestCheck = { readonly kind: 'sql'; readonly condition: string } | { readonly kind: 'not_null'; readonly column: string };

export interface DataTest {
  readonly name: string;
  readonly check: DataTestCheck;
  /** `error` (default) fails `validate --data`; `warning` only reports the violating rows. */
  readonly severity: 'error' | 'warning';
  readonly description?: string;
}

export interface DataTestProblem {
  /** Index in the list, or undefined for the list itself. */
  readonly index: number | undefined;
  readonly message: string;
}

const KNOWN_KEYS = new Set(['name', 'sql', 'not_null', 'severity', 'description']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Reads `data_tests` from a model's meta; every malformed entry becomes a problem and is skipped. */
export function readDataTests(value: unknown): { tests: DataTest[]; problems: DataTestProblem[] } {
  const tests: DataTest[] = [];
  const problems: DataTestProblem[] = [];
  if (value === undefined || value === null) return { tests, problems };
  if (!Array.isArray(value)) return { tests, problems: [{ index: undefined, message: 'data_tests must be a list of {name, sql | not_null}' }] };
  const names = new Set<string>();
  value.forEach((raw: unknown, index) => {
    const bad = (message: string) => problems.push({ index, message });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('a data test must be a mapping {name, sql | not_null}');
    const t = raw as Record<string, unknown>;
    const unknown = Object.keys(t).filter((k) => !KNOWN_KEYS.has(k));
    if (unknown.length > 0) return bad(`unknown key(s) ${unknown.join(', ')} (allowed: ${[...KNOWN_KEYS].join(', ')})`);
    if (!isText(t.name) || !IDENTIFIER.test(t.name)) return bad('a data test needs a name (letters, digits, underscores)');
    if (names.has(t.name)) return bad(`duplicate data test name '${t.name}'`);
    names.add(t.name);
    if ((t.sql === undefined) === (t.not_null === undefined)) return bad(`data test '${t.name}' needs exactly one of sql or not_null`);
    if (t.sql !== undefined && !isText(t.sql)) return bad(`data test '${t.name}': sql must be a condition (text)`);
    if (t.not_null !== undefined && !(isText(t.not_null) && IDENTIFIER.test(t.not_null))) return bad(`data test '${t.name}': not_null must be a column name`);
    if (t.severity !== undefined && t.severity !== 'error' && t.severity !== 'warning') return bad(`data test '${t.name}': severity must be error or warning`);
    if (t.description !== undefined && typeof t.description !== 'string') return bad(`data test '${t.name}': description must be text`);
    const check: DataTestCheck = isText(t.sql) ? { kind: 'sql', condition: t.sql } : { kind: 'not_null', column: t.not_null as string };
    tests.push({ name: t.name, check, severity: t.severity === 'warning' ? 'warning' : 'error', ...(isText(t.description) ? { description: t.description } : {}) });
  });
  return { tests, problems };
}
