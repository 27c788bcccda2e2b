/**
 * Seeds the demo warehouse: truncates the demo tables and fills them, in one transaction, from the
 * deterministic generators. Rows stream through in batches, so memory stays flat at any scale.
 */
import { CompiledQuery, type Transaction } from 'kysely';
import { MaatstafError } from '../core/errors.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { generateAppointments, APPOINTMENTS_SPEC } from './appointments.js';
import { generateBenefitCases, BENEFIT_CASES_SPEC } from './benefit-cases.js';
import { BatchInserter, type SqlExecutor, type TableSpec } from './bulk-insert.js';
import { CALENDAR_SPEC, generateCalendar } from './calendar-table.js';
import { DOCUMENTS_SPEC, generateDocumentApplications } from './document-applications.js';
import { DISTRICTS, DISTRICTS_SPEC, districtRows, NEIGHBOURHOODS_SPEC, neighbourhoodRows } from './geography.js';
import { openReportsSnapshotSql } from './open-reports-snapshot.js';
import { POPULATION_SPEC, populationRows } from './population.js';
import { CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY, EVENTS_FIRST_DAY, EVENTS_LAST_DAY, makeWorkCalendar } from './period.js';
import { CATEGORIES } from './report-catalogue.js';
import { generateReports, planReportCounts, REPORTS_SPEC, SURVEYS_SPEC } from './reports.js';
import { generateSchoolAbsence, SCHOOL_ABSENCE_SPEC } from './school-absence.js';
import { DEMO_TABLES, quoteIdent, type DemoTable } from './tables.js';

export interface SeedProgress {
  readonly table: string;
  readonly done: number;
  /**
   * Exact where the volume is planned up front, else an estimate that `done` may pass; 0 = unknown.
   * Equal to `done` in the table's last event, which alone has `final`.
   */
  readonly total: number;
  readonly final?: true;
}

export interface SeedOptions {
  /** Any safe integer; the same seed gives identical rows on every engine. Default 42. */
  readonly seed?: number;
  /** Multiplies event volumes (1 ≈ 60,000 reports); default 1. */
  readonly scale?: number;
  readonly onProgress?: (progress: SeedProgress) => void;
  /** Rows per INSERT; default 5,000. */
  readonly batchSize?: number;
}

export interface SeedResult {
  readonly rowCounts: Record<DemoTable, number>;
}

const MAX_SCALE = 1000;

function checkOptions(seed: number, scale: number, batchSize: number): void {
  if (!Number.isSafeInteger(seed)) throw new MaatstafError('INVALID_CONFIG', `demo seed must be an integer, got ${seed}`, { name: 'seed' });
  if (!(Number.isFinite(scale) && scale > 0 && scale <= MAX_SCALE)) {
    throw new MaatstafError('INVALID_CONFIG', `demo scale must be > 0 and <= ${MAX_SCALE}, got ${scale}`, { name: 'scale' });
  }
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new MaatstafError('INVALID_CONFIG', `batch size must be a positive integer, got ${batchSize}`, { name: 'batchSize' });
}

