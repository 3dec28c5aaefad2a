// The simulation's frame: 400 Gregorian years later, the calendar is the same day for day, so the
// policy's weekdays, holidays and day boundaries fall where they would have in the scenario's year.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CYCLE_MS, Frame } from '../../client/simulate';
import { decisionDeadline, getPreset } from '../../policies';
import { pinHolidays } from '../../policies/holidays';
import { order, run } from './support';

describe('case simulate: the 400-year frame', function () {
  this.timeout(300_000);

  it('moves every instant to the same date, time and weekday, 400 years later', () => {
    const frame = new Frame(1);
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2600-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const moved = new Date(frame.toServer(date.getTime()));
          assert.equal(moved.getUTCFullYear(), date.getUTCFullYear() + 400);
          assert.equal(moved.toISOString().slice(4), date.toISOString().slice(4));
          assert.equal(moved.getUTCDay(), date.getUTCDay());
          assert.equal(frame.toScenario(moved.getTime()), date.getTime());
        },
      ),
    );
    assert.equal(CYCLE_MS, 146_097 * 86_400_000);
    assert.equal(frame.isoToServer('2025-12-25'), '2425-12-25');
  });

  it('picks the fewest cycles that put the batch after the server clock, and refuses years past 9999', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    assert.equal(
      Frame.after(now, Date.parse('2025-03-03T10:00:00Z'), Date.parse('2026-04-07T10:00:00Z')).cycles,
      1,
    );
    assert.equal(
      Frame.after(
        Date.parse('2425-05-02T10:00:00Z'),
        Date.parse('2025-03-03T10:00:00Z'),
        Date.parse('2025-05-02T10:00:00Z'),
      ).cycles,
      2,
    );
    assert.throws(
      () => Frame.after(now, Date.parse('2025-03-03T10:00:00Z'), Date.parse('9700-01-01T00:00:00Z')),
      /past the year/,
    );
  });

  it("a business-day deadline across Christmas and New Year skips the policy's holidays as in 2025", async () => {
    // Requested Tuesday 23 December 2025 naming a provider fault: the request is the issue report, and
    // the decision clock starts when remediation runs out (31 December, 00:00): business days
    // 2, 5, 6, 7, 8 January (1 January a holiday).
    const [result] = await run([
      {
        policyId: 'cloud-provider-fault',
        order: order('frame-holidays', {
          purchasedAt: '2025-12-22T10:00:00Z',
          invoicedAt: undefined,
          serviceDate: undefined,
          quota: undefined,
        }),
        events: [{ at: 'P1D', type: 'refund-request', body: { reason: 'provider_fault' } }],
        until: 'P20D',
      },
    ]);
    const expected = decisionDeadline(
      pinHolidays(getPreset('cloud-provider-fault')!, '2025-12-23T10:00:00Z'),
      '2025-12-31T00:00:00.000Z',
    );
    assert.equal(result!.deadlines.decisionDeadline, new Date(expected).toISOString());
    // The end of the fifth business day (calendar days end at local midnight).
    assert.equal(result!.deadlines.decisionDeadline, '2026-01-08T23:59:59.999Z');
  });
});
