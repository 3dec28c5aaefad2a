// Every path of the refund case, on the Java time-skipping test server: days pass in seconds.
// Activities are stubs that record their calls; the workflow is what is under test.
import assert from 'node:assert/strict';
import { getPreset, type Order } from '../../policies';
import { CaseConflictError, CaseRejectedError } from '../../client/refund-client';
import type { CaseState, StartCaseInput } from '../../workflows/case-state';
import {
  DAY,
  orderId,
  recordHistory,
  stubActivities,
  waitForCase,
  withCaseWorker,
  testOrder,
} from './support';

const preset = (id: string) => {
  const policy = getPreset(id);
  if (!policy) throw new Error(`no preset ${id}`);
  return policy;
};

const makeOrder = (id: string, at: Date, overrides: Partial<Order> = {}): Order =>
  testOrder(id, at, { quota: { unit: 'gb', included: 10 }, ...overrides });

const types = (state: CaseState) => state.timeline.map((e) => e.type);

/** The end (23:59:59.999) of the `days`th UTC day after `from`'s date: the presets' clocks run in UTC, in calendar days. */
function endOfUtcDayAfter(from: Date | string, days: number): number {
  const d = new Date(from);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days, 23, 59, 59, 999);
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CaseRejectedError, `expected CaseRejectedError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('refund case workflow (time skipping)', function () {
  this.timeout(120_000);

  // First: its 8-day sleep must not wait behind an activity a terminated case of another test left.
  it('every update is refused in the wrong state, before it reaches history', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('wrong-state');
      await cases.start(preset('usage-prorata'), makeOrder(id, await now()));
      await rejects(cases.withdraw(id, {}), /cannot withdraw while the case is open/);
      await rejects(
        cases.decide(id, { outcome: 'full_refund', note: 'x' }),
        /cannot decide while the case is open/,
      );
      await rejects(
        cases.submitTechnicalReview(id, { outcome: 'provider_fault' }),
        /cannot submit a technical review/,
      );
      await rejects(cases.requestInformation(id, { items: ['logs'] }), /cannot ask for information/);
      await rejects(cases.provideInformation(id, { items: ['logs'] }), /no information was requested/);
      await rejects(cases.cancelSubscription(id, {}), /not a subscription/);
      await rejects(cases.requestRefund(id, { reason: 'nonsense' as never }), /reason/);
      await rejects(cases.reportIssue(id, { description: '' }), /description/);
      await rejects(
        cases.decide(id, { outcome: 'partial_refund', note: 'x', amountMinor: -5 }),
        /amountMinor/,
      );
      const history = await cases.handle(id).fetchHistory();
      const accepted = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
      assert.equal(accepted.length, 0, 'no rejected update was written to history');
      await env.sleep(8 * DAY);
      await cases.handle(id).result();
      await rejects(cases.reportIssue(id, { description: 'too late' }), /closed/);
    });
  });

  it('the window expires untouched: expired after 7 days, nothing sent', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('untouched');
      const start = await now();
      await cases.start(preset('usage-prorata'), makeOrder(id, start));
      const opened = await cases.read(id);
      assert.equal(opened.status, 'open');
      assert.equal(Date.parse(opened.deadlines.requestWindowEndsAt!), endOfUtcDayAfter(start, 7));
      assert.equal((await cases.handle(id).result()).status, 'expired');
      const result = await cases.read(id);
      assert.ok(result.closed);
      assert.ok(types(result).includes('window_closed'));
      // Nothing reaches the customer, billing or the gateway; only the ledger records the case's life.
      assert.deepEqual(
        stubs.calls.filter((c) => c.name !== 'appendLedger'),
        [],
        'no activity runs for an untouched case but the ledger',
      );
      assert.deepEqual(
        [...stubs.ledger.keys()].filter((k) => k.startsWith(`${id}:`)),
        [`${id}:opened:1`, `${id}:expired:1`, `${id}:closed:1`],
      );
      await recordHistory(cases, id, 'window-expired');
    });
  });

  it('a request is approved at once and paid when the gateway settles; the query is consistent at every step', async () => {
    const stubs = stubActivities({ usage: { used: 3000 } });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('paid');
      const order = makeOrder(id, await now(), { quota: { unit: 'requests', included: 10_000 } });
      await cases.start(preset('usage-prorata'), order);
      const answer = await cases.requestRefund(id, { reason: 'changed_mind' });
      // $10.00 plan, 7,000 of 10,000 requests left → $7.00 (seed 004's worked example).
      assert.deepEqual(answer, {
        status: 'approved',
        decision: {
          outcome: 'partial_refund',
          amountMinor: 700,
          currency: 'USD',
          reasons: ['PRORATA_REMAINING_QUOTA'],
        },
      });
      const afterRequest = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      assert.ok(afterRequest.deadlines.payoutDeadline, 'payout limit set on approval');
      assert.equal(afterRequest.nextDeadline, afterRequest.deadlines.payoutDeadline);
      assert.equal(
        stubs.named('withdrawAccess').length,
        1,
        'access withdrawn on approval, as the policy says',
      );
      const [refund] = stubs.named('createRefund');
      assert.deepEqual(
        {
          key: (refund!.input as { idempotencyKey: string }).idempotencyKey,
          amount: (refund!.input as { amountMinor: number }).amountMinor,
        },
        { key: `refund-case-${id}:refund:1`, amount: 700 },
      );
      const refundId = afterRequest.payout!.refundId!;
      await cases.paymentUpdate(id, { eventId: 'evt_1', refundId, status: 'succeeded' });
      await cases.paymentUpdate(id, { eventId: 'evt_1', refundId, status: 'succeeded' }); // a replayed webhook
      assert.deepEqual(await cases.handle(id).result(), {
        status: 'paid',
        outcome: 'partial_refund',
        amountMinor: 700,
      });
      const final = await cases.read(id);
      assert.equal(final.payout?.status, 'succeeded');
      assert.equal(stubs.named('createRefund').length, 1, 'paid exactly once');
      const emails = stubs.named('sendCustomerEmail').map((c) => (c.input as { kind: string }).kind);
      assert.deepEqual(emails, ['request_received', 'decision', 'payout_sent', 'payout_settled']);
      const statuses = final.timeline.filter((e) => e.type === 'status_changed').map((e) => e.data?.to);
      assert.deepEqual(statuses, ['approved', 'payout_pending', 'paid']);
      for (let i = 1; i < final.timeline.length; i++)
        assert.ok(
          Date.parse(final.timeline[i]!.at) >= Date.parse(final.timeline[i - 1]!.at),
          'timeline is in time order',
        );
      await recordHistory(cases, id, 'approved-and-paid');
    });
  });

  it('without a webhook, the fallback status check settles the payout', async () => {
    const stubs = stubActivities({ usage: { used: 0 } }, { statusOnCheck: 'succeeded' });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('fallback');
      await cases.start(
        preset('usage-prorata'),
        makeOrder(id, await now(), { quota: { unit: 'requests', included: 10_000 } }),
      );
      await cases.requestRefund(id, { reason: 'changed_mind' });
      assert.equal((await cases.handle(id).result()).status, 'paid');
      const final = await cases.read(id);
      assert.equal(stubs.named('getRefundStatus').length, 1);
      assert.ok(types(final).includes('settlement_checked'));
    });
  });

  it('a request the policy rules out is denied at once with every reason', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('denied');
      await cases.start(preset('proxy-strict'), makeOrder(id, await now(), { paymentMethod: 'crypto' }));
      const answer = await cases.requestRefund(id, { reason: 'changed_mind' });
      assert.equal(answer.status, 'denied');
      assert.equal(answer.decision?.outcome, 'denied');
      assert.ok(answer.decision?.reasons.includes('CRYPTO_PAYMENT'));
      assert.equal((await cases.handle(id).result()).status, 'denied');
      const state = await cases.read(id);
      assert.equal(state.decision?.explanations.length, state.decision?.reasons.length);
      assert.equal(stubs.named('createRefund').length, 0);
      const decisionEmail = stubs
        .named('sendCustomerEmail')
        .find((c) => (c.input as { kind: string }).kind === 'decision');
      assert.deepEqual(
        (decisionEmail!.input as { data: { reasons: string[] } }).data.reasons,
        state.decision?.reasons,
      );
      await recordHistory(cases, id, 'denied-with-reasons');
    });
  });

  it('an issue reported on day 2 and remediated by day 10 gives no technical ground', async () => {
    const stubs = stubActivities({ usage: { used: 0.5 } });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('remediated');
      await cases.start(preset('proxy-strict'), makeOrder(id, await now()));
      await env.sleep(2 * DAY);
      assert.equal(
        (await cases.reportIssue(id, { description: 'every request times out' })).status,
        'remediation',
      );
      const reported = await cases.read(id);
      assert.equal(
        Date.parse(reported.deadlines.remediationDeadline!),
        endOfUtcDayAfter(reported.issue!.reportedAt, 15),
      );
      const requested = await cases.requestRefund(id, { reason: 'service_unusable' });
      assert.equal(requested.status, 'remediation', 'the request waits for the remediation clock');
      assert.deepEqual(requested.decision?.reasons, ['REMEDIATION_PENDING']);
      await env.sleep(8 * DAY);
      const reviewed = await cases.submitTechnicalReview(id, {
        outcome: 'remediated',
        notes: 'routing fixed',
      });
      assert.equal(reviewed.status, 'denied');
      assert.ok(reviewed.decision?.reasons.includes('REMEDIATED'));
      await recordHistory(cases, id, 'issue-remediated');
      assert.equal(stubs.named('createRefund').length, 0);
    });
  });

  it('an issue not remediated by day 17 meets the technical ground: refunded in full', async () => {
    const stubs = stubActivities({ usage: { used: 0.5 } });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('unremediated');
      await cases.start(preset('proxy-strict'), makeOrder(id, await now()));
      await env.sleep(2 * DAY);
      await cases.reportIssue(id, { description: 'no IP answers' });
      await cases.requestRefund(id, { reason: 'service_unusable' });
      const requested = await cases.read(id);
      // The 15-day clock runs to the end of the 15th day after the report's date.
      await env.sleep(
        endOfUtcDayAfter(requested.issue!.reportedAt, 15) - Date.parse(requested.issue!.reportedAt) + 60_000,
      );
      const state = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      assert.equal(state.decision?.outcome, 'full_refund');
      assert.equal(state.decision?.amountMinor, 1000);
      assert.ok(state.decision?.reasons.includes('UNREMEDIATED_WITHIN_DEADLINE'));
      assert.ok(types(state).includes('remediation_deadline_passed'));
      await recordHistory(cases, id, 'issue-unremediated');
    });
  });

  it('a confirmed incident after the window reopens the case for a pro-rata remedy', async () => {
    const stubs = stubActivities({ usage: { used: 5 } });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('incident');
      const start = await now();
      await cases.start(preset('proxy-strict'), makeOrder(id, start));
      await env.sleep(8 * DAY);
      const expired = await waitForCase(cases, id, (s) => s.status === 'expired');
      assert.ok(!expired.closed, 'an expired proxy case still listens for incidents');
      await cases.incidentConfirmed(id, {
        incidentId: 'inc-1',
        productId: 'proxy-residential',
        from: new Date(start.getTime() + DAY).toISOString(),
        to: new Date(start.getTime() + 3 * DAY).toISOString(),
        description: 'residential pool outage',
      });
      const reopened = await waitForCase(cases, id, (s) => s.status === 'open');
      assert.equal(reopened.incidents.length, 1);
      const decided = await cases.requestRefund(id, { reason: 'service_unusable' });
      assert.ok(
        ['partial_refund', 'service_extension'].includes(decided.decision!.outcome),
        decided.decision!.outcome,
      );
      assert.ok(decided.decision?.reasons.includes('INCIDENT_CONFIRMED'));
      assert.ok(decided.decision!.amountMinor < 1000, 'pro-rata, not the full price');
      await recordHistory(cases, id, 'incident-after-window');
    });
  });

  it('an incident for another product does not touch the case', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('incident-other');
      const start = await now();
      await cases.start(preset('proxy-strict'), makeOrder(id, start));
      await cases.incidentConfirmed(id, {
        incidentId: 'inc-x',
        productId: 'datacenter',
        from: start.toISOString(),
        to: new Date(start.getTime() + DAY).toISOString(),
        description: 'other pool',
      });
      const state = await waitForCase(cases, id, (s) => types(s).includes('incident_ignored'));
      assert.equal(state.incidents.length, 0);
    });
  });

  it('the decision deadline passes: the case escalates and support is told, nothing is paid', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('decision-deadline');
      await cases.start(preset('cloud-provider-fault'), makeOrder(id, await now()));
      // The request is the issue report: the 7 days to solve it run first, then a person verifies.
      const answer = await cases.requestRefund(id, { reason: 'provider_fault' });
      assert.equal(answer.status, 'remediation');
      assert.ok(answer.decision?.reasons.includes('REMEDIATION_PENDING'));
      assert.ok(answer.decision?.reasons.includes('NEEDS_TECHNICAL_REVIEW'));
      const remediating = await cases.read(id);
      assert.equal(
        remediating.deadlines.decisionDeadline,
        undefined,
        'no decision clock while it may be fixed',
      );
      const remediationDeadline = remediating.deadlines.remediationDeadline!;
      await env.sleep(Date.parse(remediationDeadline) - (await now()).getTime() + 60_000);
      const review = await waitForCase(cases, id, (s) => s.status === 'under_review');
      assert.ok(review.decision?.reasons.includes('NEEDS_TECHNICAL_REVIEW'));
      const deadline = review.deadlines.decisionDeadline!;
      assert.ok(deadline);
      await env.sleep(Date.parse(deadline) - (await now()).getTime() + 60_000);
      const escalated = await waitForCase(cases, id, (s) => s.escalated);
      assert.equal(escalated.status, 'under_review', 'escalation never decides by itself under this policy');
      await waitForCase(cases, id, (s) =>
        s.timeline.some((e) => e.type === 'support_notified' && e.data?.kind === 'escalation'),
      );
      const notice = stubs
        .named('notifySupport')
        .find((c) => (c.input as { kind: string }).kind === 'escalation');
      assert.ok(notice, 'support was told');
      assert.equal(
        escalated.nextDeadline,
        undefined,
        'this policy counts the payout limit from approval: no deadline stands until a decision',
      );
      assert.equal(stubs.named('createRefund').length, 0);
      // A reviewer still decides after escalation.
      const decided = await cases.submitTechnicalReview(id, { outcome: 'provider_fault' });
      assert.equal(decided.decision?.outcome, 'full_refund');
      await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      await recordHistory(cases, id, 'decision-deadline-escalated');
    });
  });

  it('asking for information stops the decision clock until the materials arrive', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('information');
      await cases.start(preset('cloud-provider-fault'), makeOrder(id, await now()));
      await cases.requestRefund(id, { reason: 'provider_fault' });
      await cases.requestInformation(id, { items: ['logs', 'timestamps'] });
      assert.equal((await cases.read(id)).deadlines.decisionDeadline, undefined);
      await env.sleep(10 * DAY);
      const waiting = await cases.read(id);
      assert.equal(waiting.escalated, false, 'no deadline runs while materials are missing');
      await cases.provideInformation(id, { items: ['logs', 'timestamps'] });
      const provided = await cases.read(id);
      assert.ok(
        Date.parse(provided.deadlines.decisionDeadline!) >
          Date.parse(provided.informationRequest!.providedAt!),
      );
      await waitForCase(cases, id, () =>
        stubs
          .named('sendCustomerEmail')
          .some((c) => (c.input as { kind: string }).kind === 'information_requested'),
      );
      assert.ok(
        stubs
          .named('sendCustomerEmail')
          .some((c) => (c.input as { kind: string }).kind === 'information_requested'),
      );
    });
  });

  it('a payout not settled within the payout limit escalates to support', async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('payout-limit');
      await cases.start(
        preset('usage-prorata'),
        makeOrder(id, await now(), { quota: { unit: 'requests', included: 10_000 } }),
      );
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const approved = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      assert.equal(
        Date.parse(approved.deadlines.payoutDeadline!),
        endOfUtcDayAfter(approved.request!.requestedAt, 14),
      );
      await env.sleep(
        endOfUtcDayAfter(approved.request!.requestedAt, 14) -
          Date.parse(approved.request!.requestedAt) +
          60_000,
      );
      const state = await waitForCase(cases, id, (s) => s.escalated);
      assert.equal(state.status, 'payout_pending');
      assert.ok(state.escalations.some((e) => e.reason.startsWith('payout limit')));
      await waitForCase(cases, id, () =>
        stubs.named('notifySupport').some((c) => (c.input as { kind: string }).kind === 'escalation'),
      );
      assert.ok(
        stubs.named('notifySupport').some((c) => (c.input as { kind: string }).kind === 'escalation'),
      );
      assert.equal(stubs.named('createRefund').length, 1, 'never a second payment');
      await recordHistory(cases, id, 'payout-limit-escalated');
    });
  });

  it('a failed payout goes to support for another route and is never paid twice', async () => {
    const stubs = stubActivities(
      { usage: { used: 0 } },
      { mode: 'failed', failureReason: 'expired_or_canceled_card' },
    );
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('payout-failed');
      await cases.start(
        preset('usage-prorata'),
        makeOrder(id, await now(), { quota: { unit: 'requests', included: 10_000 } }),
      );
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const failed = await waitForCase(cases, id, (s) => s.payout?.status === 'failed');
      assert.equal(failed.status, 'approved');
      assert.equal(failed.payout?.status, 'failed');
      assert.equal(failed.payout?.failureReason, 'expired_or_canceled_card');
      assert.ok(failed.escalated);
      await waitForCase(cases, id, () =>
        stubs.named('notifySupport').some((c) => (c.input as { kind: string }).kind === 'payout_failed'),
      );
      await rejects(cases.decide(id, { outcome: 'denied', note: 'no' }), /another route/);
      // A refund sent again is no new decision: a message for the customer would go nowhere.
      await rejects(
        cases.decide(id, { outcome: 'full_refund', note: 'retry', customerMessage: 'Sent again' }),
        /customerMessage: a refund sent again emails no decision/,
      );
      const notice = stubs
        .named('notifySupport')
        .find((c) => (c.input as { kind: string }).kind === 'payout_failed');
      const noticeData = (notice!.input as { data: Record<string, unknown> }).data;
      assert.equal(noticeData.currency, 'USD', 'the notice can show the amount in dollars, not minor units');
      assert.equal(
        noticeData.timeZone,
        preset('usage-prorata').timeZone,
        'and its times in the policy’s zone',
      );
      assert.equal(
        (
          await cases.decide(id, {
            outcome: 'credit',
            amountMinor: 1000,
            note: 'card expired: account credit instead',
            customerMessage: 'Your card had expired, so the money is credit on your account.',
          })
        ).status,
        'approved',
      );
      assert.equal((await cases.handle(id).result()).status, 'credited');
      const creditEmail = stubs
        .named('sendCustomerEmail')
        .map((c) => c.input as { kind: string; data: Record<string, unknown> })
        .filter((e) => e.kind === 'decision')
        .pop()!;
      assert.equal(creditEmail.data.outcome, 'credit');
      assert.equal(
        creditEmail.data.customerMessage,
        'Your card had expired, so the money is credit on your account.',
      );
      assert.equal(creditEmail.data.decidedBy, 'reviewer');
      assert.ok(!JSON.stringify(creditEmail.data).includes('card expired: account credit'), 'never the note');
      assert.equal(stubs.named('createRefund').length, 1, 'the failed refund is not retried');
      assert.equal(stubs.named('issueCredit').length, 1);
      await recordHistory(cases, id, 'payout-failed-credited');
    });
  });

  it('crypto cannot be refunded by the gateway: a non-retryable failure routes to support', async () => {
    const stubs = stubActivities({ usage: { used: 0 } }, { mode: 'unsupported' });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('unsupported');
      await cases.start(
        preset('usage-prorata'),
        makeOrder(id, await now(), {
          paymentMethod: 'crypto',
          quota: { unit: 'requests', included: 10_000 },
        }),
      );
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const state = await waitForCase(cases, id, (s) => s.payout?.status === 'failed');
      assert.equal(state.payout?.failureReason, 'UnsupportedPaymentMethod');
      assert.equal(stubs.named('createRefund').length, 1, 'a non-retryable failure is not retried');
    });
  });

  it('an active chargeback blocks the refund, from billing or from a signal during review', async () => {
    const stubs = stubActivities({ chargebackActive: true, usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('chargeback');
      await cases.start(
        preset('usage-prorata'),
        makeOrder(id, await now(), { quota: { unit: 'requests', included: 10_000 } }),
      );
      const state = await cases.requestRefund(id, { reason: 'changed_mind' });
      assert.equal(state.status, 'denied');
      assert.ok(state.decision?.reasons.includes('ACTIVE_CHARGEBACK'));
    });
    const later = stubActivities();
    await withCaseWorker(later, async ({ cases, now }) => {
      const id = orderId('chargeback-signal');
      await cases.start(preset('cloud-provider-fault'), makeOrder(id, await now()));
      await cases.requestRefund(id, { reason: 'provider_fault' });
      await cases.chargeback(id, { active: true, reference: 'dp_1' });
      const state = await waitForCase(cases, id, (s) => s.status === 'denied');
      assert.ok(state.decision?.reasons.includes('ACTIVE_CHARGEBACK'));
      await waitForCase(cases, id, () =>
        later.named('notifySupport').some((c) => (c.input as { kind: string }).kind === 'chargeback'),
      );
      await recordHistory(cases, id, 'chargeback-during-review');
    });
  });

  it('the customer withdraws a request under review', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('withdraw');
      await cases.start(preset('cloud-provider-fault'), makeOrder(id, await now()));
      await cases.requestRefund(id, { reason: 'provider_fault' });
      assert.equal((await cases.withdraw(id, { note: 'it works now' })).status, 'withdrawn');
      assert.equal((await cases.handle(id).result()).status, 'withdrawn');
      await rejects(cases.decide(id, { outcome: 'denied', note: 'late' }), /closed|withdrawn/);
      await recordHistory(cases, id, 'withdrawn');
    });
  });

  it('a subscription cancellation takes effect at the end of the billing period', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('subscription');
      const start = await now();
      const periodEnd = new Date(start.getTime() + 30 * DAY).toISOString();
      await cases.start(
        preset('services-fix-first'),
        makeOrder(id, start, {
          billing: { kind: 'subscription', periodStart: start.toISOString(), periodEnd },
        }),
      );
      assert.equal(
        (await cases.cancelSubscription(id, {})).status,
        'open',
        'access and the case go on until the period ends',
      );
      const state = await waitForCase(
        cases,
        id,
        () => stubs.named('cancelSubscriptionAtPeriodEnd').length === 1,
      );
      assert.equal(state.subscription?.effectiveAt, periodEnd);
      const [call] = stubs.named('cancelSubscriptionAtPeriodEnd');
      assert.equal((call!.input as { periodEnd: string }).periodEnd, periodEnd);
      await rejects(cases.cancelSubscription(id, {}), /already cancelled/);
      await cases.handle(id).result();
      const final = await cases.read(id);
      const ended = final.timeline.find((e) => e.type === 'subscription_ended')!;
      assert.ok(Date.parse(ended.at) >= Date.parse(periodEnd), 'ended no earlier than the period end');
      await recordHistory(cases, id, 'subscription-cancelled');
    });
  });

  it('a repeated start returns the same case; a different body for the same order conflicts', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('starts');
      const order = makeOrder(id, await now());
      const first = await cases.start(preset('usage-prorata'), order);
      const again = await cases.start(preset('usage-prorata'), { ...order });
      assert.deepEqual([first.created, again.created, again.runId], [true, false, first.runId]);
      await assert.rejects(
        cases.start(preset('usage-prorata'), { ...order, amountMinor: 2000 }),
        CaseConflictError,
      );
      await assert.rejects(cases.start(preset('proxy-strict'), order), CaseConflictError);

      // Holidays are pinned only where a clock counts business days: usage-prorata's clocks count
      // calendar days, proxy-strict's decision clock counts business days (and a repeat still matches).
      const startInput = async (caseId: string) => {
        const history = await cases.handle(caseId).fetchHistory();
        const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
        return JSON.parse(Buffer.from(payload!.data!).toString('utf8')) as StartCaseInput;
      };
      const calendarDays = (await startInput(id)).policy;
      assert.equal(preset('usage-prorata').decision.businessDays, false);
      assert.deepEqual(
        [calendarDays.holidays, calendarDays.holidaysPinned],
        [preset('usage-prorata').holidays, undefined],
      );
      const businessId = orderId('starts-business-days');
      const businessOrder = makeOrder(businessId, await now());
      const business = await cases.start(preset('proxy-strict'), businessOrder);
      const pinned = (await startInput(businessId)).policy;
      assert.ok(pinned.holidaysPinned, 'proxy-strict pins the years of its public holidays');
      assert.ok(
        pinned.holidays.includes(`${pinned.holidaysPinned.fromYear}-12-25`),
        `Christmas pinned (${pinned.holidays.join(', ')})`,
      );
      const businessAgain = await cases.start(preset('proxy-strict'), { ...businessOrder });
      assert.deepEqual([businessAgain.created, businessAgain.runId], [false, business.runId]);
    });
  });

  it('a final-sale case denies every request with ALL_SALES_FINAL', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('final-sale');
      await cases.start(preset('all-sales-final'), makeOrder(id, await now()));
      assert.equal((await cases.read(id)).status, 'not_refundable');
      const answer = await cases.requestRefund(id, { reason: 'service_unusable' });
      assert.equal(answer.status, 'not_refundable');
      assert.deepEqual(answer.decision?.reasons, ['ALL_SALES_FINAL']);
      await recordHistory(cases, id, 'final-sale-denied');
    });
  });

  it('search attributes follow every transition', async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('search');
      await cases.start(
        preset('usage-prorata'),
        makeOrder(id, await now(), { quota: { unit: 'requests', included: 10_000 } }),
      );
      await cases.requestRefund(id, { reason: 'changed_mind' });
      await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      const description = await cases.handle(id).describe();
      const attrs = description.typedSearchAttributes;
      const get = (name: string) => attrs.getAll().find((p) => p.key.name === name)?.value;
      assert.equal(get('RefundStatus'), 'payout_pending');
      assert.equal(get('RefundOutcome'), 'full_refund', 'nothing used: the whole plan comes back');
      assert.equal(get('RefundPolicyId'), 'usage-prorata');
      assert.equal(get('RefundEscalated'), false);
      assert.ok(get('RefundNextDeadline') instanceof Date);
    });
  });

  // Support lists cases by their search attributes: right after a request is answered, the list
  // must say what the case says — the decision's status when billing answered, and the status the
  // case waits in when billing is down (the request's task writes them once, after the assessment).
  const listed = async (cases: Parameters<Parameters<typeof withCaseWorker>[1]>[0]['cases'], id: string) => {
    const attrs = (await cases.handle(id).describe()).typedSearchAttributes;
    const get = (name: string) => attrs.getAll().find((p) => p.key.name === name)?.value;
    const deadline = get('RefundNextDeadline');
    return {
      status: get('RefundStatus'),
      outcome: get('RefundOutcome') ?? null,
      nextDeadline: deadline instanceof Date ? deadline.toISOString() : null,
      escalated: get('RefundEscalated'),
    };
  };

  it("a request decided in its first task: support's list shows the decision, written once in that task", async () => {
    const stubs = stubActivities({ usage: { used: 0 } }); // the gateway never settles: the case waits in payout_pending
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('listed-decided');
      await cases.start(preset('usage-prorata'), makeOrder(id, await now()));
      const answer = await cases.requestRefund(id, { reason: 'changed_mind' });
      assert.equal(answer.decision?.outcome, 'full_refund');
      const history = await cases.handle(id).fetchHistory();
      const events = history.events ?? [];
      const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      const completed = events.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes);
      const upserts = events
        .slice(accepted, completed)
        .filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)
        .map((e) =>
          Object.keys(e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!),
        );
      assert.equal(upserts.length, 1, `one upsert in the request's task: ${JSON.stringify(upserts)}`);
      assert.ok(upserts[0]!.includes('RefundStatus') && upserts[0]!.includes('RefundOutcome'));
      const state = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      assert.deepEqual(await listed(cases, id), {
        status: 'payout_pending',
        outcome: 'full_refund',
        nextDeadline: state.nextDeadline ?? null,
        escalated: false,
      });
    });
  });

  it("billing is down for hours when the request comes: support's list follows the case through the outage and after it", async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    stubs.faults.set('getAccountSnapshot', { kind: 'outage' });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('listed-billing-down');
      await cases.start(preset('usage-prorata'), makeOrder(id, await now()));
      const answer = await cases.requestRefund(id, { reason: 'changed_mind' });
      assert.equal(answer.decision, undefined, 'no decision without billing');
      // Past the hour a billing read may keep failing before support is told: the case waits for a
      // person or for billing, and the list must say so.
      await env.sleep(2 * 60 * 60_000);
      const stuck = await cases.read(id);
      assert.equal(stuck.status, 'under_review');
      assert.ok(stubs.named('getAccountSnapshot').length > 2, 'billing was tried again');
      assert.deepEqual(await listed(cases, id), {
        status: 'under_review',
        outcome: null,
        nextDeadline: stuck.nextDeadline ?? null,
        escalated: true,
      });
      // Billing answers at the next try: the case decides, and the list shows the decision.
      stubs.faults.delete('getAccountSnapshot');
      await env.sleep(7 * 60 * 60_000);
      const decided = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      const shown = await listed(cases, id);
      assert.deepEqual(
        [shown.status, shown.outcome, shown.nextDeadline],
        ['payout_pending', 'full_refund', decided.nextDeadline ?? null],
      );
    });
  });
});
