/**
 * The data a parsed where-filter is made of: the Jinja references it names and a small expression
 * tree that holds only whitelisted SQL. Nothing here depends on the SQL parser library, so every
 * later stage (resolution, planning, rendering) reads plain immutable data.
 */

/** A `{{ Dimension(...) }}` / `{{ TimeDimension(...) }}` call. */
export interface DimensionFilterRef {
  readonly kind: 'dimension' | 'time_dimension';
  /** Dunder name as written, lower-cased (`order__ordered_at`, `metric_time__month`). */
  readonly name: string;
  /** `entity_path=[...]`, lower-cased; MetricFlow prepends it to the name's own entity links. */
  readonly entityPath: readonly string[];
  /** From the positional/keyword grain argument or `.grain(...)`, lower-cased. */
  readonly grain?: string;
  /** From `date_part_name=` or `.date_part(...)`, lower-cased. */
  readonly datePart?: string;
}

/** A `{{ Entity(...) }}` call. */
export interface EntityFilterRef {
  readonly kind: 'entity';
  readonly name: string;
  readonly entityPath: readonly string[];
}

/** A `{{ Metric(..., group_by=[...]) }}` call (a "group-by metric", spec 3.7). */
export interface MetricFilterRef {
  readonly kind: 'metric';
  readonly name: string;
  /** Exactly one dunder name (MetricFlow supports one group-by entity). */
  readonly groupBy: readonly string[];
}

/**
 * A bare name in the SQL that is written exactly like a group-by item (`metric_time__day`,
 * `revenue_instance__ds__day`): MetricFlow resolves it as that item, like the query's group-by.
 */
export interface GroupByNameFilterRef {
  readonly kind: 'group_by_name';
  readonly name: string;
  readonly entityPath: readonly string[];
}

export type FilterRef = DimensionFilterRef | EntityFilterRef | MetricFilterRef | GroupByNameFilterRef;

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'is distinct from' | 'is not distinct from';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '||';
export type IsTest = 'null' | 'not null' | 'true' | 'not true' | 'false' | 'not false' | 'unknown' | 'not unknown';
/** PostgreSQL's own typing of a numeric literal: int4 if it fits, else int8, else numeric. */
export type NumberType = 'integer' | 'bigint' | 'numeric';
export type CurrentValue = 'current_date' | 'current_timestamp' | 'localtimestamp';

/** A named argument (`make_interval(days => 3)`); the name is one of the function's known parameters. */
export interface NamedArg {
  readonly name: string;
  readonly value: FilterExpr;
}

export interface CaseWhen {
  readonly when: FilterExpr;
  readonly then: FilterExpr;
}

/**
 * The whitelisted expression tree. Literals keep their value (rendered as bound parameters);
 * operator, function, type and field names are always members of the whitelist in
 * `filter-whitelist.ts` — the renderer looks them up there again and refuses anything else.
 */
export type FilterExpr =
  | { readonly kind: 'ref'; readonly ref: number }
  | { readonly kind: 'string'; readonly value: string }
  /** `value`: canonical decimal text, e.g. `-12`, `12.50`, `1.5e3`. */
  | { readonly kind: 'number'; readonly value: string; readonly numberType: NumberType }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly FilterExpr[] }
  | { readonly kind: 'not'; readonly operand: FilterExpr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'arithmetic'; readonly op: ArithmeticOp; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'negate'; readonly op: '-' | '+'; readonly operand: FilterExpr }
  | { readonly kind: 'is'; readonly test: IsTest; readonly operand: FilterExpr }
  | { readonly kind: 'in'; readonly negated: boolean; readonly operand: FilterExpr; readonly values: readonly FilterExpr[] }
  | {
      readonly kind: 'between';
      readonly negated: boolean;
      readonly operand: FilterExpr;
      readonly low: FilterExpr;
      readonly high: FilterExpr;
    }
  | {
      readonly kind: 'like';
      readonly op: 'like' | 'ilike';
      readonly negated: boolean;
      readonly operand: FilterExpr;
      readonly pattern: FilterExpr;
    }
  | {
      readonly kind: 'case';
      readonly subject?: FilterExpr;
      readonly whens: readonly CaseWhen[];
      readonly otherwise?: FilterExpr;
    }
  /** `typeArgs`: modifiers such as `numeric(10, 2)`; only for types that take them. */
  | { readonly kind: 'cast'; readonly operand: FilterExpr; readonly type: string; readonly typeArgs: readonly number[] }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly FilterExpr[]; readonly namedArgs: readonly NamedArg[] }
  | { readonly kind: 'extract'; readonly field: string; readonly from: FilterExpr }
  | { readonly kind: 'current'; readonly value: CurrentValue };

export type FilterExprKind = FilterExpr['kind'];

/** A where-filter after parsing and validation. Immutable plain data (deep-frozen). */
export interface ParsedFilter {
  /** The filter exactly as written. */
  readonly text: string;
  /** One entry per `{{ ... }}` call, in order of appearance; `ref` nodes index into this. */
  readonly refs: readonly FilterRef[];
  readonly ast: FilterExpr;
}
