/** The definitions version: a content hash, so any edit to any file gives a new version. */
import { createHash } from 'node:crypto';
import type { ProjectSettings } from './model.js';
import { SETTINGS_FILE } from './schema/settings.schema.js';

/** sha256 over the (path, text) pairs sorted by path (settings file and override included), first 12 hex chars. */
export function definitionsVersion(
  files: readonly { readonly path: string; readonly text: string }[],
  settingsText?: string,
  settingsOverride?: Partial<ProjectSettings>,
): string {
  const pairs = files.map((f) => [f.path, f.text] as const);
  if (settingsText !== undefined) pairs.push([SETTINGS_FILE, settingsText]);
  if (settingsOverride !== undefined) pairs.push(['<settings override>', JSON.stringify(settingsOverride)]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  for (const [path, text] of pairs) hash.update(`${path}\0${text}\0`);
  return hash.digest('hex').slice(0, 12);
}
