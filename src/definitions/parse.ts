/**
 * The pure definitions pipeline: YAML texts → schema-checked specs → validated → normalised
 * Definitions. Every problem found is returned, not just the first.
 */
import type { DefinitionIssue } from '../core/errors.js';
import type { Definitions, ProjectSettings } from './model.js';
import { normaliseDefinitions } from './normalise/normalise.js';
import { resolveSettings } from './settings.js';
import { collectSpecs, type DefinitionFile } from './source/collect.js';
import { IssueLog } from './source/issue-log.js';
import { SourceMap } from './source/source-map.js';
import { buildSpecIndex } from './spec-index.js';
import { validateSpecs } from './validate/validate.js';
import { definitionsVersion } from './version.js';

export type { DefinitionFile };

export interface LoadOptions {
  /** Settings that win over maatstaf.yaml (e.g. from the server configuration). */
  readonly settingsOverride?: Partial<ProjectSettings>;
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
  const locate = (file: string, path: string) => sources.loc(file, path);
  const specs = collectSpecs(sorted, settingsText, sources, log);
  const settings = resolveSettings(specs.settings.spec, opts.settingsOverride, log);
  const index = buildSpecIndex(specs, locate);
  validateSpecs(index, log, sources);
  if (log.hasErrors) return { issues: log.list() };
  const version = definitionsVersion(sorted, settingsText, opts.settingsOverride);
  return { definitions: normaliseDefinitions(index, settings, version, locate), issues: log.list() };
}
