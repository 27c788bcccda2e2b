/** Loading a definitions folder from disk (the only part of the loader that does I/O). */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DefinitionsError, MaatstafError } from '../core/errors.js';
import type { Definitions } from './model.js';
import { parseDefinitionFiles, type DefinitionFile, type LoadOptions, type LoadResult } from './parse.js';
import { SETTINGS_FILE } from './schema/settings.schema.js';

/** dbt project files that share the folder but are not definitions. */
const NOT_DEFINITIONS = new Set(['dbt_project.yml', 'dbt_project.yaml', 'profiles.yml', 'packages.yml', 'dependencies.yml', 'selectors.yml']);
/** Folders never read: hidden ones, dependencies and dbt build output. */
const SKIPPED_DIRS = new Set(['node_modules', 'target', 'dbt_packages', 'logs']);

/** Reads every *.yml / *.yaml below `dir` (paths relative, `/`-separated, sorted), except maatstaf.yaml at the root. */
export async function readDefinitionFiles(dir: string): Promise<DefinitionFile[]> {
  const out: DefinitionFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)) await walk(path);
      } else if (/\.ya?ml$/i.test(e.name) && path !== SETTINGS_FILE && !NOT_DEFINITIONS.has(e.name)) {
        out.push({ path, text: await readFile(join(dir, path), 'utf8') });
      }
    }
  };
  await walk('');
  return out;
}

/** Loads, validates and normalises the definitions folder `dir`. Throws only when `dir` is not a folder. */
export async function loadDefinitions(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new MaatstafError('INVALID_CONFIG', `definitions folder not found: ${dir}`, { name: dir });
  const files = await readDefinitionFiles(dir);
  const settingsText = await readFile(join(dir, SETTINGS_FILE), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  return parseDefinitionFiles(files, settingsText, opts);
}

/** Like loadDefinitions, but throws a DefinitionsError carrying every issue when there is any error. */
export async function loadDefinitionsOrThrow(dir: string, opts: LoadOptions = {}): Promise<Definitions> {
  const result = await loadDefinitions(dir, opts);
  if (!result.definitions) throw new DefinitionsError(result.issues);
  return result.definitions;
}
