// Public holidays from the date-holidays library (maintained rules for ~200 countries, any year),
// so a policy names its country instead of listing dates that run out. Pure computation: the
// library derives each year's dates from rules (Easter, "third Monday", substitutes), no I/O.
import Holidays from 'date-holidays';

/** Whose public holidays a policy's business days skip. */
export interface HolidayCalendar {
  /** ISO 3166-1 alpha-2 country code, e.g. "US", "DE". */
  country: string;
  /** State or province code where holidays differ within the country, e.g. "BE" for Berlin. */
  state?: string;
  /** Region code within the state, where the library distinguishes one. */
  region?: string;
}

const lookups = new Map<string, Holidays>();
const yearDates = new Map<string, ReadonlySet<string>>();

function calendarKey(calendar: HolidayCalendar): string {
  return [calendar.country, calendar.state ?? '', calendar.region ?? ''].join('/');
}

function lookup(calendar: HolidayCalendar): Holidays {
  const key = calendarKey(calendar);
  let holidays = lookups.get(key);
  if (!holidays) {
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

/** The public holidays of one year, as local ISO dates (YYYY-MM-DD), substitute days included. */
export function publicHolidays(calendar: HolidayCalendar, year: number): ReadonlySet<string> {
  const key = `${calendarKey(calendar)}@${year}`;
  let dates = yearDates.get(key);
  if (!dates) {
    dates = new Set(
      lookup(calendar)
        .getHolidays(year)
        .filter((holiday) => holiday.type === 'public')
        .map((holiday) => holiday.date.slice(0, 10)),
    );
    yearDates.set(key, dates);
  }
  return dates;
}
