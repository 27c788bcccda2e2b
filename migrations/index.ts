/**
 * Every warehouse migration, by name (applied in name order). An explicit record rather than a
 * folder scan, so it works the same from tsx/vitest sources and from compiled `dist/`.
 */
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_geography.js';
import * as m0002 from './0002_calendar.js';
import * as m0003 from './0003_public_space.js';
import * as m0004 from './0004_civil_affairs.js';
import * as m0005 from './0005_social_domain.js';
import * as m0006 from './0006_population.js';
import * as m0007 from './0007_lookup_indexes.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_geography': m0001,
  '0002_calendar': m0002,
  '0003_public_space': m0003,
  '0004_civil_affairs': m0004,
  '0005_social_domain': m0005,
  '0006_population': m0006,
  '0007_lookup_indexes': m0007,
};
