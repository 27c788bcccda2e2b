/**
 * The pure definitions pipeline: YAML texts → schema-checked specs → validated → normalised
 * Definitions. Every problem found is returned, not just the first.
 */
import type { DefinitionIssue } from '../core/errors.js';
import { checkSubjects } from './governance/subject.js';
import type { Definitions, ProjectSettings } from './model.js';
import { normaliseDefinitions } from './normalise/normalise.js';
import { resolveSettings } from './settings.js';
import { collectSpecs, type DefinitionFile } from './source/collect.js';
import { IssueLog } from './source/issue-log.js';
import { SourceMap } from './source/source-map.js';
import { buildSpecIndex } from './spec-index.js';
import type { SpecSet } from './spec-set.js';
import { validateSpecs } from './validate/validate.js';
import { definitionsVersion } from './version.js';

export type { DefinitionFile };

export interface LoadOptions {
  /** Settings that win over maatstaf.yaml (e.g. from the server configuration). */
  readonly settingsOverride?: Partial<ProjectSettings>;
  /** Values for MetricFlow's `$name` placeholders in definition files (its test manifests use `$source_schema`). */
  readonly vars?: Readonly<Record<string, string>>;
}

export interface LoadResult {
  /** Undefined when there is any error-severity issue. */
  readonly definitions?: Definitions;
  /** Errors and warnings, ordered by file and line. */
  readonly issues: readonly DefinitionIssue[];
}

/**
 * Parses, validates and normalises definition files. `files[].path` is relative to the definitions
 * folder (`metrics/kcc.yaml`); `settingsText` is the content of maatstaf.yaml, if there is one.
 */
export function parseDefinitionFiles(files: readonly DefinitionFile[], settingsText?: string, opts: LoadOptions = {}): LoadResult {
  const sorted = files
    .map((f) => ({ path: f.path.replace(/\\/g, '/'), text: f.text }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sources = new SourceMap();
  const log = new IssueLog(sources);
  const specs = collectSpecs(sorted, settingsText, sources, log, opts.vars);
  return finishSpecs(specs, sources, log, opts, definitionsVersion(sorted, settingsText, opts.settingsOverride));
}

/**
 * The shared second half of every input (YAML tree or semantic manifest): settings, cross-reference
 * validation and normalisation of specs collected into `sources`/`log`.
 */
export function finishSpecs(specs: SpecSet, sources: SourceMap, log: IssueLog, opts: LoadOptions, version: string): LoadResult {
  const locate = (file: string, path: string) => sources.loc(file, path);
  const settings = resolveSettings(specs.settings.spec, opts.settingsOverride, log);
  // A file that did not parse defines nothing: checking references across files now would only
  // report its measures and metrics as unknown elsewhere, with suggestions pointing the wrong way.
  if (log.hasSyntaxErrors) return { issues: log.list() };
  const index = buildSpecIndex(specs, locate);
  validateSpecs(index, log, sources);
  if (log.hasErrors) return { issues: log.list() };
  const definitions = normaliseDefinitions(index, settings, version, locate);
  // Protected metrics (min_group_size) need a countable subject: checked on the normalised model.
  for (const p of checkSubjects(definitions)) log.errorAt(p.loc, p.sub, p.message);
  if (log.hasErrors) return { issues: log.list() };
  return { definitions, issues: log.list() };
}
