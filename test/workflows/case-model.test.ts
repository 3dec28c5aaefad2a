// The pure case model (workflows/case/), without Temporal: a hand-set clock, the state, the
// effect queue and its failure routes, the decision clock, the deadlines and what wakes the loop.
import assert from 'node:assert/strict';
import { getPreset, type Order } from '../../policies';
import { pinHolidays } from '../../policies/holidays';
import { fireDueDeadlines, nextWakeAt, standingDeadlines } from '../../workflows/case/deadlines';
import { applyDecision, decideRequest, evaluationThatHolds } from '../../workflows/case/decisions';
import { createAssessActivities } from '../../activities/decide';
import { ApplicationFailure } from '@temporalio/common';
import {
  ESCALATE_AFTER_MS,
  GIVE_UP_AFTER_MS,
  RETRY_BACKOFF_MS,
  routeRetryableFailure,
} from '../../workflows/case/effect-queue';
import {
  CaseModel,
  RECEIVED_AT_MAX_AGE_MS,
  RECEIVED_AT_MAX_SKEW_MS,
  Refusal,
} from '../../workflows/case/model';
import { plusDays } from '../../workflows/case/time';
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

const quiet = {
  chargebackActive: false,
  refundsInLast90Days: 0,
  termsViolation: false,
  abuseSuspected: false,
};

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
    // A billing error goes to a person at once (a technical claim would start the remediation clock first).
    m.state.request!.reason = 'billing_error';
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
    // A billing error goes to a person at once (a technical claim would start the remediation clock first).
    m.state.request!.reason = 'billing_error';
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

  it('a request naming a technical problem is the issue report: remediation, its deadline shown, decided again when it runs out', () => {
    const { m, clock } = model('proxy-strict', { quota: { unit: 'gb', included: 10 } });
    request(m);
    m.state.request!.reason = 'service_unusable';
    m.snapshot = { usage: { used: 0.2 }, ...quiet };
    decideRequest(m);
    assert.equal(m.state.status, 'remediation');
    assert.equal(m.state.issue?.fromRequest, true);
    assert.equal(m.state.issue?.reportedAt, m.state.request!.requestedAt);
    const deadline = m.state.deadlines.remediationDeadline!;
    assert.equal(deadline, '2026-03-17T23:59:59.999Z', 'the end of the 15th day after the request');
    assert.equal(m.businessDeadline(), deadline);
    assert.deepEqual(
      standingDeadlines(m).map((d) => d.kind),
      ['remediation'],
      'no decision clock runs while the provider may fix it',
    );
    assert.ok(!m.effects.some((e) => e.kind === 'support'), 'nobody has to decide yet');
    clock.ms = Date.parse(deadline) + 1;
    fireDueDeadlines(m);
    assert.equal(m.state.decision?.outcome, 'full_refund');
    assert.ok(m.state.decision?.reasons.includes('UNREMEDIATED_WITHIN_DEADLINE'));
    assert.equal(m.state.status, 'approved');
  });

  it('a policy that verifies first waits out the remediation clock too, and support is told to review meanwhile', () => {
    const { m } = model('cloud-provider-fault');
    request(m);
    m.state.request!.reason = 'provider_fault';
    m.snapshot = { ...quiet };
    decideRequest(m);
    assert.equal(m.state.status, 'remediation');
    assert.ok(m.state.deadlines.remediationDeadline);
    assert.ok(
      m.effects.some(
        (e) => e.kind === 'support' && e.notice === 'needs_review' && /Technical review/.test(e.reason),
      ),
    );
  });

  it('the day-3 target: the customer is told once when it passes undecided; a pause moves it', () => {
    const { m, clock, advance } = model('proxy-strict', { quota: { unit: 'gb', included: 10 } });
    request(m);
    m.state.request!.reason = 'billing_error';
    m.snapshot = { usage: { used: 0.2 }, ...quiet };
    decideRequest(m);
    assert.equal(m.state.status, 'under_review');
    // Monday 2 March 2026, 10:00: business day 3 ends on Thursday 5 March.
    const target = m.state.deadlines.decisionTarget!;
    assert.equal(target, '2026-03-05T23:59:59.999Z');
    advance(DAY);
    m.state.informationRequest = { items: ['logs'], requestedAt: m.now() };
    m.pauseDecisionClock();
    assert.equal(m.state.deadlines.decisionTarget, undefined, 'a paused clock has no target');
    advance(DAY);
    m.state.informationRequest.providedAt = m.now();
    m.resumeDecisionClock();
    const moved = m.state.deadlines.decisionTarget!;
    assert.equal(Date.parse(moved), Date.parse(target) + DAY, 'moved by the pause');
    clock.ms = Date.parse(moved);
    assert.equal(fireDueDeadlines(m), 1);
    const notices = () => m.effects.filter((e) => e.kind === 'email' && e.email === 'decision_delayed');
    assert.equal(notices().length, 1);
    advance(DAY);
    assert.equal(fireDueDeadlines(m), 0, 'told once');
    assert.equal(notices().length, 1);
    assert.equal(m.state.escalated, false, 'the target is not the deadline');
  });

  it('a policy without a target (usage-prorata) sends no day-3 notice', () => {
    const { m } = model('usage-prorata');
    request(m);
    m.snapshot = { ...quiet };
    decideRequest(m);
    assert.equal(m.state.decision?.reasons.includes('USAGE_UNKNOWN'), true);
    assert.equal(m.state.deadlines.decisionTarget, undefined);
    assert.ok(!standingDeadlines(m).some((d) => d.kind === 'decision_target'));
  });

  it('a denial stays disputable for the policy period: the run does not finish before it ends', () => {
    const { m, clock } = model('all-sales-final');
    request(m);
    m.snapshot = { ...quiet };
    decideRequest(m);
    assert.equal(m.state.decision?.outcome, 'denied');
    assert.equal(m.state.closed, true);
    const until = m.state.deadlines.disputeWindowEndsAt!;
    assert.equal(until, '2026-04-01T23:59:59.999Z', 'the end of the 30th day after the denial');
    m.effects = [];
    assert.equal(m.finished(), false);
    clock.ms = Date.parse(until);
    fireDueDeadlines(m);
    assert.equal(m.state.deadlines.disputeWindowEndsAt, undefined);
    assert.equal(m.finished(), true);
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

  it('plusDays steps calendar days in the policy zone: across a DST change a day is 23 or 25 hours', () => {
    const berlin = { timeZone: 'Europe/Berlin' };
    // Berlin springs forward on 29 March 2026 (02:00 → 03:00): noon on the 28th plus one day is noon on the 29th.
    assert.equal(plusDays('2026-03-28T11:00:00.000Z', 1, berlin), '2026-03-29T10:00:00.000Z');
    // …and falls back on 25 October 2026: 30 days from 10 October, 10:00 local, is 9 November, 10:00 local.
    assert.equal(plusDays('2026-10-10T08:00:00.000Z', 30, berlin), '2026-11-09T09:00:00.000Z');
    const newYork = { timeZone: 'America/New_York' };
    assert.equal(plusDays('2026-03-07T17:00:00.000Z', 7, newYork), '2026-03-14T16:00:00.000Z');
    // In UTC it is 24 hours a day.
    assert.equal(plusDays('2026-03-28T11:00:00.000Z', 1, { timeZone: 'UTC' }), '2026-03-29T11:00:00.000Z');
  });

  it("the incident cover runs 30 calendar days in the policy's zone, not 30 × 24 hours", () => {
    const { m } = model('proxy-strict');
    const zoned = new CaseModel(
      {
        policy: { ...m.policy, timeZone: 'Europe/Berlin' },
        order: { ...m.order, purchasedAt: '2026-03-10T09:00:00.000Z' },
        fingerprint: 'f',
      },
      'refund-case-o-2',
      () => T0,
    );
    // 10 March 10:00 CET + 30 days = 9 April 10:00 CEST = 08:00 UTC (a fixed 24 h would say 09:00 UTC).
    assert.ok(zoned.state.deadlines.incidentCoverEndsAt, 'proxy-strict covers incidents');
    assert.ok(
      Date.parse(zoned.state.deadlines.incidentCoverEndsAt!) >= Date.parse('2026-04-09T08:00:00.000Z'),
    );
    assert.equal(
      plusDays('2026-03-10T09:00:00.000Z', 30, { timeZone: 'Europe/Berlin' }),
      '2026-04-09T08:00:00.000Z',
    );
  });

  it('a notice to support (an escalation) is never given up: it retries until delivered', () => {
    const { m, advance } = model();
    assert.equal(GIVE_UP_AFTER_MS.support, undefined);
    const notice = m.queue({
      kind: 'support',
      notice: 'escalation',
      tag: 't',
      reason: 'SLA passed',
      data: {},
    });
    let route = routeRetryableFailure(notice, m.nowMs(), 'smtp down');
    for (let day = 0; day < 60; day++) {
      advance(DAY);
      route = routeRetryableFailure(notice, m.nowMs(), 'smtp down');
      assert.ok(route.retryAt, `still retried after ${day + 1} days`);
    }
    assert.equal(
      Date.parse(route.retryAt!) - m.nowMs(),
      RETRY_BACKOFF_MS.at(-1),
      'every 6 hours, not faster',
    );
  });

  // Patch rollup-2: billing's read and the policy's evaluation in one local activity. The decision
  // it returns is applied only while the case's facts are those it was evaluated on.
  describe('the request assessed in one local activity', () => {
    const account = { ...quiet, usage: { used: 0 } };
    const assess = async (m: CaseModel, readAccount = async () => account) => {
      const input = m.baseEvaluationInput();
      const assessment = await createAssessActivities(readAccount).assessRequest({
        ref: { orderId: m.order.orderId, customerId: m.order.customerId },
        policy: m.policy,
        input,
        at: m.now(),
      });
      return { input, assessment };
    };

    it("evaluates on billing's facts exactly as the case would, and the decision holds when nothing changed", async () => {
      const { m, advance } = model();
      request(m);
      const { input, assessment } = await assess(m);
      assert.deepEqual(assessment.snapshot, account);
      assert.equal(assessment.evaluated?.decision.outcome, 'full_refund');
      // The read took a while: the case's clock moved on, the facts did not.
      advance(3_000);
      m.snapshot = assessment.snapshot;
      assert.equal(evaluationThatHolds(m, input, assessment), assessment.evaluated);
      decideRequest(m, evaluationThatHolds(m, input, assessment));
      assert.equal(m.state.decision?.outcome, 'full_refund');
      assert.ok(!m.has('decide'), 'no second evaluation queued');
    });

    it('a fact that changed while billing was read sends the case to evaluate again (the decide effect)', async () => {
      const { m } = model();
      m.recordDecisions = () => true; // as every case on rollup-2
      request(m);
      const { input, assessment } = await assess(m);
      // A chargeback signal handled while the read was in flight.
      m.state.chargebackActive = true;
      m.snapshot = assessment.snapshot;
      assert.equal(evaluationThatHolds(m, input, assessment), undefined);
      decideRequest(m, evaluationThatHolds(m, input, assessment));
      assert.equal(m.state.decision, undefined, 'the stale full refund is not applied');
      assert.ok(m.has('decide'), 'the decide effect evaluates on the facts as they are now');
    });

    it("billing's failure is the assessment's (the failure route of a billing read); a policy that cannot be evaluated is not", async () => {
      const { m } = model();
      request(m);
      const unknown = ApplicationFailure.create({
        type: 'UnknownOrder',
        message: 'no such order',
        nonRetryable: true,
      });
      await assert.rejects(
        assess(m, async () => Promise.reject(unknown)),
        (err: unknown) => err === unknown,
      );
      const broken = createAssessActivities(
        async () => account,
        () => {
          throw new Error('evaluate broke');
        },
      );
      const assessment = await broken.assessRequest({
        ref: { orderId: 'o-1', customerId: 'c-1' },
        policy: m.policy,
        input: m.baseEvaluationInput(),
        at: m.now(),
      });
      assert.deepEqual(
        assessment,
        { snapshot: account },
        'the facts, and no decision: the case decides itself',
      );
      assert.equal(evaluationThatHolds(m, m.baseEvaluationInput(), assessment), undefined);
    });
  });
});
