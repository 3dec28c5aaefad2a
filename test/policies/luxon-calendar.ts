// The oracle of test/policies/calendar-oracle.test.ts: policies/calendar.ts as it was with luxon
// (main 1eb2661), before the workflow lost luxon (issue 15). Kept verbatim so the rewrite is
// checked against what recorded histories were computed with.
//
// Calendar arithmetic for policy clocks, done by luxon in the policy's IANA time zone.
//
// Days are calendar days in the policy's zone (DESIGN.md "More readings"): "within N days of X"
// ends at the end of the Nth day after X's local date, whatever the hour of X, so an invoice on
// 3 March at any hour is open to requests until 10 March 23:59:59.999 local. Business-day clocks
// end at the end of the Nth business day (neither a weekend day nor a closing day: a public
// holiday of the policy's country pinned into `holidays`, or the seller's own). Stepping local
// dates (never 24-hour spans) keeps DST changes from moving a deadline by an hour.
import { DateTime, IANAZone } from 'luxon';
import type { HolidayCalendar } from '../../policies/holidays';

/** The calendar a policy's clocks run on. */
export interface PolicyCalendar {
  /** IANA zone name, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Closing days as ISO dates (YYYY-MM-DD) in that zone: pinned public holidays and the seller's own. */
  holidays: readonly string[];
  /** Whose public holidays apply; their dates must be pinned into `holidays` (pinHolidays). */
  holidayCalendar?: HolidayCalendar;
  /** The years whose public holidays `holidays` lists. */
  holidaysPinned?: { fromYear: number; toYear: number };
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

/** The same local wall-clock time `days` calendar days later (for durations that are not deadlines). */
export function addCalendarDays(
  iso: string,
  days: number,
  calendar: Pick<PolicyCalendar, 'timeZone'>,
): string {
  return toInstant(toZoned(iso, calendar.timeZone).plus({ days }));
}

/**
 * The end of the `days`th calendar day after `iso`'s local date (23:59:59.999 local): the
 * deadline of "within N days of X". Zero days is the end of X's own day.
 */
export function endOfCalendarDaysAfter(
  iso: string,
  days: number,
  calendar: Pick<PolicyCalendar, 'timeZone'>,
): string {
  if (!Number.isInteger(days) || days < 0)
    throw new RangeError(`days must be a non-negative integer, got ${days}`);
  return toInstant(toZoned(iso, calendar.timeZone).startOf('day').plus({ days }).endOf('day'));
}

export function isHoliday(day: DateTime, calendar: PolicyCalendar): boolean {
  const local = day.setZone(calendar.timeZone);
  if (calendar.holidays.includes(local.toISODate() ?? '')) return true;
  // A year whose public holidays were never pinned would silently count them as business days.
  const pinned = calendar.holidaysPinned;
  if (calendar.holidayCalendar && !(pinned && local.year >= pinned.fromYear && local.year <= pinned.toYear))
    throw new RangeError(
      `the public holidays of ${calendar.holidayCalendar.country} in ${local.year} are not pinned into this policy: ` +
        'pin them with pinHolidays(policy, from) (RefundCases.start does) before counting business days',
    );
  return false;
}

export function isBusinessDay(day: DateTime, calendar: PolicyCalendar): boolean {
  const local = day.setZone(calendar.timeZone);
  return local.weekday !== SATURDAY && local.weekday !== SUNDAY && !isHoliday(local, calendar);
}

/** Whether an ISO instant falls on a business day in the calendar's zone. */
export function isBusinessDayAt(iso: string, calendar: PolicyCalendar): boolean {
  return isBusinessDay(toZoned(iso, calendar.timeZone), calendar);
}

/** The local start of the `days`th business day after `iso`'s local date (the start day never counts). */
function nthBusinessDay(iso: string, days: number, calendar: PolicyCalendar): DateTime {
  if (!Number.isInteger(days) || days < 0)
    throw new RangeError(`business days must be a non-negative integer, got ${days}`);
  let date = toZoned(iso, calendar.timeZone).startOf('day');
  let counted = 0;
  while (counted < days) {
    date = date.plus({ days: 1 });
    if (isBusinessDay(date, calendar)) counted++;
  }
  return date;
}

/**
 * The same local time on the `days`th business day after `iso`'s local date. The day the clock
 * starts never counts, so a request complete on Friday evening gets Monday as business day 1.
 */
export function addBusinessDays(iso: string, days: number, calendar: PolicyCalendar): string {
  const start = toZoned(iso, calendar.timeZone);
  const deadline = nthBusinessDay(iso, days, calendar).set({
    hour: start.hour,
    minute: start.minute,
    second: start.second,
    millisecond: start.millisecond,
  });
  return toInstant(deadline);
}

/**
 * The end of the `days`th business day after `iso`'s local date (23:59:59.999 local): the
 * deadline of "within N business days". Zero days is the end of the start's own day.
 */
export function endOfBusinessDaysAfter(iso: string, days: number, calendar: PolicyCalendar): string {
  return toInstant(nthBusinessDay(iso, days, calendar).endOf('day'));
}

/** The end of the `days`th calendar or business day after `iso`, per the flag. */
export function endOfDaysAfter(
  iso: string,
  days: number,
  businessDays: boolean,
  calendar: PolicyCalendar,
): string {
  return businessDays
    ? endOfBusinessDaysAfter(iso, days, calendar)
    : endOfCalendarDaysAfter(iso, days, calendar);
}
