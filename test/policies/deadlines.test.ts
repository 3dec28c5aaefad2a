// Policy clocks in business and calendar days, in the policy's zone, skipping weekends and
// holidays: from a Friday evening, across a holiday, across DST changes and month ends.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { DateTime } from 'luxon';
import {
  PolicySchema,
  addBusinessDays,
  addCalendarDays,
  decisionDeadline,
  decisionTarget,
  disputeWindowEndsAt,
  endOfBusinessDaysAfter,
  endOfCalendarDaysAfter,
  extensionEndsAt,
  incidentCoverEndsAt,
  isBusinessDayAt,
  payoutDeadline,
  presets,
  remediationDeadline,
  type Policy,
} from '../../policies';
import { pinHolidays, publicHolidays, type HolidayCalendar } from '../../policies/holidays';

const berlin = { timeZone: 'Europe/Berlin', holidays: [] as string[] };
const local = (iso: string, zone: string): string =>
  DateTime.fromISO(iso, { zone }).toFormat('ccc yyyy-LL-dd HH:mm ZZ');

describe('policies: deadlines in business and calendar days', () => {
  describe('from a Friday evening (Fri 2025-03-07 19:30 in Berlin)', () => {
    const fridayEvening = '2025-03-07T19:30:00+01:00';
    it('3 business days → Wednesday 19:30 (Saturday and Sunday skipped)', () => {
      const deadline = addBusinessDays(fridayEvening, 3, berlin);
      assert.equal(local(deadline, berlin.timeZone), 'Wed 2025-03-12 19:30 +01:00');
      assert.equal(deadline, '2025-03-12T18:30:00.000Z');
    });
    it('7 business days → Tuesday of the week after next', () => {
      assert.equal(
        local(addBusinessDays(fridayEvening, 7, berlin), berlin.timeZone),
        'Tue 2025-03-18 19:30 +01:00',
      );
    });
    it('the proxy-strict decision deadline (7 business days, UTC) from a Friday evening ends with that Tuesday', () => {
      assert.equal(
        decisionDeadline(
          pinHolidays(presets['proxy-strict'], '2025-01-01T00:00:00Z'),
          '2025-03-07T19:30:00Z',
        ),
        '2025-03-18T23:59:59.999Z',
      );
    });
  });

  it('a clock started on a weekend counts Monday as business day 1', () => {
    assert.equal(
      local(addBusinessDays('2025-03-08T10:00:00+01:00', 1, berlin), berlin.timeZone),
      'Mon 2025-03-10 10:00 +01:00',
    );
  });

  it('zero business days is the start itself', () => {
    assert.equal(addBusinessDays('2025-03-07T19:30:00Z', 0, berlin), '2025-03-07T19:30:00.000Z');
  });

  describe('across holidays', () => {
    const easter = { timeZone: 'Europe/Berlin', holidays: ['2025-04-18', '2025-04-21'] }; // Good Friday, Easter Monday
    it('3 business days from Thursday evening before Easter skip Good Friday, the weekend and Easter Monday', () => {
      assert.equal(
        local(addBusinessDays('2025-04-17T18:00:00+02:00', 3, easter), easter.timeZone),
        'Thu 2025-04-24 18:00 +02:00',
      );
    });
    it('the same start without holidays lands a week earlier in working days', () => {
      assert.equal(
        local(addBusinessDays('2025-04-17T18:00:00+02:00', 3, berlin), berlin.timeZone),
        'Tue 2025-04-22 18:00 +02:00',
      );
    });
    it('presets skip their configured holidays: Christmas to New Year in proxy-strict', () => {
      // Wed 24 Dec 2025 18:00 UTC: 25 Dec and 1 Jan are holidays, so 7 business days end Tue 6 Jan.
      assert.equal(
        decisionDeadline(
          pinHolidays(presets['proxy-strict'], '2025-12-01T00:00:00Z'),
          '2025-12-24T18:00:00Z',
        ),
        '2026-01-06T23:59:59.999Z',
      );
    });
    it("holidays are dates in the policy's zone, not in UTC", () => {
      const tokyo = { timeZone: 'Asia/Tokyo', holidays: ['2025-03-10'] };
      // Fri 2025-03-07 23:30 UTC is already Sat 08:30 in Tokyo; Monday 10 March is a Tokyo holiday.
      assert.equal(
        local(addBusinessDays('2025-03-07T23:30:00Z', 1, tokyo), tokyo.timeZone),
        'Tue 2025-03-11 08:30 +09:00',
      );
    });
  });

  describe('across a DST change', () => {
    it('spring forward in Berlin (30 March 2025): the deadline keeps 18:00 local, one hour less in UTC', () => {
      const deadline = addBusinessDays('2025-03-28T18:00:00+01:00', 3, berlin);
      assert.equal(local(deadline, berlin.timeZone), 'Wed 2025-04-02 18:00 +02:00');
      assert.equal(deadline, '2025-04-02T16:00:00.000Z');
    });
    it('fall back in New York (2 November 2025): Friday 18:00 EDT + 1 business day → Monday 18:00 EST', () => {
      const newYork = { timeZone: 'America/New_York', holidays: [] };
      assert.equal(addBusinessDays('2025-10-31T18:00:00-04:00', 1, newYork), '2025-11-03T23:00:00.000Z');
    });
    it('calendar days keep the local time too: 1 day after Saturday 10:00 CET is Sunday 10:00 CEST (23 hours)', () => {
      assert.equal(addCalendarDays('2025-03-29T10:00:00+01:00', 1, berlin), '2025-03-30T08:00:00.000Z');
    });
    it('a deadline falling in the skipped hour moves forward, never back', () => {
      const deadline = addCalendarDays('2025-03-29T02:30:00+01:00', 1, berlin);
      assert.equal(local(deadline, berlin.timeZone), 'Sun 2025-03-30 03:30 +02:00');
    });
  });

  describe('across a month end', () => {
    it('Thu 30 Jan + 3 business days → Tue 4 Feb', () => {
      assert.equal(
        local(addBusinessDays('2025-01-30T12:00:00+01:00', 3, berlin), berlin.timeZone),
        'Tue 2025-02-04 12:00 +01:00',
      );
    });
    it('Thu 27 Feb 2025 (not a leap year) + 2 business days → Mon 3 Mar', () => {
      assert.equal(
        local(addBusinessDays('2025-02-27T12:00:00+01:00', 2, berlin), berlin.timeZone),
        'Mon 2025-03-03 12:00 +01:00',
      );
    });
    it('Mon 28 Feb 2028 (a leap year) + 1 business day → Tue 29 Feb', () => {
      assert.equal(
        local(addBusinessDays('2028-02-28T12:00:00+01:00', 1, berlin), berlin.timeZone),
        'Tue 2028-02-29 12:00 +01:00',
      );
    });
    it('calendar days across a year end: 31 Dec + 7 days → 7 Jan', () => {
      assert.equal(
        addCalendarDays('2025-12-31T09:00:00Z', 7, { timeZone: 'UTC' }),
        '2026-01-07T09:00:00.000Z',
      );
    });
  });

  it('a business-day policy in another zone computes its decision deadline there', () => {
    const policy: Policy = {
      ...presets['proxy-strict'],
      timeZone: 'America/New_York',
      holidayCalendar: undefined, // its own closing days only
      holidays: ['2025-07-04'],
      decision: { ...presets['proxy-strict'].decision, deadlineDays: 3 },
    };
    // Thu 3 July 2025 17:00 EDT: Fri 4 July is a holiday, so the 3 business days are Mon 7, Tue 8, Wed 9 July.
    assert.equal(
      local(decisionDeadline(policy, '2025-07-03T21:00:00Z'), 'America/New_York'),
      'Wed 2025-07-09 23:59 -04:00',
    );
  });
  describe('DESIGN: days are calendar days in the policy zone — every day-counted clock ends at the end of its last local day', () => {
    it('invoice on 3 March at any hour → "within 7 days" ends 10 March 23:59:59.999 local', () => {
      for (const at of [
        '2025-03-03T00:00:00+01:00',
        '2025-03-03T10:00:00+01:00',
        '2025-03-03T23:59:00+01:00',
      ])
        assert.equal(
          local(endOfCalendarDaysAfter(at, 7, berlin), berlin.timeZone),
          'Mon 2025-03-10 23:59 +01:00',
        );
      assert.equal(
        endOfCalendarDaysAfter('2025-03-03T10:00:00+01:00', 7, berlin),
        '2025-03-10T22:59:59.999Z',
      );
    });
    it('across the spring DST change the day still ends at 23:59:59.999 local (one hour earlier in UTC)', () => {
      assert.equal(
        endOfCalendarDaysAfter('2025-03-28T12:00:00+01:00', 3, berlin),
        '2025-03-31T21:59:59.999Z',
      );
    });
    it('the local date decides, not the UTC one: 23:30 UTC on 2 March is already 3 March in Tokyo', () => {
      assert.equal(
        local(endOfCalendarDaysAfter('2025-03-02T23:30:00Z', 1, { timeZone: 'Asia/Tokyo' }), 'Asia/Tokyo'),
        'Tue 2025-03-04 23:59 +09:00',
      );
    });
    it('business-day deadlines end at the end of the Nth business day', () => {
      assert.equal(
        local(endOfBusinessDaysAfter('2025-03-07T19:30:00+01:00', 3, berlin), berlin.timeZone),
        'Wed 2025-03-12 23:59 +01:00',
      );
    });
    it('remediation, payout, dispute and extension deadlines all end with their day', () => {
      const policy = presets['proxy-strict'];
      assert.equal(remediationDeadline(policy, '2025-03-04T08:00:00Z'), '2025-03-19T23:59:59.999Z');
      assert.equal(
        payoutDeadline(policy, { requestedAt: '2025-03-04T08:00:00Z', approvedAt: '2025-03-05T23:00:00Z' }),
        '2025-03-19T23:59:59.999Z',
      );
      assert.equal(disputeWindowEndsAt(policy, '2025-03-04T08:00:00Z'), '2025-04-03T23:59:59.999Z');
      assert.equal(extensionEndsAt(policy, '2025-03-04T08:00:00Z', 7), '2025-03-11T23:59:59.999Z');
    });
    it('the incident cover of a one-time order: 30 days of service from the purchase; a subscription: its billing period', () => {
      const policy = presets['proxy-strict'];
      const purchasedAt = '2025-03-03T10:00:00Z';
      assert.equal(
        incidentCoverEndsAt(policy, { purchasedAt, billing: { kind: 'one_time' } }),
        '2025-04-02T23:59:59.999Z',
      );
      const billing = {
        kind: 'subscription' as const,
        periodStart: purchasedAt,
        periodEnd: '2025-06-03T10:00:00Z',
      };
      assert.equal(incidentCoverEndsAt(policy, { purchasedAt, billing }), '2025-06-03T10:00:00.000Z');
      assert.equal(
        incidentCoverEndsAt(presets['usage-prorata'], { purchasedAt, billing: { kind: 'one_time' } }),
        undefined,
      );
    });
  });

  describe('public holidays of the policy country, in any year (date-holidays), pinned into the case at its start', () => {
    const base = presets['proxy-strict'];
    /** A policy with this zone and holiday calendar, its holidays pinned from `from`. */
    const pinnedAt = (
      from: string,
      holidayCalendar: HolidayCalendar = { country: 'US' },
      timeZone = 'America/New_York',
      holidays: string[] = [],
    ) => pinHolidays({ ...base, timeZone, holidayCalendar, holidays }, from);
    it('Thanksgiving 2031 (Thu 27 Nov) is skipped: Wed + 1 business day → Fri', () => {
      const us = pinnedAt('2031-01-15T12:00:00Z');
      assert.equal(
        local(endOfBusinessDaysAfter('2031-11-26T12:00:00-05:00', 1, us), us.timeZone),
        'Fri 2031-11-28 23:59 -05:00',
      );
    });
    it('the presets skip US public holidays after 2028 too: Mon 24 Dec 2029 + 3 business days → Fri 28 Dec (Christmas skipped)', () => {
      assert.equal(
        decisionTarget(pinHolidays(base, '2029-06-01T00:00:00Z'), '2029-12-24T12:00:00Z'),
        '2029-12-28T23:59:59.999Z',
      );
    });
    it('a state calendar: Berlin keeps International Women’s Day (8 March), the rest of Germany does not', () => {
      const at = '2027-01-01T00:00:00+01:00';
      const berlinState = pinnedAt(at, { country: 'DE', state: 'BE' }, 'Europe/Berlin');
      const germany = pinnedAt(at, { country: 'DE' }, 'Europe/Berlin');
      assert.equal(isBusinessDayAt('2027-03-08T10:00:00+01:00', berlinState), false);
      assert.equal(isBusinessDayAt('2027-03-08T10:00:00+01:00', germany), true);
    });
    it('extra closing days add to the public holidays', () => {
      const at = '2031-01-15T12:00:00Z';
      assert.equal(isBusinessDayAt('2031-11-25T12:00:00-05:00', pinnedAt(at)), true);
      assert.equal(
        isBusinessDayAt(
          '2031-11-25T12:00:00-05:00',
          pinnedAt(at, { country: 'US' }, 'America/New_York', ['2031-11-25']),
        ),
        false,
      );
    });
    it('a case pins the purchase year and the two after; pinning is pure, and pinning again adds only new years', () => {
      const pinned = pinHolidays(base, '2026-05-01T00:00:00Z');
      assert.deepEqual(pinned.holidaysPinned, { fromYear: 2026, toYear: 2028 });
      assert.ok(
        pinned.holidays.includes('2026-07-03'),
        'Independence Day 2026 (a Saturday) observed on Friday 3 July',
      );
      assert.ok(pinned.holidays.includes('2028-11-23'), 'Thanksgiving 2028');
      assert.ok(!pinned.holidays.some((d) => d.startsWith('2029')));
      assert.deepEqual(pinHolidays(base, '2026-05-01T00:00:00Z'), pinned);
      assert.deepEqual(pinHolidays(pinned, '2026-12-01T00:00:00Z'), pinned);
      assert.deepEqual(pinHolidays(pinned, '2027-02-01T00:00:00Z').holidaysPinned, {
        fromYear: 2026,
        toYear: 2029,
      });
      assert.deepEqual(
        PolicySchema.parse(pinned),
        pinned,
        'a pinned policy is still a valid policy (it travels as JSON)',
      );
    });
    it('a year worked out once is the same year every time: a caller changing its list changes no other', () => {
      const first = publicHolidays({ country: 'DE', state: 'BE' }, 2027);
      assert.ok(first.includes('2027-03-08'), 'International Women’s Day is a public holiday in Berlin');
      assert.ok(
        !publicHolidays({ country: 'DE', state: 'BY' }, 2027).includes('2027-03-08'),
        'not in Bavaria',
      );
      first.length = 0;
      const again = publicHolidays({ country: 'DE', state: 'BE' }, 2027);
      assert.ok(again.includes('2027-12-25') && again.includes('2027-03-08'));
      assert.deepEqual(publicHolidays({ country: 'DE', state: 'BE' }, 2027), again);
      assert.notDeepEqual(publicHolidays({ country: 'DE', state: 'BE' }, 2028), again, 'another year');
    });
    it('a year that was never pinned is refused loudly, never counted as if it had no holidays', () => {
      const pinned = pinHolidays(base, '2026-05-01T00:00:00Z');
      assert.throws(
        () => decisionDeadline(pinned, '2030-03-01T12:00:00Z'),
        /public holidays of US in 2030 are not pinned/,
      );
      assert.throws(() => decisionDeadline(base, '2026-03-02T12:00:00Z'), /not pinned/);
      // A policy without a holiday calendar counts only its own closing days.
      const own = { ...base, holidayCalendar: undefined, holidays: ['2030-03-04'] };
      assert.equal(decisionTarget(own, '2030-03-01T12:00:00Z'), '2030-03-07T23:59:59.999Z');
    });
    it('only calendars the library knows can be pinned; the schema checks the code’s form', () => {
      assert.throws(
        () => pinnedAt('2026-01-01T00:00:00Z', { country: 'XX' }),
        /holidayCalendar: .* does not know XX/,
      );
      assert.throws(
        () => pinnedAt('2026-01-01T00:00:00Z', { country: 'DE', state: 'ZZ' }),
        /does not know DE\/ZZ/,
      );
      assert.equal(PolicySchema.safeParse({ ...base, holidayCalendar: { country: 'us' } }).success, false);
    });
  });
});
