/**
 * Query flags shared by `maatstaf compile` and `maatstaf query`: --metrics m1,m2 --group-by a,b
 * --where … (repeatable) --start --end --order-by --limit → the engine's query model.
 */
import { Option, type Command } from 'commander';
import { forecastFromFlat, type MetricQueryInput } from '../core/query.js';
import { CliExit } from './fail.js';

export interface QueryFlags {
  metrics?: string;
  groupBy?: string;
  where?: string[];
  start?: string;
  end?: string;
  orderBy?: string;
  limit?: string;
  forecastHorizon?: string;
  forecastLevel?: string;
  forecastMethod?: string;
  seasonalPeriods?: string;
  anomalies?: boolean;
  anomalyLevel?: string;
  minMaxOnly?: boolean;
  applyGroupBy?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function withQueryFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--metrics <names>', 'metric names, comma-separated').makeOptionMandatory())
    .addOption(new Option('--group-by <items>', 'group-by items, comma-separated (metric_time__month, report__category)'))
    .addOption(new Option('--where <filter>', "filter, e.g. \"{{ Dimension('report__channel') }} = 'app'\" (repeatable, ANDed)").argParser(collect))
    .addOption(new Option('--start <date>', 'metric_time from (inclusive, ISO date)'))
    .addOption(new Option('--end <date>', 'metric_time until (inclusive, ISO date)'))
    .addOption(new Option('--order-by <items>', 'output names, comma-separated; prefix - for descending'))
    .addOption(new Option('--limit <n>', 'maximum rows'))
    .addOption(new Option('--forecast-horizon <n>', 'forecast n periods of the metric_time grain ahead (README "Forecasts")'))
    .addOption(new Option('--forecast-level <level>', 'prediction interval level: 0.8, 0.9 (default) or 0.95'))
    .addOption(new Option('--forecast-method <method>', 'auto (default), mstl, ets or seasonal_naive'))
    .addOption(new Option('--seasonal-periods <n,…>', 'season lengths in periods, comma-separated (default from the grain)'))
    .addOption(new Option('--anomalies', 'flag history rows outside the in-sample interval'))
    .addOption(new Option('--anomaly-level <level>', 'interval level of the anomaly flags (default 0.99); implies --anomalies'))
    .addOption(new Option('--min-max-only', 'one row: smallest and largest value of the single group-by item (no metrics)'))
    .addOption(new Option('--no-apply-group-by', 'without metrics: one row per source row, duplicates kept'));
}

const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');

/** The query model from the flags; a malformed --limit is a usage error (exit 2). */
export function queryFromFlags(flags: QueryFlags): MetricQueryInput {
  let limit: number | undefined;
  if (flags.limit !== undefined) {
    limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new CliExit(2, `invalid --limit '${flags.limit}': must be a whole number >= 0`);
  }
  const timeRange = flags.start !== undefined || flags.end !== undefined ? { ...(flags.start ? { start: flags.start } : {}), ...(flags.end ? { end: flags.end } : {}) } : undefined;
  return {
    metrics: list(flags.metrics),
    groupBy: list(flags.groupBy),
    ...(flags.where && flags.where.length > 0 ? { where: flags.where } : {}),
    ...(timeRange ? { timeRange } : {}),
    orderBy: list(flags.orderBy),
    ...(limit !== undefined ? { limit } : {}),
    ...(flags.minMaxOnly ? { minMaxOnly: true } : {}),
    ...(flags.applyGroupBy === false ? { applyGroupBy: false } : {}),
    // Numbers as written (NaN for a typo): the engine reports a bad value with its error code.
    ...forecastFromFlat({
      forecastHorizon: num(flags.forecastHorizon),
      forecastLevel: num(flags.forecastLevel),
      forecastMethod: flags.forecastMethod,
      seasonalPeriods: flags.seasonalPeriods === undefined ? undefined : list(flags.seasonalPeriods).map(Number),
      anomalies: flags.anomalies,
      anomalyLevel: num(flags.anomalyLevel),
    }),
  };
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
