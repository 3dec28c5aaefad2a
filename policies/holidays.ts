// Public holidays from the date-holidays library (maintained rules for ~200 countries, any year),
// so a policy names its country instead of listing dates that run out. The library (and its
// data for every country) stays out of the workflow bundle: a case pins the dates it needs when
// it starts (pinHolidays), so its deadlines are plain data in its history — immune to a later
// library upgrade — and the workflow's calendar only reads `holidays`. Not exported from
// policies/index.ts for that reason: import it from 'policies/holidays'.
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { Policy } from './policy';

/** Whose public holidays a policy's business days skip. */
export interface HolidayCalendar {
  /** ISO 3166-1 alpha-2 country code, e.g. "US", "DE". */
  country: string;
  /** State or province code where holidays differ within the country, e.g. "BE" for Berlin. */
  state?: string;
  /** Region code within the state, where the library distinguishes one. */
  region?: string;
}

/**
 * Years of public holidays a case pins from its purchase: the purchase year and the two after,
 * more than a case lives (its clocks end within about a year of the purchase).
 */
export const PINNED_HOLIDAY_YEARS = 3;

const lookups = new Map<string, Holidays>();

function calendarKey(calendar: HolidayCalendar): string {
  return [calendar.country, calendar.state ?? '', calendar.region ?? ''].join('/');
}

function lookup(calendar: HolidayCalendar): Holidays {
  const key = calendarKey(calendar);
  let holidays = lookups.get(key);
  if (!holidays) {
    if (!isKnownHolidayCalendar(calendar))
      throw new RangeError(`holidayCalendar: the date-holidays library does not know ${key}`);
    // Only public holidays close a business; bank, school and observance days do not.
    const options = { types: ['public' as const] };
    holidays =
      calendar.region !== undefined && calendar.state !== undefined
        ? new Holidays(calendar.country, calendar.state, calendar.region, options)
        : calendar.state !== undefined
          ? new Holidays(calendar.country, calendar.state, options)
          : new Holidays(calendar.country, options);
    lookups.set(key, holidays);
  }
  return holidays;
}

/** Whether the library knows this country (and state and region, when given). */
export function isKnownHolidayCalendar(calendar: HolidayCalendar): boolean {
  const names = new Holidays();
  if (!Object.hasOwn(names.getCountries(), calendar.country)) return false;
  if (calendar.state === undefined) return calendar.region === undefined;
  if (!Object.hasOwn(names.getStates(calendar.country) ?? {}, calendar.state)) return false;
  return (
    calendar.region === undefined ||
    Object.hasOwn(names.getRegions(calendar.country, calendar.state) ?? {}, calendar.region)
  );
}

/**
 * A year's dates per calendar. The library works a year out from its rules afresh on every call
 * (~5 ms), and every case start pins three years (issue 15: ~15 ms of the API's CPU per start);
 * the dates of a year never change for a given library version. Bounded: the oldest year goes first.
 */
const yearsWorkedOut = new Map<string, readonly string[]>();
const YEARS_KEPT = 1_000;

/** The public holidays of one year, as local ISO dates (YYYY-MM-DD), substitute days included. */
export function publicHolidays(calendar: HolidayCalendar, year: number): string[] {
  const key = `${calendarKey(calendar)}:${year}`;
  let dates = yearsWorkedOut.get(key);
  if (!dates) {
    const all = lookup(calendar)
      .getHolidays(year)
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => holiday.date.slice(0, 10));
    dates = [...new Set(all)].sort();
    if (yearsWorkedOut.size >= YEARS_KEPT) yearsWorkedOut.delete(yearsWorkedOut.keys().next().value!);
    yearsWorkedOut.set(key, dates);
  }
  return [...dates];
}

/**
 * The policy with the public holidays of its `holidayCalendar` written into `holidays` for the
 * local year of `from` and the `years - 1` after it (and any years pinned before), recorded in
 * `holidaysPinned`. A policy without a holiday calendar is returned as it is. Pure: the same
 * policy and `from` always pin the same dates.
 */
export function pinHolidays<P extends Policy>(policy: P, from: string, years = PINNED_HOLIDAY_YEARS): P {
  const calendar = policy.holidayCalendar;
  if (!calendar) return policy;
  const first = DateTime.fromISO(from, { zone: policy.timeZone }).year;
  if (!Number.isInteger(first)) throw new RangeError(`from: not an ISO 8601 date or time: ${from}`);
  const fromYear = Math.min(policy.holidaysPinned?.fromYear ?? first, first);
  const toYear = Math.max(policy.holidaysPinned?.toYear ?? first + years - 1, first + years - 1);
  const dates = new Set(policy.holidays);
  for (let year = fromYear; year <= toYear; year++)
    for (const date of publicHolidays(calendar, year)) dates.add(date);
  return { ...policy, holidays: [...dates].sort(), holidaysPinned: { fromYear, toYear } };
}

/**
 * Whether any of the policy's clocks counts business days, the only reader of `holidays`
 * (policies/clocks.ts: the decision clock and its target, by `decision.businessDays`; every other
 * clock counts calendar days). A case under a policy that never does needs no pinned holidays.
 */
export function countsBusinessDays(policy: Pick<Policy, 'decision'>): boolean {
  return policy.decision.businessDays;
}
