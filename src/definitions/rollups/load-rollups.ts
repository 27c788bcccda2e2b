/** Reading `<definitions>/rollups.yml` from disk (absent file: no rollups). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRollups, type RollupsParseResult } from './parse-rollups.js';
import { ROLLUPS_FILES } from './rollup-schema.js';

export async function loadRollups(metricsDir: string): Promise<RollupsParseResult> {
  for (const name of ROLLUPS_FILES) {
    const text = await readFile(join(metricsDir, name), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw e;
    });
    if (text !== undefined) return parseRollups(name, text);
  }
  return { rollups: [], issues: [] };
}
