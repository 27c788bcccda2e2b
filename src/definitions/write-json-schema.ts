/**
 * Writes the JSON Schemas of the definition files into schema/ (or the folder given as argument).
 * Run from the repository root: `npx tsx src/definitions/write-json-schema.ts`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { jsonSchemaFiles } from './json-schema.js';

const outDir = resolve(process.argv[2] ?? 'schema');
await mkdir(outDir, { recursive: true });
for (const [name, text] of Object.entries(jsonSchemaFiles())) {
  await writeFile(join(outDir, name), text);
  console.log(`wrote ${join(outDir, name)}`);
}
