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
  return { ...doc, paths: withAuthResponses(doc.paths), components: { ...doc.components, schemas: kept } } as ReturnType<SwaggerTransformObject>;
};

/** Every /v1 operation can answer 401 (authentication runs before any route, src/access/authn). */
const UNAUTHENTICATED_RESPONSE = {
  description:
    'No valid credential: the API key or token is unknown, expired or invalid, or none was sent while anonymous access is off. `WWW-Authenticate` names the scheme.',
  headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer realm="maatstaf" (with error="invalid_token" for a refused credential)' } },
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

function withAuthResponses(paths: unknown): unknown {
  if (typeof paths !== 'object' || paths === null) return paths;
  return Object.fromEntries(
    Object.entries(paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>).map(([path, ops]) => [
      path,
      Object.fromEntries(
        Object.entries(ops).map(([method, op]) => {
          if (typeof op !== 'object' || op === null || !op.responses || '401' in op.responses) return [method, op];
          const responses = Object.fromEntries(Object.entries({ ...op.responses, 401: UNAUTHENTICATED_RESPONSE }).sort(([a], [b]) => a.localeCompare(b)));
          return [method, { ...op, responses }];
        }),
      ),
    ]),
  );
}

/**
 * Swagger UI's "Authorize" button: an API key (X-API-Key) or a bearer credential (API key or OIDC
 * access token). The empty requirement says anonymous calls are allowed too (what an anonymous
 * caller sees is up to the server's policy).
 */
const SECURITY_SCHEMES = {
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (see `maatstaf keys create`; demo keys in the README).' },
  bearer: { type: 'http', scheme: 'bearer', description: 'An API key or an OAuth2/OIDC access token (JWT) from the configured identity provider.' },
} as const;

export const OPENAPI_DESCRIPTION = `Metrics defined once in dbt MetricFlow YAML, compiled to one SQL query per request.

* **Catalogue**: \`/v1/metrics\`, \`/v1/dimensions\`, dimension values for filter pickers.
* **Query**: \`POST /v1/query\` (JSON body) or \`GET /v1/query\` (URL parameters, for Power BI and Excel). JSON by default; CSV with \`Accept: text/csv\` or \`?format=csv\` (\`&bom=true\` for Excel).
* **Saved queries**: reviewed, named queries served as KPI endpoints.

**Authentication**: send an API key as \`X-API-Key: <key>\` or \`Authorization: Bearer <key>\`, or an OAuth2/OIDC access token as \`Authorization: Bearer <jwt>\` (use "Authorize" above). Without a credential you are the anonymous caller (when the server allows it); an unknown, expired or invalid credential is always 401 \`UNAUTHENTICATED\`.

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
        { name: 'audit', description: 'The append-only audit log of queries of internal and personal data (auditor role).' },
      ],
      components: { securitySchemes: SECURITY_SCHEMES },
      security: [{}, { apiKey: [] }, { bearer: [] }],
    },
    transform,
    transformObject,
  };
}
