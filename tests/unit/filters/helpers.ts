import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { expect } from 'vitest';
import { isMaatstafError, type MaatstafError } from '../../../src/core/errors.js';
import { parseFilter, renderFilter, type FilterRef } from '../../../src/planner/filters/index.js';

/** A Kysely instance that compiles PostgreSQL without any connection. */
export const coldDb = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Each reference becomes a quoted column named after the reference. */
export const columnByName = (ref: FilterRef) => sql.ref(ref.name);

export function compileFilter(text: string, columnFor = columnByName): { sql: string; parameters: readonly unknown[] } {
  const compiled = renderFilter(parseFilter(text), columnFor).compile(coldDb);
  return { sql: compiled.sql, parameters: compiled.parameters };
}

/** The INVALID_FILTER error `text` is rejected with (fails the test if it is accepted). */
export function rejection(text: string, path?: string): MaatstafError {
  try {
    parseFilter(text, path === undefined ? {} : { path });
  } catch (e) {
    if (isMaatstafError(e)) {
      expect(e.code).toBe('INVALID_FILTER');
      return e;
    }
    throw e;
  }
  throw new Error(`expected the filter to be rejected: ${text}`);
}
