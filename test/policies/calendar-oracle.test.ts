// policies/calendar.ts (date-fns/tz offsets, no luxon) against the luxon calendar it replaced
// (./luxon-calendar.ts, the code that computed every recorded deadline): the same instants, the
// same errors, over random instants and the days zones change their clocks. A deadline that
// moved by a millisecond would change a timer in a recorded history (test/replay).
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import fc from 'fast-check';
import * as lean from '../../policies/calendar';
import * as luxon from './luxon-calendar';
import type { PolicyCalendar } from '../../policies/calendar';
import { DateTime, Settings } from 'luxon';

const RUNS = { numRuns: 3000 };
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe', // DST of 30 minutes
  'Pacific/Apia', // skipped 30 Dec 2011; DST until 2021
  'Asia/Kolkata',
  'America/Santiago', // clocks change at midnight: days that start at 01:00 or end twice
  'America/Havana', // midnight changes too
  'Asia/Beirut',
  'Pacific/Chatham',
  'America/St_Johns',
  'Europe/Dublin', // negative DST in the zone database
  'Africa/Casablanca',
  'Antarctica/Troll', // DST of two hours
  'Asia/Tokyo',
];
const FROM = Date.UTC(1971, 0, 1);
const TO = Date.UTC(2440, 0, 1); // the simulation runs 400 years later (test/simulate/frame)

