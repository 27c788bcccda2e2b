/** Counter appointments (burgerzaken): booked online, scheduled in 10-minute slots; ~7% no-shows. */
import { amsterdamLocalToUtcMs, formatUtc } from './amsterdam-time.js';
import type { TableSpec } from './bulk-insert.js';
import { civilFromDay, isoWeekday } from './days.js';
import { dailyShares, OFFICE_SHARE, OFFICES, openingHours, pickSlot, type Office } from './offices.js';
import { EVENTS_FIRST_DAY, EVENTS_LAST_DAY } from './period.js';
import { Random, WeightedTable } from './random.js';
import type { WorkCalendar } from './work-calendar.js';

export type AppointmentStatus = 'attended' | 'no_show' | 'cancelled';

export interface AppointmentRow {
  readonly appointment_id: number;
  readonly location: Office;
  readonly kind: string;
  readonly booked_at: string;
  readonly scheduled_at: string;
  readonly duration_minutes: number;
  readonly status: AppointmentStatus;
}

export const APPOINTMENTS_SPEC: TableSpec<AppointmentRow> = {
  table: 'appointments',
  columns: [
    { name: 'appointment_id', type: 'int4' }, { name: 'location', type: 'text' }, { name: 'kind', type: 'text' },
    { name: 'booked_at', type: 'timestamptz' }, { name: 'scheduled_at', type: 'timestamptz' },
    { name: 'duration_minutes', type: 'int4' }, { name: 'status', type: 'text' },
  ],
};

interface AppointmentKind {
  readonly kind: string;
  readonly perYear: number;
  readonly minutes: number;
  readonly peak2024: boolean;
  readonly stadskantoorOnly: boolean;
}

const KINDS: readonly AppointmentKind[] = [
  { kind: 'passport_application', perYear: 4200, minutes: 15, peak2024: true, stadskantoorOnly: false },
  { kind: 'id_card_application', perYear: 5200, minutes: 15, peak2024: true, stadskantoorOnly: false },
  { kind: 'driving_licence_application', perYear: 3000, minutes: 15, peak2024: false, stadskantoorOnly: false },
  { kind: 'document_pickup', perYear: 3300, minutes: 10, peak2024: true, stadskantoorOnly: false },
  { kind: 'relocation', perYear: 1200, minutes: 20, peak2024: false, stadskantoorOnly: false },
  { kind: 'birth_registration', perYear: 1100, minutes: 20, peak2024: false, stadskantoorOnly: true },
  { kind: 'marriage_notice', perYear: 450, minutes: 30, peak2024: false, stadskantoorOnly: true },
  { kind: 'certificate_extract', perYear: 900, minutes: 10, peak2024: false, stadskantoorOnly: false },
];

const SEASON = [0.8, 0.85, 1.05, 1.15, 1.25, 1.2, 1.05, 0.8, 0.95, 1, 0.95, 0.75];
const WEEKDAY = [1.2, 1.05, 1, 1.1, 0.9, 0.8];
/** When people book (local hour). */
const BOOKING_HOURS = new WeightedTable([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22].map((hr, i) => [hr, [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2.5, 2.5, 3, 3, 2.5, 1.5][i] as number] as const));

export function* generateAppointments(seed: number, scale: number, work: WorkCalendar): Generator<AppointmentRow> {
  const counts = Random.stream(seed, 'appointment-counts');
  const rng = Random.stream(seed, 'appointment-details');
  const shares = new Map(OFFICES.map((o) => [o, dailyShares(o, work, WEEKDAY, SEASON)] as const));
  let id = 0;
  for (let day = EVENTS_FIRST_DAY; day <= EVENTS_LAST_DAY; day++) {
    const year = civilFromDay(day).year;
    const planned: { kind: AppointmentKind; office: Office; second: number }[] = [];
    for (const office of OFFICES) {
      const hours = openingHours(office, day, work);
      const share = (shares.get(office) as Float64Array)[day - EVENTS_FIRST_DAY] as number;
      if (!hours || share === 0) continue;
      for (const kind of KINDS) {
        if (kind.stadskantoorOnly && office !== 'Stadskantoor') continue;
        const officeShare = kind.stadskantoorOnly ? 1 : OFFICE_SHARE[office];
        const mean = kind.perYear * (kind.peak2024 && year === 2024 ? 1.2 : 1) * officeShare * share * scale;
        for (let n = counts.poisson(mean); n > 0; n--) {
          const slot = pickSlot(rng, hours, 600, 1.5);
          if (slot !== null && slot + kind.minutes * 60 <= hours[1]) planned.push({ kind, office, second: slot });
        }
      }
    }
    planned.sort((a, b) => a.second - b.second);

    for (const { kind, office, second } of planned) {
      const scheduledMs = amsterdamLocalToUtcMs(day, second);
      const leadDays = Math.min(60, Math.floor(rng.logNormal(5, 1)));
      const bookingHour = BOOKING_HOURS.pick(rng) * 3600 + rng.int(0, 3599);
      const bookedSecond = leadDays === 0 ? Math.max(0, second - rng.int(1800, 4 * 3600)) : bookingHour;
      const bookedMs = amsterdamLocalToUtcMs(day - leadDays, bookedSecond);
      const cancelled = rng.chance(0.05 + (leadDays > 14 ? 0.05 : 0));
      const noShow = !cancelled && rng.chance(0.065 + (leadDays > 10 ? 0.03 : 0) + (isoWeekday(day) === 1 ? 0.01 : 0));
      yield {
        appointment_id: ++id,
        location: office,
        kind: kind.kind,
        booked_at: formatUtc(Math.min(bookedMs, scheduledMs - 1_800_000)),
        scheduled_at: formatUtc(scheduledMs),
        duration_minutes: kind.minutes,
        status: cancelled ? 'cancelled' : noShow ? 'no_show' : 'attended',
      };
    }
  }
}
