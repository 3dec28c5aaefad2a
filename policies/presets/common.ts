// Values the five seed texts leave open and that every preset shares.
import type { HolidayCalendar } from '../holidays';

/**
 * None of the seeds names a jurisdiction or a time zone, so the presets keep their clocks in
 * UTC. Business days skip the public holidays of the United States (the only currency a seed
 * quotes is the dollar, in seed 004), for any year, from the date-holidays library: a case pins
 * the dates of its years when it starts (policies/holidays.ts). A preset's `holidays` adds the
 * seller's own closing days. Set `timeZone` and `holidayCalendar` to the seller's own.
 */
export const DEFAULT_TIME_ZONE = 'UTC';
export const DEFAULT_HOLIDAY_CALENDAR: HolidayCalendar = { country: 'US' };
export const DEFAULT_HOLIDAYS: string[] = [];

/** Payout limit where a text gives none ("posting time depends on your payment provider", "a reasonable time"). */
export const DEFAULT_PAYOUT_LIMIT_DAYS = 14;

/**
 * How long a denial can be disputed where a text gives no time ("Any disputes … should be
 * emailed", "exceptions … reviewed on a case-by-case basis"): 30 calendar days after the denial.
 */
export const DEFAULT_DISPUTE_DAYS = 30;

/**
 * How long a confirmed incident can reach a one-time order (a subscription's reach is its
 * billing period): 30 days of service from the purchase, where the text states none.
 */
export const DEFAULT_ONE_TIME_INCIDENT_COVER_DAYS = 30;
