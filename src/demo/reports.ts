/**
 * Public-space reports (meldingen openbare ruimte) and the satisfaction surveys about them, generated
 * day by day in time order so any volume streams through in constant memory.
 */
import { amsterdamLocalToUtcMs, formatUtc, type LocalTime } from './amsterdam-time.js';
import type { TableSpec } from './bulk-insert.js';
import { civilFromDay, isoWeekday, type Day } from './days.js';
import { DISTRICTS, NEIGHBOURHOODS, locationCell, districtPopulation, CELLS_PER_NEIGHBOURHOOD, type District, type Neighbourhood } from './geography.js';
import { EVENTS_FIRST_DAY, EVENTS_LAST_DAY, EXTRACT_MS } from './period.js';
import { pseudonymizer, Random, WeightedTable } from './random.js';
import { isBacklogPeriod, PRIORITIES, SUBCATEGORIES, weatherMultiplier, type Priority, type Subcategory } from './report-catalogue.js';
import { resolveReport } from './report-resolution.js';
import type { WorkCalendar } from './work-calendar.js';

export type Channel = 'app' | 'web' | 'phone' | 'counter';
export type ReportStatus = 'new' | 'in_progress' | 'resolved' | 'closed';

export interface PublicSpaceReportRow {
  readonly report_id: number;
  readonly received_at: string;
  readonly resolved_at: string | null;
  readonly category: string;
  readonly subcategory: string;
  readonly district_id: number | null;
  readonly neighbourhood_id: number | null;
  readonly location_cell: string | null;
  readonly channel: Channel;
  readonly priority: Priority;
  readonly status: ReportStatus;
  readonly reporter_pseudonym: string | null;
}

export interface SurveyResponseRow {
  readonly survey_id: number;
  readonly report_id: number;
  readonly responded_at: string;
  readonly score: number;
}

export const REPORTS_SPEC: TableSpec<PublicSpaceReportRow> = {
  table: 'public_space_reports',
  columns: [
    { name: 'report_id', type: 'int4' }, { name: 'received_at', type: 'timestamptz' }, { name: 'resolved_at', type: 'timestamptz' },
    { name: 'category', type: 'text' }, { name: 'subcategory', type: 'text' }, { name: 'district_id', type: 'int4' },
    { name: 'neighbourhood_id', type: 'int4' }, { name: 'location_cell', type: 'text' }, { name: 'channel', type: 'text' },
    { name: 'priority', type: 'text' }, { name: 'status', type: 'text' }, { name: 'reporter_pseudonym', type: 'text' },
  ],
};

export const SURVEYS_SPEC: TableSpec<SurveyResponseRow> = {
  table: 'survey_responses',
  columns: [
    { name: 'survey_id', type: 'int4' }, { name: 'report_id', type: 'int4' },
    { name: 'responded_at', type: 'timestamptz' }, { name: 'score', type: 'int4' },
  ],
};

/** Relative volume by ISO weekday (Mon..Sun); public holidays count as Sundays. */
const WEEKDAY_FACTOR: Record<Subcategory['profile'], readonly number[]> = {
  day: [1.22, 1.12, 1.08, 1.05, 0.98, 0.78, 0.77],
  evening: [0.9, 0.85, 0.9, 0.95, 1.15, 1.35, 1],
};

const hours = (weights: readonly number[], from = 0) => new WeightedTable(weights.map((w, i) => [from + i, w] as const));
const HOURS = {
  day: hours([0.1, 0.05, 0.03, 0.03, 0.05, 0.15, 0.5, 1.6, 3.2, 4.3, 4.6, 4.4, 3.6, 4, 4.2, 4, 3.6, 3, 2.6, 2.5, 2.3, 1.8, 1, 0.4]),
  evening: hours([3, 2, 1, 0.5, 0.2, 0.2, 0.3, 0.5, 0.8, 1, 1, 1, 1, 1, 1, 1.2, 1.4, 1.8, 2.2, 3, 4, 5, 5.5, 4.5]),
  phone: hours([3, 5, 5, 4.5, 3, 4, 4, 3.5, 2.5], 8),
  counter: hours([2, 3, 3, 3.5, 3, 3, 2.5, 1.5], 9),
};
const WORKDAY_CHANNELS = new WeightedTable<Channel>([['app', 0.46], ['web', 0.28], ['phone', 0.21], ['counter', 0.05]]);
const OFF_DAY_CHANNELS = new WeightedTable<Channel>([['app', 0.62], ['web', 0.38]]);

