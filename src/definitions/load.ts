/** Loading a definitions folder or semantic manifest from disk (the only part of the loader that does I/O). */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DefinitionsError, MaatstafError } from '../core/errors.js';
import { parseSemanticManifest } from './manifest/parse-manifest.js';
import type { Definitions } from './model.js';
import { parseDefinitionFiles, type DefinitionFile, type LoadOptions, type LoadResult } from './parse.js';
import { ROLLUPS_FILES } from './rollups/rollup-schema.js';
import { SETTINGS_FILE } from './schema/settings.schema.js';

/** dbt project files that share the folder but are not definitions. */
const NOT_DEFINITIONS = new Set(['dbt_project.yml', 'dbt_project.yaml', 'profiles.yml', 'packages.yml', 'dependencies.yml', 'selectors.yml']);
/** The access policy (src/access) kept beside the definitions at the root: not a definitions file. */
const ACCESS_POLICY_FILES = new Set(['access.yml', 'access.yaml']);
/** Declared rollups (src/definitions/rollups) at the root: maatstaf's own file, not a definitions file. */
const OWN_FILES = new Set<string>([...ACCESS_POLICY_FILES, ...ROLLUPS_FILES]);
/** Folders never read: hidden ones, dependencies and dbt build output. */
const SKIPPED_DIRS = new Set(['node_modules', 'target', 'dbt_packages', 'logs']);

/** Reads every *.yml / *.yaml below `dir` (paths relative, `/`-separated, sorted), except maatstaf.yaml, access.yml and rollups.yml at the root. */
export async function readDefinitionFiles(dir: string): Promise<DefinitionFile[]> {
  const out: DefinitionFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)) await walk(path);
      } else if (/\.ya?ml$/i.test(e.name) && path !== SETTINGS_FILE && !NOT_DEFINITIONS.has(e.name) && !OWN_FILES.has(path)) {
        out.push({ path, text: await readFile(join(dir, path), 'utf8') });
      }
    }
  };
  await walk('');
  return out;
}

/** A definitions path naming dbt's compiled semantic manifest rather than a YAML folder. */
export function isManifestPath(path: string): boolean {
  return /\.json$/i.test(path);
}

/**
 * Loads, validates and normalises the definitions folder `dir`, or a `semantic_manifest.json` file
 * (see manifest/parse-manifest.ts). Throws only when the folder or file does not exist.
 */
export async function loadDefinitions(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const info = await stat(dir).catch(() => undefined);
  if (isManifestPath(dir) && info?.isFile()) return loadSemanticManifest(dir, opts);
  if (!info?.isDirectory()) {
    const what = isManifestPath(dir) ? 'semantic manifest' : 'definitions folder';
    throw new MaatstafError('INVALID_CONFIG', `${what} not found: ${dir}`, { name: dir });
  }
  const files = await readDefinitionFiles(dir);
  return parseDefinitionFiles(files, await readSettingsText(dir), opts);
}

/**
 * maatstaf.yaml for a manifest: beside it, else one folder up (`target/` sits in the dbt project,
 * where maatstaf.yaml lives).
 */
async function loadSemanticManifest(file: string, opts: LoadOptions): Promise<LoadResult> {
  const text = await readFile(file, 'utf8');
  const settingsText = (await readSettingsText(dirname(file))) ?? (await readSettingsText(dirname(dirname(file))));
  return parseSemanticManifest(file.replace(/\\/g, '/'), text, settingsText, opts);
}

async function readSettingsText(dir: string): Promise<string | undefined> {
  return readFile(join(dir, SETTINGS_FILE), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
    throw e;
  });
}

/** Like loadDefinitions, but throws a DefinitionsError carrying every issue when there is any error. */
export async function loadDefinitionsOrThrow(dir: string, opts: LoadOptions = {}): Promise<Definitions> {
  const result = await loadDefinitions(dir, opts);
  if (!result.definitions) throw new DefinitionsError(result.issues);
  return result.definitions;
}
