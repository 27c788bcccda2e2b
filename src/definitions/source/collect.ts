/**
 * Reads the top-level lists of every definitions file and checks each entry against its schema.
 * Entries are checked one by one so that one bad entry neither hides the others nor the
 * cross-reference errors found later.
 */
import type { z } from 'zod';
import { withOriginalIndex, type Located, type SpecSet } from '../spec-set.js';
import { didYouMean } from '../did-you-mean.js';
import { DEFINITION_KEYS, type DefinitionKey } from '../schema/file.schema.js';
import { MetricSchema } from '../schema/metric.schema.js';
import { SavedQuerySchema } from '../schema/saved-query.schema.js';
import { ELEMENT_SCHEMAS, SemanticModelShellSchema, type SemanticModelSpec } from '../schema/semantic-model.schema.js';
import { SETTINGS_FILE, SettingsSchema, type SettingsSpec } from '../schema/settings.schema.js';
import { isTimeSpineModelEntry, TimeSpineModelSchema } from '../schema/time-spine.schema.js';
import type { IssueLog } from './issue-log.js';
import type { SourceMap } from './source-map.js';
import { substituteVars } from './metricflow-documents.js';
import { parseYamlFile } from './yaml-file.js';
import { describeValue, reportZodIssues } from './zod-issues.js';

/** Top-level keys of dbt YAML files that are not ours; silently ignored. */
const DBT_KEYS = new Set([
  'version', 'sources', 'seeds', 'snapshots', 'macros', 'exposures', 'analyses', 'groups', 'unit_tests',
  'data_tests', 'semantic-models', 'name', 'profile', 'config-version', 'packages', 'vars',
]);

export interface DefinitionFile {
  /** Path relative to the definitions folder, with `/` separators. */
  readonly path: string;
  readonly text: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] };
type Collected = Mutable<Omit<SpecSet, 'settings' | 'brokenNames' | 'incomplete'>> & { brokenNames: Set<string>; incomplete: boolean };

/** A definitions document already turned into plain data (a YAML file, or a mapped semantic manifest). */
export interface ParsedDocument {
  readonly path: string;
  /** False when the document could not be read (the error is already logged). */
  readonly ok: boolean;
  readonly data: unknown;
}

export function collectSpecs(
  files: readonly DefinitionFile[],
  settingsText: string | undefined,
  sources: SourceMap,
  log: IssueLog,
  vars?: Readonly<Record<string, string>>,
): SpecSet {
  const docs = files.map((file): ParsedDocument => {
    const parsed = parseYamlFile(file.path, substituteVars(file.text, vars), sources, log);
    return { path: file.path, ok: parsed.ok, data: parsed.ok ? parsed.data : undefined };
  });
  return collectDocuments(docs, settingsText, sources, log);
}

/** Checks the entries of documents whose source positions are already registered in `sources`. */
export function collectDocuments(
  docs: readonly ParsedDocument[],
  settingsText: string | undefined,
  sources: SourceMap,
  log: IssueLog,
): SpecSet {
  const out: Collected = { semanticModels: [], metrics: [], savedQueries: [], timeSpineModels: [], brokenNames: new Set(), incomplete: false };
  for (const doc of docs) collectDocument(doc, sources, log, out);
  return { ...out, settings: readSettings(settingsText, sources, log) };
}

function collectDocument(doc: ParsedDocument, sources: SourceMap, log: IssueLog, out: Collected): void {
  if (!doc.ok) out.incomplete = true;
  if (!doc.ok || doc.data === null || doc.data === undefined) return;
  if (!isRecord(doc.data)) {
    out.incomplete = true;
    log.error(doc.path, '', 'expected a map of top-level keys (semantic_models, metrics, saved_queries, models)');
    return;
  }
  // An access policy (src/access: top-level `roles:`) kept in the folder under another name is not a definitions file.
  if ('roles' in doc.data && !Object.keys(doc.data).some((k) => (DEFINITION_KEYS as readonly string[]).includes(k))) return;
  for (const [key, value] of Object.entries(doc.data)) {
    if ((DEFINITION_KEYS as readonly string[]).includes(key)) collectList(key as DefinitionKey, value, doc.path, sources, log, out);
    else if (!DBT_KEYS.has(key)) {
      const hint = didYouMean(key, DEFINITION_KEYS);
      if (hint) log.warning(doc.path, key, `top-level key '${key}' is ignored${hint}`);
    }
  }
}

