/**
 * The OpenAPI document: the committed openapi/openapi.json is exactly what the server generates
 * (run `npm run openapi` after changing a route), it validates as OpenAPI 3.1, and every operation
 * is documented. (Its examples are run against the demo data in query.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { validate, compileErrors } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE, buildOpenApiDocument, openApiText } from '../../src/server/openapi-document.js';
import { offlineWarehouse } from '../../src/warehouse/offline.js';
import { appFor, type TestApp } from './helpers/demo-app.js';

interface Media {
  schema: { properties: Record<string, unknown>; additionalProperties?: boolean } & Record<string, unknown>;
  examples?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

describe('OpenAPI document', () => {
  let doc: Doc;
  let app: TestApp;
  beforeAll(async () => {
    doc = (await buildOpenApiDocument()) as Doc;
    app = await appFor({ warehouse: offlineWarehouse(), engine: undefined, definitionsError: 'not loaded' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is committed as generated (run `npm run openapi` after changing routes)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiText(doc));
  });

  it('is served at /openapi.json and by Swagger UI at /docs', async () => {
    const served = await app.http().get('/openapi.json').expect(200).expect('content-type', /application\/json/);
    expect(served.body).toEqual(JSON.parse(openApiText(doc)));
    const ui = await app.http().get('/docs/').expect(200);
    expect(ui.text).toContain('swagger');
    const uiSpec = await app.http().get('/docs/json').expect(200);
    expect(uiSpec.body.paths).toEqual(served.body.paths);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('documents every /v1 operation with an id, summary, description, tags and error responses', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    expect(ops.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual([
      'GET /v1/audit',
      'GET /v1/dimensions',
      'GET /v1/dimensions/{name}/values',
      'GET /v1/metrics',
      'GET /v1/metrics/{name}',
      'GET /v1/query',
      'GET /v1/saved-queries',
      'GET /v1/saved-queries/{name}',
      'GET /v1/saved-queries/{name}/results',
      'POST /v1/compile',
      'POST /v1/query',
      'POST /v1/saved-queries/{name}/results',
    ]);
    for (const { path, method, op } of ops) {
      const where = `${method} ${path}`;
      expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.summary, where).toBeTruthy();
      expect(op.description?.length, where).toBeGreaterThan(40);
      expect(op.tags?.length, where).toBe(1);
      expect(op.responses['200'], where).toBeDefined();
      for (const status of ['400', '406', '503']) {
        expect(op.responses[status]?.content?.['application/problem+json']?.schema, `${where} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
      }
      if (op.requestBody) expect(Object.keys(op.requestBody.content['application/json']!.examples ?? {}).length, where).toBeGreaterThan(0);
    }
    expect(Object.keys(doc.paths['/v1/query']!.get!.responses['200']!.content!)).toEqual(['application/json', 'text/csv']);
  });

  it('describes the POST body with the engine query model', () => {
    const body = doc.paths['/v1/query']!.post!.requestBody!.content['application/json']!;
    expect(Object.keys(body.schema.properties)).toEqual(['metrics', 'groupBy', 'where', 'timeRange', 'orderBy', 'limit', 'forecast', 'anomalies', 'offset', 'useRollups', 'minMaxOnly', 'applyGroupBy']);
    expect(body.schema.additionalProperties).toBe(false);
    expect(Object.keys(body.examples ?? {})).toContain('reportsByMonth');
  });
});
