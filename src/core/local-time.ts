/**
 * Local wall-clock times in the project zone: the offset a wall-clock time has there (what the
 * engine prints on sub-daily times) and whether it exists at all (the hour skipped when clocks go
 * forward). Intl only; no zone database of our own.
 */
/** `2024-03-31 03:30:00` (local wall clock) → `2024-03-31T03:30:00+02:00`. */
export function localDateTimeWithOffset(text: string, timeZone: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!m) return text;
  const [, date, time, frac = '', explicitOffset] = m;
  if (explicitOffset) return `${date}T${time}${frac}${normaliseOffset(explicitOffset)}`;
  return `${date}T${time}${frac}${offsetOfLocalTime(`${date}T${time}`, timeZone)}`;
}

function normaliseOffset(o: string): string {
  if (/^[+-]\d{2}$/.test(o)) return `${o}:00`;
  if (/^[+-]\d{4}$/.test(o)) return `${o.slice(0, 3)}:${o.slice(3)}`;
  return o;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of a wall-clock time in a zone (the earlier offset when the time is ambiguous). */
function offsetOfLocalTime(local: string, timeZone: string): string {
  let fmt = offsetFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, fmt);
  }
  const asUtc = Date.parse(`${local}Z`);
  // The instant is local - offset; try the offsets around it and keep the one that maps back.
  for (const guessMinutes of [offsetMinutesAt(fmt, asUtc - 3 * 3600_000), offsetMinutesAt(fmt, asUtc + 3 * 3600_000)]) {
    const instant = asUtc - guessMinutes * 60_000;
    if (offsetMinutesAt(fmt, instant) === guessMinutes) return formatOffset(guessMinutes);
  }
  return formatOffset(offsetMinutesAt(fmt, asUtc));
}

function offsetMinutesAt(fmt: Intl.DateTimeFormat, instant: number): number {
  const name = fmt.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** The local wall-clock time of an instant as `YYYY-MM-DD HH:MM:SS`. */
export function wallClockAt(instant: number, timeZone: string): string {
  let fmt = wallClockFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    wallClockFormatters.set(timeZone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}:${p['second']}`;
}

/**
 * Whether a wall-clock time `YYYY-MM-DD HH:MM:SS` occurs in the zone: false for the hour skipped
 * when clocks go forward (02:00-02:59 on the last Sunday of March in Europe/Amsterdam).
 */
export function wallClockExists(local: string, timeZone: string): boolean {
  const offset = localDateTimeWithOffset(local, timeZone).slice(19);
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) return true;
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const instant = Date.parse(`${local.replace(' ', 'T')}Z`) - minutes * 60_000;
  return wallClockAt(instant, timeZone) === local;
}
