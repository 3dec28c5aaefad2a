// Policy clocks in business and calendar days, in the policy's zone, skipping weekends and
// holidays: from a Friday evening, across a holiday, across DST changes and month ends.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { DateTime } from 'luxon';
import { addBusinessDays, addCalendarDays, decisionDeadline, presets, type Policy } from '../../policies';

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
    it('the proxy-strict decision deadline (7 business days, UTC) from a Friday evening', () => {
      assert.equal(
        decisionDeadline(presets['proxy-strict'], '2025-03-07T19:30:00Z'),
        '2025-03-18T19:30:00.000Z',
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
        decisionDeadline(presets['proxy-strict'], '2025-12-24T18:00:00Z'),
        '2026-01-06T18:00:00.000Z',
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
      holidays: ['2025-07-04'],
      decision: { ...presets['proxy-strict'].decision, deadlineDays: 3 },
    };
    // Thu 3 July 2025 17:00 EDT: Fri 4 July is a holiday, so the 3 business days are Mon 7, Tue 8, Wed 9 July.
    assert.equal(
      local(decisionDeadline(policy, '2025-07-03T21:00:00Z'), 'America/New_York'),
      'Wed 2025-07-09 17:00 -04:00',
    );
  });
});
