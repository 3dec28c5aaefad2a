// Wall-clock time in an IANA zone, for the policy calendar (calendar.ts), without luxon: luxon
// weighed 263 KB of the workflow bundle and ran in every case's first task (issue 15).
//
// The zone's offsets come from @date-fns/tz (`tzOffset`, over Intl). Turning a local time back
// into an instant is luxon's rule, step for step, because recorded histories hold deadlines
// computed with it: the local time is tried with the offset it had before the change (so a day
// added across a DST overlap stays on the side it came from), and a time in a DST gap moves
// forward by the gap. (One difference: a local time read without an offset that the zone has
// twice, see parseIso.) TZDate's setters resolve those times otherwise (the end of a day in
// America/Santiago, whose clocks change at midnight, lands an hour early) and consult the host's
// own zone, which workflow code must not.
// The module itself: the package's index would bring TZDate and the rest into the bundle.
import { tzOffset } from '@date-fns/tz/tzOffset';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** An instant and its UTC offset (minutes) in `timeZone`. */
export interface Zoned {
  readonly ms: number;
  readonly offset: number;
  readonly timeZone: string;
}

/**
 * Zones Intl has accepted in this process. Asking Intl means building a DateTimeFormat, which cost
 * ~1 ms of the workflow thread per paid case (every zoned reading checks its zone; throughput
 * profile, issue 15). Intl's answer for a name never changes within a process, so the memo cannot
 * make two workflows differ; it holds at most the IANA zones, and a refused name is asked again.
 */
const knownZones = new Set<string>();

/** Whether Intl knows the zone (the test luxon's IANAZone.isValidZone made). */
export function isValidZoneName(timeZone: string): boolean {
  if (!timeZone) return false;
  if (knownZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format();
    knownZones.add(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function offsetAt(timeZone: string, ms: number): number {
  return tzOffset(timeZone, new Date(ms));
}

export function zonedAt(ms: number, timeZone: string): Zoned {
  return { ms, offset: offsetAt(timeZone, ms), timeZone };
}

/** Milliseconds since the epoch of the wall-clock time, read as if it were UTC. */
const localMs = (z: Zoned): number => z.ms + z.offset * MINUTE_MS;

/**
 * The instant of a wall-clock time (as UTC milliseconds), trying `guess` as its offset first
 * (luxon's fixOffset): an ambiguous time keeps the guess's side, a skipped one moves forward.
 */
export function fromLocal(local: number, guess: number, timeZone: string): Zoned {
  let utc = local - guess * MINUTE_MS;
  const o2 = offsetAt(timeZone, utc);
  if (o2 === guess) return { ms: utc, offset: guess, timeZone };
  utc -= (o2 - guess) * MINUTE_MS;
  const o3 = offsetAt(timeZone, utc);
  if (o2 === o3) return { ms: utc, offset: o2, timeZone };
  return { ms: local - Math.min(o2, o3) * MINUTE_MS, offset: Math.max(o2, o3), timeZone };
}

/** The same wall-clock time `days` local days later; a fraction of a day is added as elapsed time. */
export function plusDays(z: Zoned, days: number): Zoned {
  if (!Number.isFinite(days)) throw new RangeError(`days must be a finite number, got ${days}`);
  const whole = Math.trunc(days);
  const moved = fromLocal(localMs(z) + whole * DAY_MS, z.offset, z.timeZone);
  const rest = (days - whole) * DAY_MS;
  return rest === 0 ? moved : zonedAt(moved.ms + rest, z.timeZone);
}

/** The given wall-clock time of day (milliseconds after local midnight) on `z`'s local date. */
export function atTimeOfDay(z: Zoned, msOfDay: number): Zoned {
  const local = localMs(z);
  return fromLocal(local - mod(local, DAY_MS) + msOfDay, z.offset, z.timeZone);
}

/** Milliseconds since local midnight of the wall-clock time. */
export const msOfDay = (z: Zoned): number => mod(localMs(z), DAY_MS);

export const startOfDay = (z: Zoned): Zoned => atTimeOfDay(z, 0);

/** The last millisecond before the next local day starts (luxon's endOf('day')). */
export const endOfDay = (z: Zoned): Zoned => zonedAt(startOfDay(plusDays(z, 1)).ms - 1, z.timeZone);

/** ISO weekday of the local date: 1 = Monday … 7 = Sunday. */
export const isoWeekday = (z: Zoned): number => new Date(localMs(z)).getUTCDay() || 7;

export const localYear = (z: Zoned): number => new Date(localMs(z)).getUTCFullYear();

/** The local date, YYYY-MM-DD. */
export const isoDate = (z: Zoned): string => new Date(localMs(z)).toISOString().split('T')[0]!;

const mod = (n: number, m: number): number => ((n % m) + m) % m;

// ISO 8601 calendar dates with an optional time and offset, extended or basic form (luxon's
// grammar for them). Week dates, ordinal dates, bare times and bracketed zone names, which luxon
// also read and no schema of ours admits, are refused.
const ISO =
  /^([+-]\d{6}|\d{4})(?:-?(\d\d)(?:-?(\d\d))?)?(?:[Tt](\d\d)(?::?(\d\d)(?::?(\d\d)(?:[.,](\d{1,30}))?)?)?(?:([Zz])|([+-]\d\d)(?::?(\d\d))?)?)?$/;

const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(2001, month, 0)).getUTCDate() + (month === 2 && isLeap(year) ? 1 : 0);
const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const outOfRange = (unit: string, value: number): string =>
  `you specified ${value} (of type number) as a ${unit}, which is invalid`;

/** Why the fields are no date or time, or undefined (luxon's range checks, in its order). */
function invalidFields(f: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}): string | undefined {
  if (f.month < 1 || f.month > 12) return outOfRange('month', f.month);
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) return outOfRange('day', f.day);
  const midnightAfter = f.hour === 24 && f.minute === 0 && f.second === 0 && f.millisecond === 0;
  if ((f.hour < 0 || f.hour > 23) && !midnightAfter) return outOfRange('hour', f.hour);
  if (f.minute < 0 || f.minute > 59) return outOfRange('minute', f.minute);
  if (f.second < 0 || f.second > 59) return outOfRange('second', f.second);
  return undefined;
}

