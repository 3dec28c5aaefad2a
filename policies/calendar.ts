// Calendar arithmetic for policy clocks, done by luxon in the policy's IANA time zone.
// "N days after" keeps the local wall-clock time (so a DST change never shifts a deadline by
// an hour); "N business days after" is the same local time on the Nth following day that is
// neither a weekend day nor a configured holiday.
import { DateTime, IANAZone } from 'luxon';

/** The calendar a policy's clocks run on. */
export interface PolicyCalendar {
  /** IANA zone name, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Public holidays as ISO dates (YYYY-MM-DD) in that zone. */
  holidays: readonly string[];
}

const SATURDAY = 6;
const SUNDAY = 7;

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** Parses an ISO 8601 instant (or a date, read as local midnight) in the given zone. */
export function toZoned(iso: string, timeZone: string): DateTime {
  const parsed = DateTime.fromISO(iso, { zone: timeZone, setZone: false });
  if (!parsed.isValid)
    throw new RangeError(
      `not an ISO 8601 date or time: ${iso} (${parsed.invalidExplanation ?? parsed.invalidReason})`,
    );
  return parsed.setZone(timeZone);
}

/** Canonical output form: an ISO instant in UTC with milliseconds, e.g. 2025-03-04T17:00:00.000Z. */
export function toInstant(value: DateTime): string {
  const iso = value.toUTC().toISO();
  if (!iso) throw new RangeError('invalid date');
  return iso;
}

/** Milliseconds since the epoch of an ISO instant or date (dates read in the given zone). */
export function epochMillis(iso: string, timeZone = 'UTC'): number {
  return toZoned(iso, timeZone).toMillis();
}

export function addCalendarDays(
  iso: string,
  days: number,
  calendar: Pick<PolicyCalendar, 'timeZone'>,
): string {
  return toInstant(toZoned(iso, calendar.timeZone).plus({ days }));
}

export function isHoliday(day: DateTime, calendar: PolicyCalendar): boolean {
  return calendar.holidays.includes(day.setZone(calendar.timeZone).toISODate() ?? '');
}

export function isBusinessDay(day: DateTime, calendar: PolicyCalendar): boolean {
  const local = day.setZone(calendar.timeZone);
  return local.weekday !== SATURDAY && local.weekday !== SUNDAY && !isHoliday(local, calendar);
}

/** Whether an ISO instant falls on a business day in the calendar's zone. */
export function isBusinessDayAt(iso: string, calendar: PolicyCalendar): boolean {
  return isBusinessDay(toZoned(iso, calendar.timeZone), calendar);
}

/**
 * The same local time on the `days`th business day after `iso`'s local date. The day the clock
 * starts never counts, so a request complete on Friday evening gets Monday as business day 1.
 */
export function addBusinessDays(iso: string, days: number, calendar: PolicyCalendar): string {
  if (!Number.isInteger(days) || days < 0)
    throw new RangeError(`business days must be a non-negative integer, got ${days}`);
  const start = toZoned(iso, calendar.timeZone);
  // Step local dates (not 24-hour spans) and re-apply the start's wall-clock time each step,
  // so a DST change in between neither moves the deadline's hour nor skips a date.
  let date = start.startOf('day');
  let counted = 0;
  while (counted < days) {
    date = date.plus({ days: 1 });
    if (isBusinessDay(date, calendar)) counted++;
  }
  const deadline = date.set({
    hour: start.hour,
    minute: start.minute,
    second: start.second,
    millisecond: start.millisecond,
  });
  return toInstant(deadline);
}

/** `days` calendar or business days after `iso`, per the flag. */
export function addDays(iso: string, days: number, businessDays: boolean, calendar: PolicyCalendar): string {
  return businessDays ? addBusinessDays(iso, days, calendar) : addCalendarDays(iso, days, calendar);
}
