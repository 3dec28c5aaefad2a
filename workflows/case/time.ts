// Time arithmetic for the case: ISO instants moved by milliseconds or by calendar days in the
// policy's time zone. Pure; the workflow's clock is handed in (Clock), never read here.
import { addCalendarDays } from '../../policies/calendar';

export type Clock = () => number;

export const DAY_MS = 24 * 60 * 60_000;

export function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

export function plusMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/**
 * The same local wall-clock time `days` calendar days later in the policy's time zone: across a
 * DST change a day is 23 or 25 hours, never a fixed 24 (policies/calendar, as the policy clocks).
 */
export function plusDays(iso: string, days: number, calendar: { timeZone: string }): string {
  return addCalendarDays(iso, days, calendar);
}
