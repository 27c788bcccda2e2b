/** How long a public-space report takes to resolve: by subcategory and priority, working-day aware. */
import { amsterdamLocalToUtcMs, type LocalTime } from './amsterdam-time.js';
import type { Random } from './random.js';
import type { Priority, Subcategory } from './report-catalogue.js';
import type { WorkCalendar } from './work-calendar.js';
import { addWorkingTime, WORKDAY_SECONDS } from './working-time.js';

const PRIORITY_FACTOR: Record<Exclude<Priority, 'urgent'>, number> = { low: 1.7, normal: 1, high: 0.3 };

export type Outcome =
  /** Never handled (lost in the system): stays open whatever its age. */
  | { readonly kind: 'stuck' }
  /** Closed as a duplicate of an earlier report at the same spot. */
  | { readonly kind: 'duplicate'; readonly resolvedMs: number }
  | { readonly kind: 'fixed'; readonly resolvedMs: number };

export interface ReportToResolve {
  readonly sub: Subcategory;
  readonly priority: Priority;
  readonly receivedMs: number;
  readonly receivedLocal: LocalTime;
  /** Same problem at the same spot was already reported and is still open. */
  readonly isRepeat: boolean;
  /** Received during or just after a storm/snow spell. */
  readonly inBacklog: boolean;
}

/** Log-normal tails are cut at a working year: later is "after the extract" anyway. */
const MAX_WORKDAYS = 260;

function afterWorkingDays(work: WorkCalendar, report: ReportToResolve, workdays: number): number {
  const done = addWorkingTime(work, report.receivedLocal, Math.min(workdays, MAX_WORKDAYS) * WORKDAY_SECONDS);
  return amsterdamLocalToUtcMs(done.day, done.secondOfDay);
}

/** Decides the fate of a report. Resolution instants may lie after the extract moment (caller checks). */
export function resolveReport(rng: Random, work: WorkCalendar, report: ReportToResolve): Outcome {
  const { sub, priority } = report;
  if (rng.chance(priority === 'low' ? 0.01 : 0.004)) return { kind: 'stuck' };
  if (report.isRepeat && rng.chance(0.75)) {
    return { kind: 'duplicate', resolvedMs: afterWorkingDays(work, report, rng.logNormal(0.25, 0.8)) };
  }
  if (priority === 'urgent') {
    // Emergency crews work around the clock: hours, not working days.
    const hours = rng.logNormal(report.inBacklog ? 10 : 4, 0.8);
    return { kind: 'fixed', resolvedMs: report.receivedMs + Math.round(hours * 3600) * 1000 };
  }
  const median = sub.medianWorkdays * PRIORITY_FACTOR[priority] * (report.inBacklog ? 1.6 : 1);
  return { kind: 'fixed', resolvedMs: afterWorkingDays(work, report, rng.logNormal(median, 0.8)) };
}
