import { timeColumnProbes } from '../compiler/index.js';
import type { Definitions } from '../definitions/model.js';
import { timeColumnTypeOfOid, type TimeColumnType, type TimeColumnTypeLookup } from '../semantic-graph/index.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export interface TimeTypeIntrospection {
  readonly lookup: TimeColumnTypeLookup;
  /** Time dimensions whose relation or expression could not be read: `model.dimension: reason`. */
  readonly problems: readonly string[];
}

/**
 * Learns the SQL type of every time dimension by running the compiler's zero-row probes
 * (`SELECT expr FROM t WHERE false` reads no data). The compiler needs the types to truncate
 * timestamptz in the project time zone and to leave naive times alone.
 */
export async function introspectTimeTypes(defs: Definitions, wh: Warehouse): Promise<TimeTypeIntrospection> {
  const types = new Map<string, TimeColumnType>();
  const problems: string[] = [];
  for (const probe of timeColumnProbes(defs)) {
    try {
      const res = await wh.query(probe.sql);
      const t = timeColumnTypeOfOid(res.fields[0]?.dataTypeID ?? -1);
      if (t) types.set(`${probe.semanticModel}\u0000${probe.dimension}`, t);
    } catch (e) {
      problems.push(`${probe.semanticModel}.${probe.dimension}: cannot be read (${(e as Error).message})`);
    }
  }
  return { lookup: (model, dim) => types.get(`${model}\u0000${dim}`), problems };
}
