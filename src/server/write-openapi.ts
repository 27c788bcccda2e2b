/** `npm run openapi`: writes openapi/openapi.json from the route schemas (no warehouse needed). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OPENAPI_FILE, buildOpenApiDocument, openApiText } from './openapi-document.js';

const doc = await buildOpenApiDocument();
mkdirSync(dirname(OPENAPI_FILE), { recursive: true });
writeFileSync(OPENAPI_FILE, openApiText(doc));
console.log(`wrote ${OPENAPI_FILE}`);