/** Seeds (or re-seeds) every demo table. */
export async function seedDemo(wh: Warehouse, opts: SeedOptions = {}): Promise<SeedResult> {
  const seed = opts.seed ?? 42;
  const scale = opts.scale ?? 1;
  const batchSize = opts.batchSize ?? 5000;
  checkOptions(seed, scale, batchSize);
  const progress = opts.onProgress ?? (() => {});
  const work = makeWorkCalendar();

  return wh.db.transaction().execute(async (trx) => {
    const execute: SqlExecutor = async (text, params) => {
      await trx.executeQuery(CompiledQuery.raw(text, [...params]));
    };
    const write = async <R extends object>(spec: TableSpec<R>, rows: Iterable<R>, estimate: number): Promise<void> => {
      const inserter = new BatchInserter(spec, execute, batchSize, (done) => progress({ table: spec.table, done, total: estimate }));
      for (const row of rows) {
        inserter.add(row);
        await inserter.flushIfFull();
      }
      const done = await inserter.finish();
      progress({ table: spec.table, done, total: done, final: true });
    };

    // The snapshot query sorts ~150k grid rows: keep that in memory rather than in temp files.
    await execute(`SET LOCAL work_mem = '64MB'`, []);
    await execute(`TRUNCATE ${DEMO_TABLES.map(quoteIdent).join(', ')}`, []);
    await write(DISTRICTS_SPEC, districtRows(), DISTRICTS.length);
    await write(NEIGHBOURHOODS_SPEC, neighbourhoodRows(), 0);
    await write(POPULATION_SPEC, populationRows(), 0);
    await write(CALENDAR_SPEC, generateCalendar(CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY, work), CALENDAR_LAST_DAY - CALENDAR_FIRST_DAY + 1);

    const counts = planReportCounts(seed, scale, work);
    const reportTotal = counts.reduce((a, b) => a + b, 0);
    const reports = new BatchInserter(REPORTS_SPEC, execute, batchSize, (done) => progress({ table: REPORTS_SPEC.table, done, total: reportTotal }));
    const surveys = new BatchInserter(SURVEYS_SPEC, execute, batchSize);
    for (const { report, survey } of generateReports(seed, scale, work, counts)) {
      reports.add(report);
      if (survey) surveys.add(survey);
      await reports.flushIfFull();
      await surveys.flushIfFull();
    }
    const reportCount = await reports.finish();
    progress({ table: REPORTS_SPEC.table, done: reportCount, total: reportCount, final: true });
    const surveyCount = await surveys.finish();
    progress({ table: SURVEYS_SPEC.table, done: surveyCount, total: surveyCount, final: true });

    const snapshotRows = (EVENTS_LAST_DAY - EVENTS_FIRST_DAY + 1) * (DISTRICTS.length + 1) * CATEGORIES.length;
    progress({ table: 'daily_open_reports', done: 0, total: snapshotRows });
    // Fresh statistics first: without them the planner may pick a nested loop that takes seconds.
    for (const table of ['districts', 'calendar', 'public_space_reports']) await execute(`ANALYZE ${quoteIdent(table)}`, []);
    const snapshot = openReportsSnapshotSql();
    await execute(snapshot.text, snapshot.params);
    progress({ table: 'daily_open_reports', done: snapshotRows, total: snapshotRows, final: true });

    await write(DOCUMENTS_SPEC, generateDocumentApplications(seed, scale, work), Math.round(53_000 * scale));
    await write(APPOINTMENTS_SPEC, generateAppointments(seed, scale, work), Math.round(62_000 * scale));
    await write(BENEFIT_CASES_SPEC, generateBenefitCases(seed, scale, work), Math.round(13_000 * scale));
    await write(SCHOOL_ABSENCE_SPEC, generateSchoolAbsence(seed, scale, work), Math.round(4_500 * scale));

    for (const table of DEMO_TABLES) await execute(`ANALYZE ${quoteIdent(table)}`, []);
    return { rowCounts: await countRows(trx) };
  });
}

async function countRows(trx: Transaction<unknown>): Promise<Record<DemoTable, number>> {
  const selects = DEMO_TABLES.map((t) => `SELECT ${quoteIdent(t).replaceAll('"', "'")} AS name, count(*)::int AS n FROM ${quoteIdent(t)}`).join(' UNION ALL ');
  const { rows } = await trx.executeQuery<{ name: DemoTable; n: number | string }>(CompiledQuery.raw(selects));
  return Object.fromEntries(DEMO_TABLES.map((t) => [t, Number(rows.find((r) => r.name === t)?.n ?? 0)])) as Record<DemoTable, number>;
}

/** True when every demo table exists (in the warehouse's search_path) and has rows. */
export async function isSeeded(wh: Warehouse): Promise<boolean> {
  const { rows } = await wh.query<{ missing: number | string }>(
    'SELECT count(*) FILTER (WHERE to_regclass(t) IS NULL) AS missing FROM unnest($1::text[]) AS t',
    [[...DEMO_TABLES]],
  );
  if (Number(rows[0]?.missing ?? 1) > 0) return false;
  const filled = DEMO_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${quoteIdent(t)})`).join(' AND ');
  const result = await wh.query<{ seeded: boolean }>(`SELECT ${filled} AS seeded`);
  return result.rows[0]?.seeded === true;
}
