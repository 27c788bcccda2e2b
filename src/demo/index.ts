/**
 * The demo warehouse of the fictional municipality of Dijkstede: migrations, deterministic seeding
 * and checksums. Typical use: `await migrateWarehouse(wh); if (!(await isSeeded(wh))) await seedDemo(wh);`
 */
export { migrateWarehouse, warehouseMigrator, type MigrateResult } from './migrate.js';
export { isSeeded, seedDemo, type SeedOptions, type SeedProgress, type SeedResult } from './seed.js';
export { demoTableChecksums, type TableChecksum } from './checksum.js';
export { DEMO_TABLES, type DemoTable } from './tables.js';
export { MUNICIPALITY_NAME } from './geography.js';
