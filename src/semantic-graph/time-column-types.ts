/**
 * The SQL type of each time dimension's expression, learnt by the engine at load time (the
 * compiler itself is pure and never asks the warehouse). It decides how a time column is
 * truncated: timestamptz columns are converted to the project time zone first, naive timestamps
 * and dates are used as they are.
 */
export type TimeColumnType = 'date' | 'timestamp' | 'timestamptz';

/** `(semanticModel, dimensionName) → type`; undefined means unknown, treated as 'timestamp' (never shifted). */
export type TimeColumnTypeLookup = (semanticModel: string, dimension: string) => TimeColumnType | undefined;

export const DEFAULT_TIME_COLUMN_TYPE: TimeColumnType = 'timestamp';

/** Builds a lookup from a plain `{ model: { dimension: type } }` object (tests, cached catalogues). */
export function timeColumnTypesFrom(
  types: Readonly<Record<string, Readonly<Record<string, TimeColumnType>>>>,
): TimeColumnTypeLookup {
  return (model, dimension) => (Object.hasOwn(types, model) ? types[model]?.[dimension] : undefined);
}

/** PostgreSQL type OIDs of the time types (what a probe query's field reports). */
const TIME_TYPE_OIDS: Readonly<Record<number, TimeColumnType>> = { 1082: 'date', 1114: 'timestamp', 1184: 'timestamptz' };

/** The time-column type for a PostgreSQL type OID; undefined for other types. */
export function timeColumnTypeOfOid(oid: number): TimeColumnType | undefined {
  return TIME_TYPE_OIDS[oid];
}
