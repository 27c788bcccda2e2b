/** A warehouse that is never queried, for building the app without data (the OpenAPI document, tests). */
import { MaatstafError } from '../core/errors.js';
import type { Warehouse } from './warehouse.js';

const unavailable = (): Promise<never> => Promise.reject(new MaatstafError('WAREHOUSE_UNAVAILABLE', 'no warehouse: OpenAPI generation only'));

/** A warehouse that is never queried: every call fails as unavailable. */
export function offlineWarehouse(): Warehouse {
  return { kind: 'pglite', db: undefined as never, schema: undefined, query: unavailable, ping: unavailable, close: async () => {} };
}
