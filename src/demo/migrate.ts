/** Brings a warehouse's demo schema up to date with the migrations in `migrations/`. */
import { Migrator } from 'kysely/migration';
import { MIGRATIONS } from '../../migrations/index.js';
import { MaatstafError } from '../core/errors.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export interface MigrateResult {
  /** Names of the migrations applied by this call, in order (empty when already up to date). */
  readonly applied: string[];
}

/**
 * Migrator for a warehouse: tables are created unqualified (the warehouse's search_path picks the
 * schema) and Kysely's bookkeeping tables live in the same schema.
 */
export function warehouseMigrator(wh: Warehouse): Migrator {
  return new Migrator({
    db: wh.db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    ...(wh.schema ? { migrationTableSchema: wh.schema } : {}),
  });
}

/** Applies every pending migration; throws WAREHOUSE_ERROR naming the migration that failed. */
export async function migrateWarehouse(wh: Warehouse): Promise<MigrateResult> {
  const { error, results = [] } = await warehouseMigrator(wh).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MaatstafError('WAREHOUSE_ERROR', `migration ${failed ?? '(setup)'} failed: ${reason}`, failed ? { name: failed } : {}, { cause: error });
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