const DISTRICTS_BY_CATEGORY = new Map<string, WeightedTable<District>>(
  [...new Set(SUBCATEGORIES.map((s) => s.category))].map((category) => [
    category,
    new WeightedTable(DISTRICTS.map((d) => [d, districtPopulation(d) * (d.character[category] ?? 1)] as const)),
  ]),
);
const NEIGHBOURHOODS_BY_DISTRICT = new Map<number, WeightedTable<Neighbourhood>>(
  DISTRICTS.map((d) => [d.id, new WeightedTable(NEIGHBOURHOODS.filter((n) => n.districtId === d.id).map((n) => [n, n.population] as const))]),
);
const PRIORITY_BY_SUBCATEGORY = SUBCATEGORIES.map((sub) => new WeightedTable(PRIORITIES.map((p, j) => [p, sub.priority[j] as number] as const)));

/** Share of reports without a usable location (a deliberate data-quality flaw). */
const MISSING_DISTRICT_RATE = 0.005;
/** Reports whose resolved_at lies before received_at (deliberate flaw), whatever the scale. */
export const BACKWARDS_RESOLUTION_COUNT = 20;
const REPEAT_RATE = 0.07;
const SURVEY_RATE = 0.26;

/**
 * How many reports of each subcategory arrive on each day (day-major: index = dayIndex × subs + sub).
 * Planned up front from its own random stream, so the total is known before any row is made.
 */
export function planReportCounts(seed: number, scale: number, work: WorkCalendar): Int32Array {
  const rng = Random.stream(seed, 'report-counts');
  const days = EVENTS_LAST_DAY - EVENTS_FIRST_DAY + 1;
  const counts = new Int32Array(days * SUBCATEGORIES.length);
  for (let i = 0; i < days; i++) {
    const day = EVENTS_FIRST_DAY + i;
    const month = civilFromDay(day).month;
    const weekday = work.isHoliday(day) ? 7 : isoWeekday(day);
    SUBCATEGORIES.forEach((sub, s) => {
      const mean = (sub.perYear / 365.25) * (sub.season[month - 1] as number) * (WEEKDAY_FACTOR[sub.profile][weekday - 1] as number) * weatherMultiplier(sub, day) * scale;
      counts[i * SUBCATEGORIES.length + s] = rng.poisson(mean);
    });
  }
  return counts;
}

/** Remembered recent reports per subcategory, to repeat one at the same spot. */
interface RecentReport {
  readonly receivedMs: number;
  readonly resolvedMs: number | null;
  readonly neighbourhood: Neighbourhood;
  readonly cell: string;
}
const RECENT_PER_SUBCATEGORY = 32;

export interface ReportEvent {
  readonly report: PublicSpaceReportRow;
  readonly survey: SurveyResponseRow | undefined;
}

function pickLocalSecond(rng: Random, channel: Channel, sub: Subcategory): number {
  const table = channel === 'phone' || channel === 'counter' ? HOURS[channel] : HOURS[sub.profile];
  return table.pick(rng) * 3600 + rng.int(0, 3599);
}

