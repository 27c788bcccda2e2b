/**
 * The engine: one object that every interface calls. It validates the query model, compiles with
 * the pure compiler, runs on the warehouse, and shapes values the same way for every consumer.
 */
import { createHash } from 'node:crypto';
import { MaatstafError } from '../core/errors.js';
import { MetricQuerySchema, type CompiledQuery, type MetricQuery, type MetricQueryInput } from '../core/query.js';
import { compileQuery } from '../compiler/index.js';
import type { Definitions } from '../definitions/model.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { formatRows } from './format-values.js';
import type { Engine, QueryResult } from './types.js';
import { mapWarehouseError } from './warehouse-errors.js';

export interface EngineDeps {
  readonly graph: SemanticGraph;
  readonly warehouse: Warehouse;
  /** Called with the original warehouse error and SQL when a query fails (server log only). */
  readonly onWarehouseError?: (err: unknown, compiled: CompiledQuery) => void;
}

/** Zod-validates an untrusted query; the first problem becomes an INVALID_QUERY error with its path. */
export function parseQuery(input: unknown): MetricQuery {
  const parsed = MetricQuerySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  const name = issue.path.length ? String(issue.path[issue.path.length - 1]) : undefined;
  return fail(new MaatstafError('INVALID_QUERY', `${path || 'query'}: ${issue.message}`, { ...(path ? { path } : {}), ...(name ? { name } : {}) }));
}

function fail(e: MaatstafError): never {
  throw e;
}

export function sqlHash(compiled: CompiledQuery): string {
  return createHash('sha256').update(compiled.sql).update('\u0000').update(JSON.stringify(compiled.params)).digest('hex').slice(0, 16);
}

export function createEngine(deps: EngineDeps): Engine {
  const { graph, warehouse } = deps;
  const definitions: Definitions = graph.definitions;

  const compile = (input: MetricQueryInput): CompiledQuery => compileQuery(graph, parseQuery(input));

  return {
    definitions,
    graph,
    compile,
    async run(input: MetricQueryInput): Promise<QueryResult> {
      const compiled = compile(input);
      const started = performance.now();
      let rows: Record<string, unknown>[];
      try {
        rows = (await warehouse.query(compiled.sql, compiled.params)).rows;
      } catch (e) {
        deps.onWarehouseError?.(e, compiled);
        throw mapWarehouseError(e);
      }
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const formatted = formatRows(rows, compiled.columns, graph.timeZone);
      return {
        columns: compiled.columns,
        rows: formatted,
        meta: { definitionsVersion: definitions.version, sqlHash: sqlHash(compiled), rowCount: formatted.length, durationMs },
      };
    },
  };
}
