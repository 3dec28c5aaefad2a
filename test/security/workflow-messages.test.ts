// The workflow's side of issue 16, on the time-skipping server with stub activities: a message
// the codec refused (its marker value, as codec/codec.ts decodes an unsealed payload) is dropped
// and recorded when it is a signal, and rejected by the validator when it is an update, without
// failing a workflow task; a signal's actor is the one it carries; and an email failure's timeline
// entry keeps the SMTP server's words (with the customer's address) out.
import assert from 'node:assert/strict';
import { permanentFailure } from '../../activities/errors';
import { NonRetryableErrors } from '../../activities/contract';
import { getPreset, type Order } from '../../policies';
import { incidentConfirmedSignal, paymentUpdateSignal, requestRefundUpdate } from '../../workflows/messages';
import { orderId, stubActivities, waitForCase, withCaseWorker } from '../workflows/support';

const REFUSED = { $refused: 'unsealed payload' };

function makeOrder(id: string, at: Date): Order {
  return {
    orderId: id,
    customerId: `cust-${id}`,
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 1000,
    currency: 'USD',
    promoCreditMinor: 0,
    purchasedAt: at.toISOString(),
    firstPurchaseOfPlan: true,
    productId: 'proxy-dc-1',
    billing: { kind: 'one_time' },
    quota: { unit: 'requests', included: 10_000 },
  };
}

describe('security: refused messages and what the timeline keeps', function () {
  this.timeout(120_000);

  it('drops a refused signal and records message_refused; rejects a refused update; the case goes on', async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('refused');
      await cases.start(getPreset('usage-prorata')!, makeOrder(id, await now()));
      const handle = cases.handle(id);
      // What the worker's codec hands the workflow for a plain payload sent straight to Temporal.
      await handle.signal(incidentConfirmedSignal, REFUSED as never);
      await handle.signal(paymentUpdateSignal, REFUSED as never);
      const refused = await waitForCase(
        cases,
        id,
        (s) => s.timeline.filter((e) => e.type === 'message_refused').length === 2,
      );
      assert.deepEqual(
        refused.timeline.filter((e) => e.type === 'message_refused').map((e) => e.data?.signal),
        ['incidentConfirmed', 'paymentUpdate'],
      );
      assert.equal(refused.status, 'open');
      assert.deepEqual(refused.incidents, []);
      await assert.rejects(
        handle.executeUpdate(requestRefundUpdate, { args: [REFUSED as never] }),
        (err: Error) =>
          /not sealed/.test(String((err as Error & { cause?: Error }).cause?.message ?? err.message)),
      );
      // The case still takes a sealed (here: plain, no codec in this suite) message normally.
      const after = await cases.requestRefund(id, {
        reason: 'changed_mind',
        actor: { role: 'checkout', id: 'key-0123456789abcdef' },
      });
      assert.equal(after.decision?.outcome, 'full_refund');
      const history = await handle.fetchHistory();
      assert.ok(!history.events?.some((e) => e.workflowTaskFailedEventAttributes), 'no workflow task failed');
    });
  });

  it("records a signal's own actor (the reviewer's key id from the API), not an assumed role", async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('actor');
      const start = await now();
      await cases.start(getPreset('proxy-strict')!, makeOrder(id, start));
      await cases.incidentConfirmed(id, {
        incidentId: 'inc-1',
        from: new Date(start.getTime() - 86_400_000).toISOString(),
        to: start.toISOString(),
        description: 'exit nodes down',
        actor: { role: 'reviewer', id: 'key-00aa11bb22cc33dd' },
      });
      const state = await waitForCase(cases, id, (s) =>
        s.timeline.some((e) => e.type === 'incident_confirmed'),
      );
      assert.deepEqual(state.timeline.find((e) => e.type === 'incident_confirmed')?.actor, {
        role: 'reviewer',
        id: 'key-00aa11bb22cc33dd',
      });
    });
  });

  it("keeps the SMTP server's words and the customer's address out of email_failed", async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    const address = 'jane.doe@example.com';
    stubs.activities.sendCustomerEmail = async () => {
      throw permanentFailure(
        NonRetryableErrors.InvalidRecipient,
        `The mail server refused recipient ${address}: 550 5.1.1 <${address}>: Recipient address rejected`,
      );
    };
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('smtp');
      await cases.start(getPreset('usage-prorata')!, makeOrder(id, await now()));
      await cases.requestRefund(id, { reason: 'changed_mind' });
      // Emails are effects the case runs after answering: wait for the refused one on the timeline.
      const state = await waitForCase(cases, id, (s) => s.timeline.some((e) => e.type === 'email_failed'));
      const failed = state.timeline.filter((e) => e.type === 'email_failed');
      assert.ok(failed.length > 0, 'the failure is on the timeline');
      for (const entry of failed) {
        assert.match(entry.summary, /InvalidRecipient/);
        assert.ok(!entry.summary.includes(address) && !entry.summary.includes('550'), entry.summary);
      }
    });
  });
});
