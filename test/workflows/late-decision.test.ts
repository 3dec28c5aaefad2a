// Smaller defects of the case engine (issue 13, part 5), on the time-skipping server: a decision
// taken weeks after billing's facts were read re-reads them before any money moves, and a closed
// case refuses a subscription cancellation.
import assert from 'node:assert/strict';
import { getPreset, type Order } from '../../policies';
import { CaseRejectedError } from '../../client/refund-client';
import { DAY, orderId, stubActivities, waitForCase, withCaseWorker } from './support';

function makeOrder(id: string, at: Date, overrides: Partial<Order> = {}): Order {
  const iso = at.toISOString();
  return {
    orderId: id,
    customerId: `cust-${id}`,
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 4_900,
    currency: 'USD',
    purchasedAt: iso,
    invoicedAt: iso,
    productId: 'api-pro',
    billing: { kind: 'one_time' },
    quota: { unit: 'requests', included: 10_000 },
    ...overrides,
  } as Order;
}

const reviewer = { actor: { role: 'reviewer' as const } };

describe('late decisions and closed cases (time skipping)', function () {
  this.timeout(180_000);

  it('a refund approved three weeks after the request re-reads billing: a chargeback opened since holds the payout', async () => {
    // No usage figure: usage-prorata sends the request to a person (USAGE_UNKNOWN).
    const facts: { chargebackActive?: boolean } = {};
    const stubs = stubActivities(facts);
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('late-chargeback');
      await cases.start(getPreset('usage-prorata')!, makeOrder(id, await now()));
      await cases.requestRefund(id, { reason: 'dissatisfied' });
      await waitForCase(cases, id, (s) => s.status === 'under_review');
      assert.equal(stubs.named('getAccountSnapshot').length, 1);
      await env.sleep(21 * DAY);
      // Billing learnt of a chargeback; the case was never told (no webhook reached it).
      facts.chargebackActive = true;
      await cases.decide(id, { outcome: 'full_refund', note: 'latency was ours', ...reviewer } as never);
      const held = await waitForCase(cases, id, (s) => s.timeline.some((e) => e.type === 'payout_held'));
      assert.equal(stubs.named('getAccountSnapshot').length, 2, 'billing read again before paying');
      assert.equal(stubs.named('createRefund').length, 0, 'no money sent on a charged-back order');
      assert.equal(held.status, 'under_review', 'back with a person');
      assert.ok(held.escalations.some((e) => /chargeback is open/.test(e.reason)));
      // A person decides again; this time within a day of the re-read: no third read.
      await cases.decide(id, {
        outcome: 'denied',
        note: 'the card network returns the money',
        ...reviewer,
      } as never);
      assert.equal((await cases.handle(id).result()).status, 'denied');
      assert.equal(stubs.named('getAccountSnapshot').length, 2);
    });
  });

  it('with nothing new in billing, the late approval re-reads it and pays once', async () => {
    const stubs = stubActivities({}, { mode: 'succeeded' });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('late-pay');
      await cases.start(getPreset('usage-prorata')!, makeOrder(id, await now()));
      await cases.requestRefund(id, { reason: 'dissatisfied' });
      await waitForCase(cases, id, (s) => s.status === 'under_review');
      await env.sleep(21 * DAY);
      await cases.decide(id, {
        outcome: 'partial_refund',
        amountMinor: 2_000,
        note: 'half used',
        ...reviewer,
      } as never);
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(stubs.named('getAccountSnapshot').length, 2);
      assert.equal(stubs.refunds.size, 1);
      assert.equal(paid.payout?.amountMinor, 2_000);
      const types = paid.timeline.map((e) => e.type);
      assert.ok(
        types.indexOf('billing_reread') < types.indexOf('access_withdrawn'),
        're-read before anything moved',
      );
    });
  });

  it('billing down at a late approval: nothing is paid until it answers, then the refund is paid once', async () => {
    const stubs = stubActivities({}, { mode: 'succeeded' });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('late-outage');
      await cases.start(getPreset('usage-prorata')!, makeOrder(id, await now()));
      await cases.requestRefund(id, { reason: 'dissatisfied' });
      await waitForCase(cases, id, (s) => s.status === 'under_review');
      await env.sleep(21 * DAY);
      stubs.faults.set('getAccountSnapshot', { kind: 'outage' });
      await cases.decide(id, {
        outcome: 'partial_refund',
        amountMinor: 2_000,
        note: 'half used',
        ...reviewer,
      } as never);
      // The re-read fails and is retried on the case's durable backoff; an hour on, support hears of it.
      await env.sleep(2 * 60 * 60_000);
      const waiting = await cases.read(id);
      assert.equal(waiting.status, 'approved');
      assert.ok(stubs.named('getAccountSnapshot').length > 2, 'the re-read was tried again');
      assert.equal(stubs.named('createRefund').length, 0, 'no money moves on facts weeks old');
      stubs.faults.delete('getAccountSnapshot');
      // The next try on the case's backoff (hours apart by now) reads billing and pays.
      await env.sleep(12 * 60 * 60_000);
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(stubs.refunds.size, 1);
      assert.equal(paid.payout?.amountMinor, 2_000);
    });
  });

  it('a refund decided at once (fresh facts) reads billing once', async () => {
    const stubs = stubActivities({ usage: { used: 2_500 } }, { mode: 'succeeded' });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('fresh');
      await cases.start(getPreset('usage-prorata')!, makeOrder(id, await now()));
      assert.equal((await cases.requestRefund(id, { reason: 'dissatisfied' })).decision?.amountMinor, 3_675);
      await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(stubs.named('getAccountSnapshot').length, 1);
    });
  });

  it('a closed case that still runs (an email owed) refuses a subscription cancellation', async () => {
    const stubs = stubActivities();
    stubs.faults.set('sendCustomerEmail', { kind: 'outage' });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('closed-cancel');
      const start = await now();
      const periodEnd = new Date(start.getTime() + 30 * DAY).toISOString();
      await cases.start(
        getPreset('all-sales-final')!,
        makeOrder(id, start, {
          billing: { kind: 'subscription', periodStart: start.toISOString(), periodEnd },
        } as Partial<Order>),
      );
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const closed = await waitForCase(cases, id, (s) => s.closed);
      assert.equal(closed.status, 'not_refundable');
      await assert.rejects(cases.cancelSubscription(id, {}), (err: unknown) => {
        assert.ok(err instanceof CaseRejectedError, String(err));
        assert.match(err.message, /the case is closed \(not_refundable\)/);
        return true;
      });
      assert.equal(stubs.named('cancelSubscriptionAtPeriodEnd').length, 0);
    });
  });
});
