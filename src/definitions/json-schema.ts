/** JSON Schemas of the definition files and maatstaf.yaml, generated from the zod schemas (for editors). */
import { z } from 'zod';
import { DefinitionFileSchema } from './schema/file.schema.js';
import { SettingsSchema } from './schema/settings.schema.js';

export const DEFINITIONS_SCHEMA_FILE = 'maatstaf-definitions.schema.json';
export const SETTINGS_SCHEMA_FILE = 'maatstaf-settings.schema.json';

/** JSON Schema of one definitions YAML file (what a user writes; defaults not required). */
export function definitionsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(DefinitionFileSchema, { io: 'input' });
}

/** JSON Schema of maatstaf.yaml. */
export function settingsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SettingsSchema, { io: 'input' });
}

/** The files under schema/, by name, as they should be committed. */
export function jsonSchemaFiles(): Record<string, string> {
  const text = (schema: Record<string, unknown>) => `${JSON.stringify(schema, null, 2)}\n`;
  return {
    [DEFINITIONS_SCHEMA_FILE]: text(definitionsJsonSchema()),
    [SETTINGS_SCHEMA_FILE]: text(settingsJsonSchema()),
  };
}
