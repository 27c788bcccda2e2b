import { NO_MIGRATIONS } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { migrateWarehouse, warehouseMigrator } from '../../src/demo/migrate.js';
import { isSeeded } from '../../src/demo/seed.js';
import { DEMO_TABLES } from '../../src/demo/tables.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

describe.each(ENGINES)('demo migrations on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });

  const tablesInSchema = async (): Promise<string[]> => {
    const res = await wh.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [wh.schema],
    );
    return res.rows.map((r) => r.table_name);
  };

  it('applies every migration in order, creating the tables and the bookkeeping in the warehouse schema', async () => {
    expect(await migrateWarehouse(wh)).toEqual({ applied: Object.keys(MIGRATIONS) });
    expect(Object.keys(MIGRATIONS)).toEqual(['0001_geography', '0002_calendar', '0003_public_space', '0004_civil_affairs', '0005_social_domain', '0006_population', '0007_lookup_indexes']);
    expect(await tablesInSchema()).toEqual([...DEMO_TABLES, 'kysely_migration', 'kysely_migration_lock'].sort());
    const done = await wh.query<{ name: string }>(`SELECT name FROM "${wh.schema}".kysely_migration ORDER BY name`);
    expect(done.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('is idempotent: a second run applies nothing', async () => {
    expect(await migrateWarehouse(wh)).toEqual({ applied: [] });
  });

  it('reports an empty warehouse as not seeded', async () => {
    expect(await isSeeded(wh)).toBe(false);
  });

  it('migrates all the way down and up again', async () => {
    const down = await warehouseMigrator(wh).migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(await tablesInSchema()).toEqual(['kysely_migration', 'kysely_migration_lock']);
    expect(await isSeeded(wh)).toBe(false);
    expect((await migrateWarehouse(wh)).applied).toEqual(Object.keys(MIGRATIONS));
  });
});
