/** Manifest values that have another shape in YAML: filters and windows. */
import { isRecord, type MappingIssues } from './fields.js';

/**
 * `{where_filters: [{where_sql_template}]}` → the YAML filter: one string, or a list (ANDed) when
 * there are several. An empty list means no filter.
 */
export function mapFilter(value: unknown, path: string, issues: MappingIssues): unknown {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const list = isRecord(value) ? value['where_filters'] : undefined;
  if (!Array.isArray(list)) {
    issues.error(path, 'expected a filter object {where_filters: [{where_sql_template: "..."}]}');
    return undefined;
  }
  const templates: string[] = [];
  list.forEach((f: unknown, i) => {
    const sql = isRecord(f) ? f['where_sql_template'] : undefined;
    if (typeof sql === 'string') templates.push(sql);
    else issues.error(`${path}.where_filters[${i}]`, 'expected {where_sql_template: "<SQL with Jinja calls>"}');
  });
  if (templates.length === 0) return undefined;
  return templates.length === 1 ? templates[0] : templates;
}

/** `{count: 7, granularity: "day"}` → `"7 day"` (older manifests may already hold the string). */
export function mapWindow(value: unknown, path: string, issues: MappingIssues): unknown {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value['count'] === 'number' && typeof value['granularity'] === 'string') {
    return `${value['count']} ${value['granularity']}`;
  }
  issues.error(path, 'expected a window object {count: <number>, granularity: "<grain>"}');
  return undefined;
}
