/**
 * The table behind tests/fixtures/definitions/export (`export_facts`), created empty in a test's
 * warehouse; each test fills it with the rows it needs (generate_series or single inserts).
 */
import type { Warehouse } from '../../src/warehouse/warehouse.js';

export async function createExportFactsTable(wh: Warehouse): Promise<void> {
  await wh.query(
    'CREATE TABLE export_facts (fact_id integer PRIMARY KEY, happened_at date NOT NULL, kind text NOT NULL, code text NOT NULL, label text NOT NULL, note text NOT NULL, amount integer NOT NULL)',
  );
}
