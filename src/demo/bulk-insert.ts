/**
 * Batched bulk insert that works the same on PGlite and node-postgres: one array parameter per
 * column, unnested server-side (`INSERT … SELECT * FROM unnest($1::int4[], $2::text[], …)`).
 * The statement text is the same for every batch, so it stays cheap at millions of rows.
 */

export type ColumnType = 'int4' | 'text' | 'date' | 'timestamptz' | 'bool' | 'numeric';
export type Cell = string | number | boolean | null;

export interface ColumnSpec<R> {
  readonly name: keyof R & string;
  readonly type: ColumnType;
}

/** A demo table as the generator writes it; the column names are the row object's keys. */
export interface TableSpec<R> {
  readonly table: string;
  readonly columns: readonly ColumnSpec<R>[];
}

/** Runs one parameterised statement (inside the seeding transaction). */
export type SqlExecutor = (sqlText: string, params: readonly unknown[]) => Promise<void>;

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export function unnestInsertSql<R>(spec: TableSpec<R>): string {
  const names = spec.columns.map((c) => quote(c.name)).join(', ');
  const arrays = spec.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  return `INSERT INTO ${quote(spec.table)} (${names}) SELECT * FROM unnest(${arrays})`;
}

/**
 * Collects rows column-wise and writes a batch whenever `batchSize` rows are buffered. One batch may
 * be in flight while the next is generated (PostgreSQL works while JavaScript generates).
 */
export class BatchInserter<R extends object> {
  private readonly sqlText: string;
  private buffers: Cell[][];
  private pending: Promise<void> | undefined;
  private written = 0;

  constructor(
    private readonly spec: TableSpec<R>,
    private readonly execute: SqlExecutor,
    private readonly batchSize: number,
    private readonly onWritten: (rowsWritten: number) => void = () => {},
  ) {
    this.sqlText = unnestInsertSql(spec);
    this.buffers = spec.columns.map(() => []);
  }

  /** Buffered rows; call `flushIfFull` after adding. */
  get buffered(): number {
    return this.buffers[0]?.length ?? 0;
  }

  add(row: R): void {
    const columns = this.spec.columns;
    for (let i = 0; i < columns.length; i++) {
      (this.buffers[i] as Cell[]).push((row as Record<string, Cell>)[(columns[i] as ColumnSpec<R>).name] as Cell);
    }
  }

  async flushIfFull(): Promise<void> {
    if (this.buffered >= this.batchSize) await this.flush();
  }

  /** Sends the buffered rows; waits for the previous batch first so at most one is in flight. */
  async flush(): Promise<void> {
    const count = this.buffered;
    if (count === 0) return;
    const params = this.buffers;
    this.buffers = this.spec.columns.map(() => []);
    await this.pending;
    const sent = this.execute(this.sqlText, params).then(() => {
      this.written += count;
      this.onWritten(this.written);
    });
    // Observed on the next flush/finish; this handler only keeps Node from calling it unhandled.
    sent.catch(() => {});
    this.pending = sent;
  }

  /** Writes what is left and waits for every batch; returns the number of rows written. */
  async finish(): Promise<number> {
    await this.flush();
    await this.pending;
    this.pending = undefined;
    return this.written;
  }
}
