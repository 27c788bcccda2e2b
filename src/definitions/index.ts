/** The definitions loader: dbt semantic-layer YAML → validated, normalised Definitions. */
export { isManifestPath, loadDefinitions, loadDefinitionsOrThrow, readDefinitionFiles } from './load.js';
export { parseSemanticManifest } from './manifest/parse-manifest.js';
export { parseDefinitionFiles, type DefinitionFile, type LoadOptions, type LoadResult } from './parse.js';
export { definitionsJsonSchema, settingsJsonSchema, jsonSchemaFiles } from './json-schema.js';
export { definitionsVersion } from './version.js';
export { DEFAULT_TIME_ZONE, SETTINGS_FILE } from './schema/settings.schema.js';
export type * from './model.js';