function collectList(key: DefinitionKey, value: unknown, file: string, sources: SourceMap, log: IssueLog, out: Collected): void {
  if (!Array.isArray(value)) {
    // `models:` of other shapes is dbt's business; an empty key (`metrics:`) is just empty.
    if (key !== 'models' && value !== null) log.error(file, key, `expected a list, got ${describeValue(value)}`);
    return;
  }
  value.forEach((entry: unknown, index) => {
    const path = `${key}[${index}]`;
    if (isDisabled(entry)) return;
    const loc = sources.loc(file, path);
    switch (key) {
      case 'semantic_models':
        return checkSemanticModel(entry, loc, log, out);
      case 'metrics':
        return check(MetricSchema, entry, loc, log, out, out.metrics);
      case 'saved_queries':
        return check(SavedQuerySchema, entry, loc, log, out, out.savedQueries);
      case 'models':
        if (isTimeSpineModelEntry(entry)) check(TimeSpineModelSchema, entry, loc, log, out, out.timeSpineModels);
        return;
    }
  });
}

function check<S extends z.ZodType>(
  schema: S,
  entry: unknown,
  loc: Located<unknown>['loc'],
  log: IssueLog,
  out: Collected,
  into: Located<z.output<S>>[],
): void {
  const result = schema.safeParse(entry, { reportInput: true });
  if (result.success) {
    into.push({ spec: result.data, loc });
    return;
  }
  reportZodIssues(result.error.issues, loc.file, [loc.path], log);
  for (const name of declaredNames(entry)) out.brokenNames.add(name);
  out.incomplete = true;
}

/** Checks the model shell, then each element on its own; bad elements are dropped, not the model. */
function checkSemanticModel(entry: unknown, loc: Located<unknown>['loc'], log: IssueLog, out: Collected): void {
  const shell = SemanticModelShellSchema.safeParse(entry, { reportInput: true });
  if (!shell.success) {
    reportZodIssues(shell.error.issues, loc.file, [loc.path], log);
    for (const name of declaredNames(entry)) out.brokenNames.add(name);
    out.incomplete = true;
    return;
  }
  const lists: Partial<Record<keyof typeof ELEMENT_SCHEMAS, unknown[]>> = {};
  for (const [list, schema] of Object.entries(ELEMENT_SCHEMAS) as [keyof typeof ELEMENT_SCHEMAS, z.ZodType][]) {
    const items = shell.data[list];
    if (items === undefined) continue;
    lists[list] = items.flatMap((item, i) => {
      const result = schema.safeParse(item, { reportInput: true });
      if (result.success) return [withOriginalIndex(result.data as object, i)];
      reportZodIssues(result.error.issues, loc.file, [loc.path, list, i], log);
      for (const name of declaredNames(item)) out.brokenNames.add(name);
      out.incomplete = true;
      return [];
    });
  }
  out.semanticModels.push({ spec: { ...shell.data, ...lists } as SemanticModelSpec, loc });
}

function readSettings(text: string | undefined, sources: SourceMap, log: IssueLog): Located<SettingsSpec> {
  const loc = { file: SETTINGS_FILE, line: 1, path: '' };
  if (text === undefined) return { spec: {}, loc };
  const parsed = parseYamlFile(SETTINGS_FILE, text, sources, log);
  if (!parsed.ok || parsed.data === null || parsed.data === undefined) return { spec: {}, loc };
  const result = SettingsSchema.safeParse(parsed.data, { reportInput: true });
  if (result.success) return { spec: result.data, loc };
  reportZodIssues(result.error.issues, SETTINGS_FILE, [], log);
  return { spec: {}, loc };
}

/** `name` of an entry plus the names of the elements inside it (for semantic models). */
function declaredNames(entry: unknown): string[] {
  if (!isRecord(entry)) return [];
  const names = typeof entry['name'] === 'string' ? [entry['name'].toLowerCase()] : [];
  for (const list of ['entities', 'dimensions', 'measures']) {
    const items = entry[list];
    if (Array.isArray(items)) for (const item of items) if (isRecord(item) && typeof item['name'] === 'string') names.push(item['name'].toLowerCase());
  }
  return names;
}

/** dbt's `config: {enabled: false}` removes a resource from the project. */
function isDisabled(entry: unknown): boolean {
  return isRecord(entry) && isRecord(entry['config']) && entry['config']['enabled'] === false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
