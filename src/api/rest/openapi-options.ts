/** The OpenAPI 3.1 document's fixed parts and the schema transform (zod routes → JSON Schema). */
import type { FastifyDynamicSwaggerOptions, SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

const isZod = (v: unknown): boolean => typeof v === 'object' && v !== null && '_zod' in v;

/** True when a route schema was written with zod (routes of other plugins may use plain JSON Schema). */
function hasZodSchema(schema: Record<string, unknown> | undefined): boolean {
  if (!schema) return false;
  if (['body', 'querystring', 'params', 'headers'].some((k) => isZod(schema[k]))) return true;
  const response = schema.response as Record<string, unknown> | undefined;
  return Object.values(response ?? {}).some((r) => {
    if (isZod(r)) return true;
    const content = (r as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
    return Object.values(content ?? {}).some((c) => isZod(c.schema));
  });
}

const zodTransform = createJsonSchemaTransform({});

/**
 * The document describes the REST API: routes with zod schemas. Other plugins' routes (GraphQL,
 * GraphiQL, health) are left out; GraphQL documents itself through introspection.
 */
const transform: SwaggerTransform = (doc) =>
  hasZodSchema(doc.schema as Record<string, unknown> | undefined)
    ? zodTransform(doc as Parameters<typeof zodTransform>[0])
    : { schema: { ...doc.schema, hide: true } as typeof doc.schema, url: doc.url };

const REF = /"#\/components\/schemas\/([^"]+)"/g;

/**
 * The zod transform emits every registered schema twice (input and output variant); keep only the
 * component schemas the paths reference, directly or through other components.
 */
const transformObject: SwaggerTransformObject = (documentObject) => {
  const doc = jsonSchemaTransformObject(documentObject) as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas ?? {};
  const used = new Set<string>();
  const queue = [...JSON.stringify(doc.paths ?? {}).matchAll(REF)].map((m) => decodeURIComponent(m[1]!));
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (used.has(name) || schemas[name] === undefined) continue;
    used.add(name);
    for (const m of JSON.stringify(schemas[name]).matchAll(REF)) queue.push(decodeURIComponent(m[1]!));
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...doc, components: { ...doc.components, schemas: kept } } as ReturnType<SwaggerTransformObject>;
};

export const OPENAPI_DESCRIPTION = `Metrics defined once in dbt MetricFlow YAML, compiled to one SQL query per request.

* **Catalogue**: \`/v1/metrics\`, \`/v1/dimensions\`, dimension values for filter pickers.
* **Query**: \`POST /v1/query\` (JSON body) or \`GET /v1/query\` (URL parameters, for Power BI and Excel). JSON by default; CSV with \`Accept: text/csv\` or \`?format=csv\` (\`&bom=true\` for Excel).
* **Saved queries**: reviewed, named queries served as KPI endpoints.

Errors are RFC 9457 \`application/problem+json\` with a stable \`code\`, the offending \`name\` and \`suggestions\`.
Responses about deprecated metrics carry \`Deprecation\` (RFC 9745), \`Sunset\` (RFC 8594) and \`Link\` headers.

The examples use the bundled demo municipality, so "Try it out" works against the demo warehouse.`;

export function swaggerOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'maatstaf metrics API', version, description: OPENAPI_DESCRIPTION, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
      tags: [
        { name: 'catalog', description: 'Metrics, group-by items and their values.' },
        { name: 'query', description: 'Run or compile queries.' },
        { name: 'saved queries', description: 'Named, reviewed queries as KPI endpoints.' },
      ],
    },
    transform,
    transformObject,
  };
}
