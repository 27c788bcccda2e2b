/**
 * PostgreSQL's internal names (raw parse tree) mapped to the filter tree's names, and friendly
 * names for constructs that are rejected. Kept apart so the converter reads as logic only.
 */
import type { CurrentValue, IsTest } from './filter-tree.js';

/** PostgreSQL's internal type names (after `pg_catalog.`) → the canonical cast names of the whitelist. */
export const PG_TYPES: Readonly<Record<string, string>> = {
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  text: 'text',
  varchar: 'varchar',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  numeric: 'numeric',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  interval: 'interval',
};

export const BOOL_TESTS: Readonly<Record<string, IsTest>> = {
  IS_TRUE: 'true',
  IS_NOT_TRUE: 'not true',
  IS_FALSE: 'false',
  IS_NOT_FALSE: 'not false',
  IS_UNKNOWN: 'unknown',
  IS_NOT_UNKNOWN: 'not unknown',
};

export const CURRENT_VALUES: Readonly<Record<string, CurrentValue>> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
};

/** SQL syntax forms PostgreSQL turns into function calls, named as the user wrote them. */
export const SQL_SYNTAX_NAMES: Readonly<Record<string, string>> = {
  timezone: 'AT TIME ZONE',
  overlay: 'OVERLAY',
  pg_collation_for: 'COLLATION FOR',
  normalize: 'NORMALIZE',
  is_normalized: 'IS NORMALIZED',
  overlaps: 'OVERLAPS',
  like_escape: 'LIKE … ESCAPE',
  similar_to_escape: 'SIMILAR TO',
};

/** Friendly names for node types we reject wholesale. */
export const REJECTED_NODES: Readonly<Record<string, string>> = {
  SubLink: 'subqueries (SELECT, EXISTS, IN (SELECT …), ANY/ALL (SELECT …))',
  SelectStmt: 'subqueries',
  A_ArrayExpr: 'arrays',
  RowExpr: 'row constructors',
  A_Indirection: 'subscripts and field selection',
  CollateClause: 'COLLATE',
  ParamRef: "parameters such as '$1'",
  SetToDefault: 'DEFAULT',
  GroupingFunc: 'GROUPING',
  XmlExpr: 'XML expressions',
  XmlSerialize: 'XML expressions',
  MergeSupportFunc: 'MERGE_ACTION',
};
