/**
 * Everything a filter may use besides references and literals. The renderer emits SQL keywords,
 * operators, function, type and field names only from the `sql` strings in these tables, looked up
 * by key — never text from the filter.
 */
import type { ArithmeticOp, CompareOp, CurrentValue, IsTest } from './filter-tree.js';

export interface FunctionSpec {
  /** The function name as emitted. */
  readonly sql: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Parameter names usable as `name => value`. */
  readonly named?: readonly string[];
}

const fn = (sql: string, minArgs: number, maxArgs = minArgs, named?: readonly string[]): FunctionSpec =>
  named ? { sql, minArgs, maxArgs, named } : { sql, minArgs, maxArgs };
const MANY = 100;

/** Scalar, non-set-returning, side-effect-free functions, keyed by PostgreSQL's function name. */
export const FILTER_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  lower: fn('lower', 1),
  upper: fn('upper', 1),
  btrim: fn('btrim', 1, 2),
  ltrim: fn('ltrim', 1, 2),
  rtrim: fn('rtrim', 1, 2),
  length: fn('length', 1),
  char_length: fn('char_length', 1),
  substring: fn('substring', 2, 3),
  substr: fn('substr', 2, 3),
  strpos: fn('strpos', 2),
  left: fn('left', 2),
  right: fn('right', 2),
  replace: fn('replace', 3),
  split_part: fn('split_part', 3),
  abs: fn('abs', 1),
  round: fn('round', 1, 2),
  floor: fn('floor', 1),
  ceil: fn('ceil', 1),
  ceiling: fn('ceiling', 1),
  trunc: fn('trunc', 1, 2),
  mod: fn('mod', 2),
  coalesce: fn('coalesce', 1, MANY),
  nullif: fn('nullif', 2),
  greatest: fn('greatest', 1, MANY),
  least: fn('least', 1, MANY),
  date_trunc: fn('date_trunc', 2, 3),
  date_part: fn('date_part', 2),
  now: fn('now', 0),
  make_date: fn('make_date', 3),
  make_interval: fn('make_interval', 0, 7, ['years', 'months', 'weeks', 'days', 'hours', 'mins', 'secs']),
  to_date: fn('to_date', 2),
  to_char: fn('to_char', 2),
};

/** Function names as users write them (trim/position/extract are SQL syntax forms), for messages. */
export const ALLOWED_FUNCTION_NAMES: readonly string[] = [
  ...Object.keys(FILTER_FUNCTIONS).filter((n) => !['btrim', 'ltrim', 'rtrim', 'strpos'].includes(n)),
  'trim',
  'position',
  'extract',
].sort();

export interface CastTypeSpec {
  readonly sql: string;
  /** How many integer modifiers the type takes (`varchar(10)`, `numeric(10, 2)`). */
  readonly maxTypeArgs: number;
}

/** Cast targets, keyed by the canonical name stored in the tree. */
export const FILTER_CAST_TYPES: Readonly<Record<string, CastTypeSpec>> = {
  date: { sql: 'date', maxTypeArgs: 0 },
  timestamp: { sql: 'timestamp', maxTypeArgs: 0 },
  timestamptz: { sql: 'timestamptz', maxTypeArgs: 0 },
  text: { sql: 'text', maxTypeArgs: 0 },
  varchar: { sql: 'varchar', maxTypeArgs: 1 },
  smallint: { sql: 'smallint', maxTypeArgs: 0 },
  integer: { sql: 'integer', maxTypeArgs: 0 },
  bigint: { sql: 'bigint', maxTypeArgs: 0 },
  numeric: { sql: 'numeric', maxTypeArgs: 2 },
  real: { sql: 'real', maxTypeArgs: 0 },
  'double precision': { sql: 'double precision', maxTypeArgs: 0 },
  boolean: { sql: 'boolean', maxTypeArgs: 0 },
  interval: { sql: 'interval', maxTypeArgs: 0 },
};

/** Largest accepted type modifier (numeric precision is at most 1000 in PostgreSQL). */
export const MAX_TYPE_ARG = 10_000;

/** Fields of `extract(<field> from …)`. */
export const EXTRACT_FIELDS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'century', 'day', 'decade', 'dow', 'doy', 'epoch', 'hour', 'isodow', 'isoyear', 'microseconds',
    'millennium', 'milliseconds', 'minute', 'month', 'quarter', 'second', 'week', 'year',
  ].map((f) => [f, f]),
);

export const COMPARE_SQL: Readonly<Record<CompareOp, string>> = {
  '=': '=',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  'is distinct from': 'is distinct from',
  'is not distinct from': 'is not distinct from',
};

export const ARITHMETIC_SQL: Readonly<Record<ArithmeticOp, string>> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '||': '||',
};

export const IS_TEST_SQL: Readonly<Record<IsTest, string>> = {
  null: 'is null',
  'not null': 'is not null',
  true: 'is true',
  'not true': 'is not true',
  false: 'is false',
  'not false': 'is not false',
  unknown: 'is unknown',
  'not unknown': 'is not unknown',
};

export const CURRENT_SQL: Readonly<Record<CurrentValue, string>> = {
  current_date: 'current_date',
  current_timestamp: 'current_timestamp',
  localtimestamp: 'localtimestamp',
};

/** Operators as users write them, for messages. */
export const ALLOWED_OPERATORS = '=, <>, !=, <, <=, >, >=, +, -, *, /, %, ||';

/** Looks up `key` in a whitelist table without falling through to Object.prototype. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
