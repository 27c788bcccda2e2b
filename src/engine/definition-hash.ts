/**
 * A short fingerprint of what a metric computes: its normalised definition and those of every
 * metric under it, plus the relations and expressions its simple metrics read. Moving a metric to
 * another file, or changing its label, owner or description, keeps the hash; changing a filter,
 * an expression, an aggregation or a table changes it.
 */
import { createHash } from 'node:crypto';
import type { MetricDef } from '../definitions/model.js';
import type { SemanticGraph } from '../semantic-graph/index.js';

/** Fields that document a metric rather than define its numbers. */
const DOCUMENTATION_FIELDS = new Set(['loc', 'meta', 'label', 'description']);

function computational(def: MetricDef): Record<string, unknown> {
  return Object.fromEntries(Object.entries(def).filter(([k]) => !DOCUMENTATION_FIELDS.has(k)));
}

/** JSON with object keys sorted, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 of the metric's normalised definition including its inputs; first 16 hex characters. */
export function definitionHash(graph: SemanticGraph, metricName: string): string {
  const lineage = graph.lineage(metricName);
  const metrics = lineage.metrics
    .map((n) => graph.metric(n))
    .filter((d): d is MetricDef => d !== undefined)
    .map(computational);
  const payload = { metrics, relations: lineage.relations, reads: lineage.reads, timeZone: graph.timeZone };
  return createHash('sha256').update(canonicalJson(payload)).digest('hex').slice(0, 16);
}
