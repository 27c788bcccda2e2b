/**
 * The OpenAPI document exactly as the server serves it at /openapi.json, built without a warehouse
 * (the document depends only on the route schemas, not on definitions or data).
 */
import { buildApp } from './app.js';
import type { ServerState } from '../http/state.js';
import { offlineWarehouse } from '../warehouse/offline.js';

/** Where `npm run openapi` writes the document (relative to the repository root). */
export const OPENAPI_FILE = 'openapi/openapi.json';

export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const state: ServerState = { warehouse: offlineWarehouse(), engine: undefined, definitionsError: 'not loaded: OpenAPI generation only' };
  const app = await buildApp({ state, logger: false });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

/** The committed file's text: 2-space JSON with a final newline. */
export function openApiText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
