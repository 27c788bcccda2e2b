/**
 * Reading `rollups.yml`: YAML with positions, then the zod shape. Every problem is reported as
 * `file:line path: message` like definition errors; references are checked by the planner.
 */
import type { DefinitionIssue } from '../../core/errors.js';
import type { TimeGrain } from '../../core/time.js';
import type { SourceLocation } from '../model.js';
import { IssueLog } from '../source/issue-log.js';
import { SourceMap } from '../source/source-map.js';
import { parseYamlFile } from '../source/yaml-file.js';
import { reportZodIssues } from '../source/zod-issues.js';
import { DURATION_PATTERN, RollupsFileSchema, type RollupEntry } from './rollup-schema.js';

/** One declared rollup, names lower-cased, durations in seconds. */
export interface RollupDef {
  readonly name: string;
  readonly model?: string;
  readonly metrics: readonly string[];
  readonly groupBy: readonly string[];
  readonly timeGrain: TimeGrain;
  readonly partitionGrain?: TimeGrain;
  readonly refresh: { readonly everySeconds?: number; readonly refreshKey: boolean; readonly partitions: number };
  readonly maxAgeSeconds: number;
  readonly loc: SourceLocation;
}

export interface RollupsParseResult {
  readonly rollups: readonly RollupDef[];
  readonly issues: readonly DefinitionIssue[];
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export function durationSeconds(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = DURATION_PATTERN.exec(value.trim())!;
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

const lower = (s: string): string => s.trim().toLowerCase();

function toDef(e: RollupEntry, loc: SourceLocation): RollupDef {
  return {
    name: e.name,
    ...(e.model !== undefined ? { model: lower(e.model) } : {}),
    metrics: (e.metrics ?? []).map(lower),
    groupBy: e.group_by.map(lower),
    timeGrain: e.time_grain,
    ...(e.partition_grain ? { partitionGrain: e.partition_grain } : {}),
    refresh: {
      ...(e.refresh.every !== undefined ? { everySeconds: durationSeconds(e.refresh.every) } : {}),
      refreshKey: e.refresh.refresh_key,
      partitions: e.refresh.partitions,
    },
    maxAgeSeconds: durationSeconds(e.max_age),
    loc,
  };
}

/** Parses rollups text; `file` is only used in messages. Duplicate names and model/metrics mix-ups are errors here. */
export function parseRollups(file: string, text: string): RollupsParseResult {
  const sources = new SourceMap();
  const log = new IssueLog(sources);
  const parsed = parseYamlFile(file, text, sources, log);
  if (!parsed.ok) return { rollups: [], issues: log.list() };
  const shape = RollupsFileSchema.safeParse(parsed.data ?? {}, { reportInput: true });
  if (!shape.success) {
    reportZodIssues(shape.error.issues, file, [], log);
    return { rollups: [], issues: log.list() };
  }
  const seen = new Set<string>();
  const rollups = shape.data.rollups.flatMap((e, i) => {
    const path = `rollups[${i}]`;
    const loc = sources.loc(file, path);
    if (seen.has(e.name)) log.error(file, `${path}.name`, `duplicate rollup name '${e.name}'`);
    seen.add(e.name);
    if ((e.model === undefined) === (e.metrics === undefined)) {
      log.error(file, path, "give either 'model' (every simple metric of a semantic model) or 'metrics', not both or neither");
      return [];
    }
    return [toDef(e, loc)];
  });
  return { rollups: log.hasErrors ? [] : rollups, issues: log.list() };
}
