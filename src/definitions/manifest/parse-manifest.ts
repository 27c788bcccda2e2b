/**
 * dbt's compiled semantic manifest (`target/semantic_manifest.json`) as an alternative input to the
 * YAML tree. The manifest is mapped onto the YAML shapes and then goes through the very same
 * schema checks, validation rules and normalisation: one definitions model, one engine path.
 *
 * Issues name the manifest file and the JSON path (`metrics[3].type_params.measure`); list indices
 * are kept by the mapping so paths match the manifest, and lines come from the JSON text itself.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { DefinitionIssue } from '../../core/errors.js';
import type { LoadOptions, LoadResult } from '../parse.js';
import { finishSpecs } from '../parse.js';
import { collectDocuments } from '../source/collect.js';
import { IssueLog } from '../source/issue-log.js';
import { SourceMap } from '../source/source-map.js';
import { definitionsVersion } from '../version.js';
import { isRecord, MappingIssues, type Json } from './fields.js';
import { mapMetrics, mapSavedQueries } from './map-metrics.js';
import { mapSemanticModels, mapTimeSpines } from './map-models.js';

/** Above this size the line map is skipped (issues then report line 1): parsing it twice costs. */
const LINE_MAP_LIMIT = 16 * 1024 * 1024;

/** Top-level keys of the manifest this reader understands; others (future dbt fields) are ignored. */
const MANIFEST_KEYS = ['semantic_models', 'metrics', 'saved_queries', 'project_configuration'];

/** `file` is how issues name the manifest (the path the user gave); `settingsText` is maatstaf.yaml, if any. */
export function parseSemanticManifest(file: string, text: string, settingsText?: string, opts: LoadOptions = {}): LoadResult {
  const sources = new SourceMap();
  const log = new IssueLog(sources);
  const data = parseJson(file, text, log);
  if (data !== undefined && text.length <= LINE_MAP_LIMIT) {
    const lineCounter = new LineCounter();
    sources.register(file, parseDocument(text, { lineCounter }), lineCounter);
  }
  const mapped = data === undefined ? undefined : mapManifest(file, data, log);
  const docs = [{ path: file, ok: mapped !== undefined, data: mapped?.yaml }];
  const specs = collectDocuments(docs, settingsText, sources, log);
  const result = finishSpecs(specs, sources, log, opts, definitionsVersion([{ path: file, text }], settingsText, opts.settingsOverride));
  return mapped ? { ...result, issues: result.issues.map((i) => atSpineOrigin(i, mapped.spineOrigins, sources)) } : result;
}

/** Time spines become `models[i]` entries: their issues point back into project_configuration. */
function atSpineOrigin(issue: DefinitionIssue, origins: readonly string[], sources: SourceMap): DefinitionIssue {
  const m = /^models\[(\d+)\](.*)$/.exec(issue.path);
  const origin = m ? origins[Number(m[1])] : undefined;
  if (!m || origin === undefined) return issue;
  const path = origin + (m[2] ?? '');
  return { ...issue, path, line: sources.line(issue.file, origin) };
}

function parseJson(file: string, text: string, log: IssueLog): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const message = (e as Error).message;
    log.error(file, '', `not valid JSON: ${message}`, jsonErrorLine(text, message));
    return undefined;
  }
}

/** V8 says `… (line 3 column 5)` or `… at position 42`; either gives the line. */
function jsonErrorLine(text: string, message: string): number {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line) return Number(line[1]);
  const pos = /at position (\d+)/.exec(message);
  if (pos) return text.slice(0, Number(pos[1])).split('\n').length;
  return 1;
}

function mapManifest(file: string, data: unknown, log: IssueLog): { yaml: Json; spineOrigins: string[] } | undefined {
  if (!isRecord(data)) {
    log.error(file, '', 'expected a semantic manifest: an object with semantic_models, metrics, saved_queries and project_configuration', 1);
    return undefined;
  }
  if (!MANIFEST_KEYS.some((k) => k in data)) {
    log.error(file, '', `not a semantic manifest: none of ${MANIFEST_KEYS.join(', ')} found (is this dbt's manifest.json rather than semantic_manifest.json?)`, 1);
    return undefined;
  }
  const issues = new MappingIssues();
  const spines = mapTimeSpines(data['project_configuration'], issues);
  const yaml: Json = {
    semantic_models: mapSemanticModels(data['semantic_models'] ?? [], issues),
    metrics: mapMetrics(data['metrics'] ?? [], issues),
    saved_queries: mapSavedQueries(data['saved_queries'] ?? [], issues),
    models: spines.spines,
  };
  for (const issue of issues.items) log.error(file, issue.path, issue.message);
  return { yaml, spineOrigins: spines.origins };
}
