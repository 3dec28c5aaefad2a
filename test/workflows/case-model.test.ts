// The pure case model (workflows/case/), without Temporal: a hand-set clock, the state, the
// effect queue and its failure routes, the decision clock, the deadlines and what wakes the loop.
import assert from 'node:assert/strict';
import { getPreset, type Order } from '../../policies';
import { pinHolidays } from '../../policies/holidays';
import { fireDueDeadlines, nextWakeAt, standingDeadlines } from '../../workflows/case/deadlines';
import { applyDecision, decideRequest } from '../../workflows/case/decisions';
import {
  ESCALATE_AFTER_MS,
  RETRY_BACKOFF_MS,
  routeRetryableFailure,
} from '../../workflows/case/effect-queue';
import {
  CaseModel,
  RECEIVED_AT_MAX_AGE_MS,
  RECEIVED_AT_MAX_SKEW_MS,
  Refusal,
} from '../../workflows/case/model';
import { adoptable, payoutSent, settle, startPayout } from '../../workflows/case/payout';

const DAY = 24 * 60 * 60_000;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');

function model(policyId = 'usage-prorata', overrides: Partial<Order> = {}) {
  const clock = { ms: T0 };
  const policy = pinHolidays(getPreset(policyId)!, new Date(T0).toISOString());
  const order = {
    orderId: 'o-1',
    customerId: 'c-1',
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 1000,
    currency: 'USD',
    promoCreditMinor: 0,
    purchasedAt: new Date(T0).toISOString(),
    invoicedAt: new Date(T0).toISOString(),
    serviceDate: new Date(T0).toISOString(),
    firstPurchaseOfPlan: true,
    productId: 'proxy-residential',
    billing: { kind: 'one_time' },
    quota: { unit: 'requests', included: 10_000 },
    ...overrides,
  } as Order;
  const m = new CaseModel({ policy, order, fingerprint: 'f' }, 'refund-case-o-1', () => clock.ms);
  return { m, clock, advance: (ms: number) => (clock.ms += ms) };
}

const request = (m: CaseModel, at = m.now()) => {
  m.state.request = { reason: 'changed_mind', requestedAt: at };
};

