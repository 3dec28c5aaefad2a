// Continue-as-new hands the whole case to the next run (workflows/case/carry.ts), without Temporal:
// a case carried through JSON (as the run's input is) is the same case — every field, the effect
// queue with its failures and retry times, the decision clock, seen keys — and goes on the same way.
import assert from 'node:assert/strict';
import { getPreset, type Order } from '../../policies';
import { pinHolidays } from '../../policies/holidays';
import { carry, restore } from '../../workflows/case/carry';
import { nextWakeAt, standingDeadlines } from '../../workflows/case/deadlines';
import { routeRetryableFailure } from '../../workflows/case/effect-queue';
import { CaseModel } from '../../workflows/case/model';
import { startPayout } from '../../workflows/case/payout';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');

function model(clock: { ms: number }) {
  const policy = pinHolidays(getPreset('usage-prorata')!, new Date(T0).toISOString());
  const order = {
    orderId: 'o-1',
    customerId: 'c-1',
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 1000,
    currency: 'USD',
    promoCreditMinor: 0,
    purchasedAt: new Date(T0).toISOString(),
    billing: { kind: 'one_time' },
    quota: { unit: 'requests', included: 10_000 },
  } as Order;
  return {
    input: { policy, order, fingerprint: 'f' },
    m: new CaseModel({ policy, order, fingerprint: 'f' }, 'refund-case-o-1', () => clock.ms),
  };
}

describe('continue-as-new carries the case (pure)', () => {
  it('a case carried through JSON is the same case, and its queue goes on where it stood', () => {
    const clock = { ms: T0 };
    const { m, input } = model(clock);
    m.longLived = true;
    m.state.request = { reason: 'changed_mind', requestedAt: m.now() };
    m.record('refund_requested', 'Refund requested');
    m.startDecisionClock();
    m.setStatus('approved');
    startPayout(m, 1000);
    const payout = m.effects.find((e) => e.kind === 'payout')!;
    routeRetryableFailure(payout, clock.ms, 'Outage: down');
    m.firstSight('paymentUpdate:evt_1');
    m.refusedSignals = 3;
    m.payoutLimitFired = true;

    const carried = JSON.parse(JSON.stringify(carry(m)));
    const next = new CaseModel(input, 'refund-case-o-1', () => clock.ms);
    restore(next, carried);

    assert.deepEqual(next.state, m.state);
    assert.deepEqual(next.effects, m.effects);
    assert.equal(next.effects[0]!.failures, 1, 'the failed try is remembered');
    assert.deepEqual(next.decisionClock, m.decisionClock);
    assert.equal(next.firstSight('paymentUpdate:evt_1'), false, 'a seen event stays a repeat');
    assert.equal(next.refusedSignals, 3);
    assert.equal(next.payoutLimitFired, true);
    assert.equal(next.runs, 2);
    assert.equal(next.longLived, true);
    assert.equal(nextWakeAt(next), nextWakeAt(m));
    assert.deepEqual(standingDeadlines(next), standingDeadlines(m));
    // Effect ids stay unique across runs.
    const queued = next.queue({ kind: 'assess' });
    assert.ok(!m.effects.some((e) => e.id === queued.id), queued.id);
  });

  it('keys the restored state dropped are gone, not left over from the constructor', () => {
    const clock = { ms: T0 };
    const { m, input } = model(clock);
    const carried = JSON.parse(JSON.stringify(carry(m)));
    delete carried.state.productId;
    carried.state.deadlines = { requestWindowEndsAt: m.state.deadlines.requestWindowEndsAt };
    const next = new CaseModel(
      { ...input, order: { ...input.order, productId: 'p' } as Order },
      'refund-case-o-1',
      () => clock.ms,
    );
    restore(next, carried);
    assert.equal('productId' in next.state, false);
    assert.deepEqual(next.state.deadlines, carried.state.deadlines);
  });
});
