import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { definitionsJsonSchema, jsonSchemaFiles, settingsJsonSchema } from '../../../src/definitions/json-schema.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('JSON Schema of the definition files', () => {
  it.each(Object.entries(jsonSchemaFiles()))('schema/%s is up to date (run `npm run schema`)', async (name, text) => {
    expect(await readFile(`schema/${name}`, 'utf8')).toBe(text);
  });

  it('describes the definition constructs strictly', () => {
    const schema = definitionsJsonSchema() as Json;
    const model = schema.properties.semantic_models.items;
    expect(model.additionalProperties).toBe(false);
    expect(model.required).toEqual(['name']);
    expect(model.properties.name.pattern).toBe('^(?!.*__)[a-z][a-z0-9_]*[a-z0-9]$');
    expect(model.properties.measures.items.properties.agg.enum).toEqual(expect.arrayContaining(['sum', 'SUM', 'median', 'PERCENTILE']));
    const metric = schema.properties.metrics.items;
    expect(metric.required).toEqual(['name', 'type', 'type_params']);
    expect(Object.keys(metric.properties.type_params.properties)).toEqual(
      expect.arrayContaining(['measure', 'numerator', 'cumulative_type_params', 'conversion_type_params', 'metric_aggregation_params']),
    );
    // Other top-level keys of dbt files are allowed.
    expect(schema.additionalProperties).toEqual({});
  });

  it('describes maatstaf.yaml', () => {
    const schema = settingsJsonSchema() as Json;
    expect(Object.keys(schema.properties)).toEqual(['schema', 'time_zone', 'time_spine']);
    expect(schema.additionalProperties).toBe(false);
  });
});
