// Values the five seed texts leave open and that every preset shares.

/**
 * None of the seeds names a jurisdiction or a time zone, so the presets keep their clocks in
 * UTC and skip the holidays observed almost everywhere these sellers operate (New Year's Day,
 * Christmas Day). Both are plain data: set a preset's timeZone and holidays to the seller's.
 */
export const DEFAULT_TIME_ZONE = 'UTC';
export const DEFAULT_HOLIDAYS: string[] = [
  '2025-01-01',
  '2025-12-25',
  '2026-01-01',
  '2026-12-25',
  '2027-01-01',
  '2027-12-25',
  '2028-01-01',
  '2028-12-25',
];

/** Payout limit where a text gives none ("posting time depends on your payment provider", "a reasonable time"). */
export const DEFAULT_PAYOUT_LIMIT_DAYS = 14;