/** The instants each zone changes its offset, 2009–2031 (found by halving each day that does). */
function transitions(zone: string): number[] {
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  const found: number[] = [];
  for (let day = Date.UTC(2009, 0, 1); day < Date.UTC(2032, 0, 1); day += 86_400_000) {
    if (offset(day) === offset(day + 86_400_000)) continue;
    let [lo, hi] = [day, day + 86_400_000];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}
const CHANGES = ZONES.map((zone) => ({ zone, at: transitions(zone) }));

/** A zone and an instant: anywhere in five centuries, or within three days of one of its changes. */
const arbZoned = fc.oneof(
  fc.record({ zone: fc.constantFrom(...ZONES), ms: fc.integer({ min: FROM, max: TO }) }),
  fc
    .record({
      change: fc.constantFrom(...CHANGES.filter((c) => c.at.length > 0)),
      pick: fc.nat(),
      shift: fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
      round: fc.constantFrom(1, 1000, 60_000, 1_800_000, 3_600_000),
    })
    .map(({ change, pick, shift, round }) => ({
      zone: change.zone,
      ms: Math.round((change.at[pick % change.at.length]! + shift) / round) * round,
    })),
);

/**
 * The ways an instant reaches the calendar: UTC (the workflow clock), with its offset, a local
 * date-time, a date; `readAt` is when luxon reads those without an offset (luxonReadingAt).
 */
const arbInput = fc
  .tuple(arbZoned, fc.constantFrom('utc', 'offset', 'local', 'date', 'basic'))
  .map(([{ zone, ms }, form]) => {
    const at = DateTime.fromMillis(ms, { zone });
    const wall = ms + at.offset * 60_000;
    const iso = {
      utc: new Date(ms).toISOString(),
      offset: at.toISO()!,
      local: at.toISO({ includeOffset: false })!,
      date: at.toISODate()!,
      basic: at.toISO({ format: 'basic' })!,
    }[form];
    const local = form === 'local' ? wall : form === 'date' ? wall - (wall % 86_400_000) : undefined;
    return { zone, iso, readAt: luxonReadingAt(zone, local) };
  });

/**
 * luxon read a local time without an offset trying the zone's offset at the moment of reading
 * first, so a time the zone has twice depended on the season it was read in; the calendar takes
 * the first of the two whatever the date. The oracle reads it at a moment that gives that one: a
 * day before or after the local time, whichever has the larger offset.
 */
function luxonReadingAt(zone: string, local: number | undefined): number | undefined {
  if (local === undefined) return undefined;
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  const [before, after] = [local - 86_400_000, local + 86_400_000];
  return offset(before) >= offset(after) ? before : after;
}

/** A start and a day count whose Nth day is a day its zone changes its clocks on (or next to it). */
const arbAimed = fc
  .record({
    change: fc.constantFrom(...CHANGES.filter((c) => c.at.length > 0)),
    pick: fc.nat(),
    days: fc.integer({ min: 0, max: 12 }),
    hours: fc.integer({ min: -36, max: 36 }),
    form: fc.constantFrom<'utc' | 'local'>('utc', 'local'),
  })
  .map(({ change, pick, days, hours, form }) => {
    const ms = change.at[pick % change.at.length]! - days * 86_400_000 + hours * 3_600_000;
    const at = DateTime.fromMillis(ms, { zone: change.zone });
    const iso = form === 'utc' ? new Date(ms).toISOString() : at.toISO({ includeOffset: false })!;
    const readAt = form === 'utc' ? undefined : luxonReadingAt(change.zone, ms + at.offset * 60_000);
    return { zone: change.zone, iso, days, readAt };
  });

const arbCalendar = (zone: string): fc.Arbitrary<PolicyCalendar> =>
  fc.record({
    timeZone: fc.constant(zone),
    holidays: fc.array(
      fc
        .integer({ min: Date.UTC(2009, 0, 1), max: Date.UTC(2032, 0, 1) })
        .map((ms) => new Date(ms).toISOString().slice(0, 10)),
      { maxLength: 40 },
    ),
  });

/** Both give the same value, or both throw the same error (luxon reading at `readAt`, if given). */
function same<T>(run: (impl: typeof lean) => T, label: string, readAt?: number): void {
  const outcome = (impl: typeof lean) => {
    try {
      return { value: run(impl) };
    } catch (error) {
      return { error: `${(error as Error).name}: ${(error as Error).message}` };
    }
  };
  const ours = outcome(lean);
  const now = Settings.now;
  if (readAt !== undefined) Settings.now = () => readAt;
  try {
    assert.deepEqual(ours, outcome(luxon as unknown as typeof lean), label);
  } finally {
    Settings.now = now;
  }
}

describe('policies: the calendar without luxon computes what the luxon calendar did', () => {
  it('epochMillis of every input form, in every zone', () => {
    fc.assert(
      fc.property(arbInput, ({ zone, iso, readAt }) =>
        same((c) => c.epochMillis(iso, zone), `${iso} in ${zone}`, readAt),
      ),
      RUNS,
    );
  });

  it('addCalendarDays: the same wall-clock time, across gaps and overlaps, days back and forth', () => {
    fc.assert(
      fc.property(
        arbInput,
        fc.oneof(fc.integer({ min: -400, max: 400 }), fc.constantFrom(0.5, 1.25, -2.75)),
        ({ zone, iso, readAt }, days) =>
          same(
            (c) => c.addCalendarDays(iso, days, { timeZone: zone }),
            `${iso} + ${days} d in ${zone}`,
            readAt,
          ),
      ),
      RUNS,
    );
  });

  it('endOfCalendarDaysAfter: the end of the Nth local day (and the errors for bad day counts)', () => {
    fc.assert(
      fc.property(
        arbInput,
        fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constantFrom(-1, 1.5, Number.NaN)),
        ({ zone, iso, readAt }, days) =>
          same(
            (c) => c.endOfCalendarDaysAfter(iso, days, { timeZone: zone }),
            `end of ${days} d after ${iso} in ${zone}`,
            readAt,
          ),
      ),
      RUNS,
    );
  });

  it('counts aimed at the days zones change their clocks on: the same ends and the same times', () => {
    fc.assert(
      fc.property(arbAimed, ({ zone, iso, days, readAt }) => {
        const calendar = { timeZone: zone, holidays: [] };
        const label = `${days} d after ${iso} in ${zone}`;
        same((c) => c.endOfCalendarDaysAfter(iso, days, calendar), label, readAt);
        same((c) => c.addCalendarDays(iso, days, calendar), label, readAt);
        same((c) => c.endOfBusinessDaysAfter(iso, Math.floor((days * 5) / 7), calendar), label, readAt);
        same((c) => c.addBusinessDays(iso, Math.floor((days * 5) / 7), calendar), label, readAt);
      }),
      RUNS,
    );
  });

  it('business days: which days count, the same time on the Nth, the end of the Nth', () => {
    fc.assert(
      fc.property(
        arbInput.chain((input) => fc.tuple(fc.constant(input), arbCalendar(input.zone))),
        fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(-1, 2.5)),
        fc.boolean(),
        ([{ iso, readAt }, calendar], days, businessDays) => {
          const label = `${days} business days after ${iso} in ${calendar.timeZone} (${calendar.holidays.length} holidays)`;
          same((c) => c.isBusinessDayAt(iso, calendar), label, readAt);
          same((c) => c.addBusinessDays(iso, days, calendar), label, readAt);
          same((c) => c.endOfBusinessDaysAfter(iso, days, calendar), label, readAt);
          same((c) => c.endOfDaysAfter(iso, days, businessDays, calendar), label, readAt);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a holiday calendar whose years are not pinned fails the same way', () => {
    fc.assert(
      fc.property(
        arbInput,
        fc.integer({ min: 2009, max: 2031 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 12 }),
        ({ zone, iso, readAt }, fromYear, span, days) => {
          const calendar: PolicyCalendar = {
            timeZone: zone,
            holidays: [],
            holidayCalendar: { country: 'DE' },
            holidaysPinned: { fromYear, toYear: fromYear + span },
          };
          same(
            (c) => c.endOfBusinessDaysAfter(iso, days, calendar),
            `${iso} ${zone} pinned ${fromYear}+${span}`,
            readAt,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  // The one difference, on purpose: luxon read such a time with the offset of the moment of
  // reading, so Havana's midnight on the day its clocks go back was 04:00Z read in July and 05:00Z
  // read in January. The calendar reads no clock: the first of the two, in any season.
  it('a local time its zone has twice is the first of the two, whenever it is read', () => {
    const cases = [
      { iso: '2025-11-02', zone: 'America/Havana', first: '2025-11-02T04:00:00.000Z' },
      { iso: '2025-10-26T02:30', zone: 'Europe/Berlin', first: '2025-10-26T00:30:00.000Z' },
      { iso: '2025-04-06T01:45', zone: 'Australia/Lord_Howe', first: '2025-04-05T14:45:00.000Z' },
    ];
    const now = Settings.now;
    try {
      for (const { iso, zone, first } of cases) {
        const read = new Set<string>();
        for (const season of ['2025-01-15T00:00:00Z', '2025-07-15T00:00:00Z']) {
          Settings.now = () => Date.parse(season);
          read.add(new Date(luxon.epochMillis(iso, zone)).toISOString());
          assert.equal(new Date(lean.epochMillis(iso, zone)).toISOString(), first, `${iso} in ${zone}`);
          assert.equal(
            lean.endOfCalendarDaysAfter(iso, 0, { timeZone: zone }),
            luxon.endOfCalendarDaysAfter(iso, 0, { timeZone: zone }),
            'the end of its day is the same either way',
          );
        }
        assert.equal(read.size, 2, `luxon read ${iso} in ${zone} two ways: ${[...read].join(', ')}`);
      }
    } finally {
      Settings.now = now;
    }
  });

  it('bad input: the same RangeError naming the value, the same verdict on zone names', () => {
    const inputs = [
      '',
      'yesterday',
      '2025-13-01',
      '2025-02-29',
      '2024-02-30T10:00:00Z',
      '2025-03-04T24:00:00Z',
      '2025-03-04T24:00:01Z',
      '2025-03-04T23:60:00Z',
      '2025-03-04T10:00:61+01:00',
      '2025-03-04 10:00:00Z',
      '2025-03-04T10:00:00.123456789-03:30',
      '2025-03-04T10:00:00,5+0530',
      '2025-03-04T10Z',
      '20250304T100000Z',
      '+012025-03-04T10:00:00Z',
      '0099-03-04T10:00:00Z',
      '0000-01-01',
      '2025',
      '2025-03',
      '2025-03-04T10:00:00-00:00',
      '2025-03-04T10:00:00+14:00',
      '2025-03-04T10:00:00+99:99',
    ];
    const zones = [
      'Europe/Berlin',
      'europe/berlin',
      'Not/AZone',
      'UTC',
      'utc',
      'Etc/GMT+5',
      '',
      'local',
      'Foo+01',
    ];
    for (const zone of zones) {
      assert.equal(lean.isValidTimeZone(zone), luxon.isValidTimeZone(zone), zone);
      for (const iso of inputs) {
        if (zone === 'local' || zone === 'europe/berlin') continue; // luxon reads 'local' as the host's zone; no policy can name it
        same((c) => c.epochMillis(iso, zone), `${iso} in ${zone}`);
        same((c) => c.endOfCalendarDaysAfter(iso, 3, { timeZone: zone }), `${iso} in ${zone}`);
      }
    }
    assert.throws(() => lean.epochMillis('nonsense', 'UTC'), /not an ISO 8601 date or time: nonsense/);
  });
});