export function* generateReports(seed: number, scale: number, work: WorkCalendar, counts: Int32Array): Generator<ReportEvent> {
  const rng = Random.stream(seed, 'report-details');
  const total = counts.reduce((a, b) => a + b, 0);
  const backwards = new Set<number>();
  const flawRng = Random.stream(seed, 'report-flaws');
  while (backwards.size < Math.min(BACKWARDS_RESOLUTION_COUNT, total)) backwards.add(flawRng.int(1, total));
  const reporterPseudonym = pseudonymizer('r_', seed, 'reporter');
  const reporterPool = Math.max(50, Math.round(16000 * scale));
  const recent = SUBCATEGORIES.map((): RecentReport[] => []);
  let reportId = 0;
  let surveyId = 0;

  for (let i = 0; i <= EVENTS_LAST_DAY - EVENTS_FIRST_DAY; i++) {
    const day: Day = EVENTS_FIRST_DAY + i;
    const channels = work.isWorkday(day) ? WORKDAY_CHANNELS : OFF_DAY_CHANNELS;
    const inBacklog = isBacklogPeriod(day);
    const arrivals: { sub: number; channel: Channel; second: number }[] = [];
    for (let s = 0; s < SUBCATEGORIES.length; s++) {
      const sub = SUBCATEGORIES[s] as Subcategory;
      for (let k = counts[i * SUBCATEGORIES.length + s] as number; k > 0; k--) {
        const channel = channels.pick(rng);
        arrivals.push({ sub: s, channel, second: pickLocalSecond(rng, channel, sub) });
      }
    }
    arrivals.sort((a, b) => a.second - b.second); // stable: ties keep generation order

    for (const arrival of arrivals) {
      const sub = SUBCATEGORIES[arrival.sub] as Subcategory;
      const receivedLocal: LocalTime = { day, secondOfDay: arrival.second };
      const receivedMs = amsterdamLocalToUtcMs(day, arrival.second);
      reportId++;

      const earlier = recent[arrival.sub] as RecentReport[];
      const candidate = rng.chance(REPEAT_RATE) && earlier.length > 0 ? rng.pick(earlier) : undefined;
      const repeatOf =
        candidate && candidate.receivedMs < receivedMs && receivedMs - candidate.receivedMs < 21 * 86_400_000 && (candidate.resolvedMs ?? Infinity) > receivedMs
          ? candidate : undefined;
      const neighbourhood = repeatOf?.neighbourhood ?? (NEIGHBOURHOODS_BY_DISTRICT.get((DISTRICTS_BY_CATEGORY.get(sub.category) as WeightedTable<District>).pick(rng).id) as WeightedTable<Neighbourhood>).pick(rng);
      const cell = repeatOf?.cell ?? locationCell(neighbourhood, Math.floor(CELLS_PER_NEIGHBOURHOOD * rng.next() ** 2.2));
      const located = !rng.chance(MISSING_DISTRICT_RATE);
      const priority = (PRIORITY_BY_SUBCATEGORY[arrival.sub] as WeightedTable<Priority>).pick(rng);
      const anonymous = rng.chance(0.05);
      const reporter = anonymous ? null : reporterPseudonym(Math.floor(reporterPool * rng.next() ** 2.5));

      const outcome = resolveReport(rng, work, { sub, priority, receivedMs, receivedLocal, isRepeat: repeatOf !== undefined, inBacklog });
      let resolvedMs = outcome.kind === 'stuck' || outcome.resolvedMs > EXTRACT_MS ? null : outcome.resolvedMs;
      let status: ReportStatus;
      if (backwards.has(reportId)) {
        resolvedMs = receivedMs - rng.int(600, 36 * 3600) * 1000;
        status = 'resolved';
      } else if (resolvedMs !== null) {
        status = outcome.kind === 'duplicate' || rng.chance(0.08) ? 'closed' : 'resolved';
      } else {
        const fresh = EXTRACT_MS - receivedMs < 2 * 86_400_000;
        status = fresh || (outcome.kind === 'stuck' && rng.chance(0.3)) ? 'new' : 'in_progress';
      }

      earlier.push({ receivedMs, resolvedMs: outcome.kind === 'stuck' ? null : outcome.resolvedMs, neighbourhood, cell });
      if (earlier.length > RECENT_PER_SUBCATEGORY) earlier.shift();

      let survey: SurveyResponseRow | undefined;
      if (resolvedMs !== null && resolvedMs > receivedMs && reporter !== null && rng.chance(SURVEY_RATE)) {
        const respondedMs = resolvedMs + Math.round(Math.min(14 * 24, rng.logNormal(18, 1.1)) * 3600) * 1000;
        if (respondedMs <= EXTRACT_MS) {
          const daysTaken = (resolvedMs - receivedMs) / 86_400_000;
          const mean = 8 - 0.45 * Math.log1p(daysTaken) - (status === 'closed' ? 1.5 : 0) - (priority !== 'low' && daysTaken > 10 ? 0.6 : 0);
          const score = Math.min(10, Math.max(1, Math.round(mean + 1.6 * rng.normal())));
          survey = { survey_id: ++surveyId, report_id: reportId, responded_at: formatUtc(respondedMs), score };
        }
      }

      yield {
        report: {
          report_id: reportId,
          received_at: formatUtc(receivedMs),
          resolved_at: resolvedMs === null ? null : formatUtc(resolvedMs),
          category: sub.category,
          subcategory: sub.name,
          district_id: located ? neighbourhood.districtId : null,
          neighbourhood_id: located ? neighbourhood.id : null,
          location_cell: located ? cell : null,
          channel: arrival.channel,
          priority,
          status,
          reporter_pseudonym: reporter,
        },
        survey,
      };
    }
  }
}