/**
 * Reads an ISO 8601 instant, or a date or local time read in `timeZone`. A local time the zone
 * has twice (its clocks went back over it) is the first of the two: the offset tried first is the
 * larger of the two around it. (luxon tried the zone's offset at the moment of reading, so such a
 * time read in summer and in winter gave two instants; policies read no clock.) Throws a
 * RangeError naming the value.
 */
export function parseIso(iso: string, timeZone: string): Zoned {
  const bad = (why: string) => new RangeError(`not an ISO 8601 date or time: ${iso} (${why})`);
  const m = typeof iso === 'string' ? ISO.exec(iso) : null;
  if (!m) throw bad(`the input "${iso}" can't be parsed as ISO 8601`);
  if (!isValidZoneName(timeZone)) throw bad(`the zone "${timeZone}" is not supported`);
  const int = (s: string | undefined, fallback: number) => (s === undefined ? fallback : parseInt(s, 10));
  const fields = {
    year: int(m[1], 0),
    month: int(m[2], 1),
    day: int(m[3], 1),
    hour: int(m[4], 0),
    minute: int(m[5], 0),
    second: int(m[6], 0),
    millisecond: m[7] === undefined ? 0 : Math.floor(parseFloat(`0.${m[7]}`) * 1000),
  };
  const invalid = invalidFields(fields);
  if (invalid) throw bad(invalid);
  const date = new Date(0);
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour, fields.minute, fields.second, fields.millisecond);
  const local = date.getTime();
  if (m[8] !== undefined || m[9] !== undefined) {
    const hours = m[9] === undefined ? 0 : parseInt(m[9], 10);
    const minutes = m[10] === undefined ? 0 : parseInt(m[10], 10);
    const offset = hours * 60 + (hours < 0 || Object.is(hours, -0) ? -minutes : minutes);
    return zonedAt(local - offset * MINUTE_MS, timeZone);
  }
  const around = Math.max(offsetAt(timeZone, local - DAY_MS), offsetAt(timeZone, local + DAY_MS));
  return fromLocal(local, around, timeZone);
}
