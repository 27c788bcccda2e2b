import cliProgress from 'cli-progress';
import type { SeedProgress } from '../demo/index.js';

export type ProgressEvent = SeedProgress;

/**
 * A progress bar per table on a terminal; on a pipe or in CI, a line when a table passes a quarter
 * of its expected rows, with the true percentage, and one line when it is done, so logs stay
 * readable. A table whose expected size is unknown (total 0) or was an estimate it has passed shows
 * no percentage until its final event: a guess would print 100 % while rows are still coming.
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
        const total = p.final ? p.done : Math.max(p.total, p.done);
        let bar = byTable.get(p.table);
        if (!bar) {
          bar = bars.create(total, 0, { table: p.table.padEnd(24) });
          byTable.set(p.table, bar);
        }
        bar.setTotal(total);
        bar.update(p.done, { table: p.table.padEnd(24) });
      },
      stop: () => bars.stop(),
    };
  }
  const lastQuarter = new Map<string, number>();
  return {
    onProgress(p) {
      if (p.final) {
        if (lastQuarter.get(p.table) === 4) return;
        lastQuarter.set(p.table, 4);
        stream.write(`seed ${p.table}: ${p.done} rows (100%)\n`);
        return;
      }
      if (!(p.total > p.done)) return;
      const quarter = Math.floor((p.done / p.total) * 4);
      if ((lastQuarter.get(p.table) ?? -1) >= quarter) return;
      lastQuarter.set(p.table, quarter);
      stream.write(`seed ${p.table}: ${p.done}/${p.total} rows (${Math.floor((p.done / p.total) * 100)}%)\n`);
    },
    stop: () => {},
  };
}
