/**
 * Probe queries that tell the engine the SQL type of every time dimension at load time
 * (`SELECT <expr> FROM <relation> WHERE false`: no rows read, the field type answers). The engine
 * runs them and builds the graph's `timeColumnTypes` with `timeColumnTypeOfOid`.
 */
import { sql } from 'kysely';
import type { Definitions } from '../definitions/model.js';
import { coldKysely } from './cold-kysely.js';
import { elementSql, relationRef } from './render-exprs.js';

export interface TimeColumnProbe {
  readonly semanticModel: string;
  readonly dimension: string;
  /** Parameterless SQL returning no rows and one column `t`. */
  readonly sql: string;
}

export function timeColumnProbes(defs: Definitions): TimeColumnProbe[] {
  return defs.semanticModels.flatMap((model) =>
    model.dimensions
      .filter((d) => d.type === 'time')
      .map((d) => ({
        semanticModel: model.name,
        dimension: d.name,
        sql: sql`SELECT ${elementSql(d.expr)} AS ${sql.id('t')} FROM ${relationRef(model.relation)} WHERE false`.compile(coldKysely).sql,
      })),
  );
}
