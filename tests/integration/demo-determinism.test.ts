import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTableChecksums, type TableChecksum } from '../../src/demo/checksum.js';
import { migrateWarehouse } from '../../src/demo/migrate.js';
import { seedDemo } from '../../src/demo/seed.js';
import type { DemoTable } from '../../src/demo/tables.js';
import { ENGINES, openTestWarehouse, type EngineName, type TestWarehouse } from '../helpers/warehouses.js';

type Checksums = Record<DemoTable, TableChecksum>;
const SCALE = 0.05;
/** Seed 42 checksums per engine, compared across engines at the end of the file. */
const byEngine = new Map<EngineName, Checksums>();

describe.each(ENGINES)('demo determinism on %s', (engine) => {
  let wh: TestWarehouse;
  let first: Checksums;
  beforeAll(async () => {
    wh = await openTestWarehouse(engine);
    await migrateWarehouse(wh);
    await seedDemo(wh, { seed: 42, scale: SCALE });
    first = await demoTableChecksums(wh);
    byEngine.set(engine, first);
  });
  afterAll(async () => {
    await wh.dispose();
  });

  it('re-seeding with the same seed truncates and reproduces every table exactly', async () => {
    const result = await seedDemo(wh, { seed: 42, scale: SCALE, batchSize: 777 });
    expect(await demoTableChecksums(wh)).toEqual(first);
    for (const [table, sum] of Object.entries(first)) expect(result.rowCounts[table as DemoTable]).toBe(sum.rows);
  });

  it('another seed changes every event table but not the fixed dimensions', async () => {
    await seedDemo(wh, { seed: 7, scale: SCALE });
    const other = await demoTableChecksums(wh);
    for (const table of ['districts', 'neighbourhoods', 'calendar'] as const) expect(other[table], table).toEqual(first[table]);
    for (const table of ['public_space_reports', 'survey_responses', 'daily_open_reports', 'document_applications', 'appointments', 'benefit_cases', 'school_absence_reports'] as const) {
      expect(other[table].md5, table).not.toBe(first[table].md5);
    }
  });
});

describe('demo determinism across engines', () => {
  it.runIf(ENGINES.length > 1)('gives identical row counts and checksums on PGlite and PostgreSQL', () => {
    expect(byEngine.size).toBe(ENGINES.length);
    expect(byEngine.get('postgres')).toEqual(byEngine.get('pglite'));
  });
});