describe('case model (pure, no Temporal)', () => {
  it('opens with the window as its only deadline, and wakes for nothing else', () => {
    const { m } = model();
    assert.equal(m.state.status, 'open');
    assert.deepEqual(standingDeadlines(m), [{ at: m.windowEnd, kind: 'request_window' }]);
    assert.equal(nextWakeAt(m), m.windowEnd);
    assert.equal(m.businessDeadline(), m.windowEnd);
  });

  it('a request pending assessment suspends the window deadline: a request in time is never expired', () => {
    const { m, advance } = model();
    request(m);
    m.queue({ kind: 'assess' });
    advance(8 * DAY);
    assert.equal(fireDueDeadlines(m), 0);
    assert.equal(m.state.status, 'open');
  });

  it('stamps: refuses a receivedAt ahead by more than the skew or older than the bound; accepts within', () => {
    const { m } = model();
    assert.throws(
      () => m.receivedAt(new Date(T0 + RECEIVED_AT_MAX_SKEW_MS + 1000).toISOString()),
      (e) => e instanceof Refusal && /receivedAt: .* in the future/.test(e.message),
    );
    assert.throws(
      () => m.receivedAt(new Date(T0 - RECEIVED_AT_MAX_AGE_MS - 1000).toISOString()),
      /receivedAt: .* minutes old/,
    );
    assert.equal(m.receivedAt(new Date(T0 - 60_000).toISOString()), new Date(T0 - 60_000).toISOString());
    assert.equal(m.receivedAt(undefined), new Date(T0).toISOString());
  });

  it('an expired case stays open for messages stamped inside the window, then closes', () => {
    const { m, clock, advance } = model();
    // The window ends with the 7th calendar day after the invoice date.
    advance(Date.parse(m.state.deadlines.requestWindowEndsAt!) - clock.ms + 1);
    fireDueDeadlines(m);
    assert.equal(m.state.status, 'expired');
    assert.equal(m.state.closed, false);
    advance(RECEIVED_AT_MAX_AGE_MS);
    fireDueDeadlines(m);
    assert.equal(m.state.closed, true);
    assert.ok(m.finished());
  });

  it('the decision clock starts once, pauses while information is awaited, and never restarts', () => {
    const { m, advance } = model('cloud-provider-fault');
    request(m);
    m.snapshot = {
      chargebackActive: false,
      refundsInLast90Days: 0,
      termsViolation: false,
      abuseSuspected: false,
    };
    m.state.request!.reason = 'provider_fault';
    decideRequest(m);
    assert.equal(m.state.status, 'under_review');
    const first = m.state.deadlines.decisionDeadline!;
    assert.ok(first);
    advance(2 * DAY);
    m.state.informationRequest = { items: ['logs'], requestedAt: m.now() };
    m.pauseDecisionClock();
    assert.equal(m.state.deadlines.decisionDeadline, undefined);
    assert.deepEqual(standingDeadlines(m), [], 'a paused clock does not fire');
    advance(3 * DAY);
    m.state.informationRequest.providedAt = m.now();
    m.resumeDecisionClock();
    assert.equal(
      Date.parse(m.state.deadlines.decisionDeadline!),
      Date.parse(first) + 3 * DAY,
      'the deadline moved by the pause',
    );
    // A re-evaluation (a technical review on the last day) never grants a new deadline.
    const before = m.state.deadlines.decisionDeadline;
    applyDecision(m, { ...m.state.decision!, outcome: 'needs_review' }, { role: 'system' });
    assert.equal(m.state.deadlines.decisionDeadline, before);
  });

  it('the decision deadline fires once; escalated, the case still has a next deadline when the policy has one', () => {
    const { m, clock } = model('cloud-provider-fault');
    request(m);
    m.state.request!.reason = 'provider_fault';
    m.state.deadlines.payoutDeadline = new Date(T0 + 30 * DAY).toISOString();
    m.snapshot = {
      chargebackActive: false,
      refundsInLast90Days: 0,
      termsViolation: false,
      abuseSuspected: false,
    };
    decideRequest(m);
    clock.ms = Date.parse(m.state.deadlines.decisionDeadline!);
    assert.equal(fireDueDeadlines(m), 1);
    assert.ok(m.state.escalated);
    assert.equal(fireDueDeadlines(m), 0, 'fires once');
    assert.equal(m.businessDeadline(), m.state.deadlines.payoutDeadline);
    assert.ok(m.effects.some((e) => e.kind === 'support' && e.notice === 'escalation'));
  });

  it('a retryable failure is retried on the backoff, escalated once past its bound, money never given up', () => {
    const { m, advance } = model();
    const e = m.queue({ kind: 'payout' });
    let route = routeRetryableFailure(e, m.nowMs(), 'down');
    assert.equal(Date.parse(route.retryAt!) - m.nowMs(), RETRY_BACKOFF_MS[0]);
    assert.equal(route.escalate, false);
    advance(ESCALATE_AFTER_MS.payout);
    route = routeRetryableFailure(e, m.nowMs(), 'down');
    assert.equal(route.escalate, true);
    advance(30 * DAY);
    route = routeRetryableFailure(e, m.nowMs(), 'down');
    assert.equal(route.escalate, false, 'escalated once');
    assert.ok(route.retryAt, 'a payout is never given up');
    const email = m.queue({ kind: 'email', email: 'decision', tag: 't', data: {} });
    routeRetryableFailure(email, m.nowMs(), 'down');
    advance(8 * DAY);
    assert.equal(
      routeRetryableFailure(email, m.nowMs(), 'down').retryAt,
      undefined,
      'an email is given up after a week',
    );
  });

  it('payouts: a new attempt takes a new key; a refund the gateway holds under an earlier key is adopted', () => {
    const { m } = model();
    m.state.status = 'approved';
    startPayout(m, 1000);
    const first = m.state.payout!;
    assert.equal(first.idempotencyKey, 'refund-case-o-1:refund:1');
    payoutSent(m, { refundId: 're_1', status: 'pending' });
    settle(m, { refundId: 're_1', status: 'failed', failureReason: 'expired_or_canceled_card' }, 'webhook');
    assert.equal(m.state.payout!.status, 'failed');
    startPayout(m, 1000);
    assert.equal(m.state.payout!.idempotencyKey, 'refund-case-o-1:refund:2');
    assert.equal(m.state.earlierPayouts?.length, 1);
    const found = adoptable(m, [
      {
        refundId: 're_x',
        status: 'succeeded',
        idempotencyKey: 'someone-else',
        amountMinor: 1000,
        currency: 'USD',
      },
      {
        refundId: 're_2',
        status: 'pending',
        idempotencyKey: 'refund-case-o-1:refund:2',
        amountMinor: 1000,
        currency: 'USD',
      },
    ]);
    assert.equal(found?.refundId, 're_2');
  });

  it('a late success for an earlier attempt settles the case and stops the current one', () => {
    const { m } = model();
    m.state.status = 'approved';
    startPayout(m, 1000);
    payoutSent(m, { refundId: 're_1', status: 'pending' });
    settle(m, { refundId: 're_1', status: 'failed' }, 'webhook');
    startPayout(m, 1000);
    assert.ok(m.effects.some((e) => e.kind === 'payout'));
    settle(m, { refundId: 're_1', status: 'succeeded' }, 'webhook');
    assert.equal(m.state.status, 'paid');
    assert.equal(m.state.payout!.status, 'canceled');
    assert.ok(!m.effects.some((e) => e.kind === 'payout'), 'the second attempt is never sent');
  });

  it('a gateway event that overtakes the create answer is kept and applied once the refund id is known', () => {
    const { m } = model();
    m.state.status = 'approved';
    startPayout(m, 1000);
    m.earlyEvents.push({ refundId: 're_1', status: 'succeeded' });
    payoutSent(m, { refundId: 're_1', status: 'pending' });
    assert.equal(m.state.status, 'paid');
    assert.deepEqual(m.earlyEvents, []);
  });

  it('an unknown refund id is recorded, not applied', () => {
    const { m } = model();
    m.state.status = 'approved';
    startPayout(m, 1000);
    payoutSent(m, { refundId: 're_1', status: 'pending' });
    settle(m, { refundId: 're_other', status: 'succeeded' }, 'webhook');
    assert.equal(m.state.status, 'payout_pending');
    assert.equal(m.state.timeline.at(-1)?.type, 'payment_update_ignored');
  });
});
