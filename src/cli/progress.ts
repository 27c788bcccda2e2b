import cliProgress from 'cli-progress';

export interface ProgressEvent {
  readonly table: string;
  readonly done: number;
  readonly total: number;
}

/**
 * A progress bar per table on a terminal; on a pipe or in CI, one line per table every ~25% so
 * logs stay readable.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): {
  onProgress: (p: ProgressEvent) => void;
  stop: () => void;
} {
  if (stream.isTTY) {
    const bars = new cliProgress.MultiBar(
      { stream, format: ' {table} [{bar}] {percentage}% | {value}/{total} rows', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    const byTable = new Map<string, cliProgress.SingleBar>();
    return {
      onProgress(p) {
        let bar = byTable.get(p.table);
        if (!bar) {
          bar = bars.create(p.total, 0, { table: p.table.padEnd(24) });
          byTable.set(p.table, bar);
        }
        bar.setTotal(p.total);
        bar.update(p.done, { table: p.table.padEnd(24) });
      },
      stop: () => bars.stop(),
    };
  }
  const lastQuarter = new Map<string, number>();
  return {
    onProgress(p) {
      const quarter = p.total === 0 ? 4 : Math.floor((p.done / p.total) * 4);
      if ((lastQuarter.get(p.table) ?? -1) >= quarter) return;
      lastQuarter.set(p.table, quarter);
      stream.write(`seed ${p.table}: ${p.done}/${p.total} rows (${quarter * 25}%)\n`);
    },
    stop: () => {},
  };
}
