// Cases that live for months, on the time-skipping server: a payout the gateway never settles is
// watched for 400 days in runs of bounded history (continue-as-new), and the case that comes out
// of every hand-over is the same case — state, deadlines, timeline, pending effects, seen events.
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { getPreset, type Order } from '../../policies';
import {
  DAY,
  orderId,
  recordHistory,
  stubActivities,
  waitForCase,
  withCaseWorker,
  testOrder,
} from './support';

const usageProrata = () => getPreset('usage-prorata')!;

const order = (id: string, at: Date, overrides: Partial<Order> = {}): Order =>
  testOrder(id, at, { productId: 'api-pro', ...overrides });

/** Every run of a workflow id, first to last, with its event count (walking continuedExecutionRunId back). */
async function runsOf(client: Client, workflowId: string): Promise<{ runId: string; events: number }[]> {
  const runs: { runId: string; events: number }[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ runId, events: history.events?.length ?? 0 });
    runId =
      history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return runs;
}

describe('cases that live for months (time skipping)', function () {
  this.timeout(900_000);

  it('a payout that never settles for 400 days: every run under 3,000 events, the case intact across runs', async () => {
    const stubs = stubActivities({ usage: { used: 0 } }, { mode: 'pending', statusOnCheck: 'pending' });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('stuck-400');
      const start = await now();
      await cases.start(usageProrata(), order(id, start));
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const pending = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      const firstRun = (await cases.handle(id).describe()).runId;

      // A repeated gateway event before the hand-overs must still be recognised after them.
      await cases.paymentUpdate(id, {
        eventId: 'evt_pending_1',
        refundId: pending.payout!.refundId!,
        status: 'pending',
      });
      await env.sleep(400 * DAY);
      const after = await waitForCase(cases, id, (s) => s.escalated);

      const runs = await runsOf(cases.client, cases.handle(id).workflowId);
      const counts = runs.map((r) => r.events);
      // The figure for the closing note.
      console.log(`      400-day stuck payout: ${runs.length} runs, events per run ${counts.join(', ')}`);
      assert.ok(runs.length > 1, `the case continued as new (runs: ${counts.join(', ')})`);
      assert.equal(runs[0]!.runId, firstRun);
      for (const events of counts) assert.ok(events < 3_000, `a run of ${events} events`);

      // The same case: status, deadlines, decision, payout and the timeline as it stood, extended.
      assert.equal(after.status, 'payout_pending');
      assert.deepEqual(after.deadlines, pending.deadlines);
      assert.deepEqual(after.decision, pending.decision);
      assert.equal(after.payout?.refundId, pending.payout?.refundId);
      assert.deepEqual(after.timeline.slice(0, pending.timeline.length), pending.timeline);
      assert.ok(after.escalations.some((e) => e.reason.startsWith('payout limit')));
      // Polling went on in every run (the pending settlement check was carried), slower after a week.
      const checks = stubs.named('getRefundStatus').length;
      assert.ok(checks > 400 && checks < 600, `${checks} settlement checks in 400 days`);
      assert.equal(stubs.named('createRefund').length, 1, 'never a second refund');
      // The payout-limit escalation and the customer's email went out once, not once per run.
      const escalations = stubs
        .named('notifySupport')
        .filter((c) => (c.input as { kind: string }).kind === 'escalation');
      assert.equal(escalations.length, 1);

      // Memo and search attributes follow the runs: a repeated start still finds this case.
      const again = await cases.start(usageProrata(), order(id, start));
      assert.equal(again.created, false);
      const attrs = (await cases.handle(id).describe()).typedSearchAttributes;
      const get = (name: string) => attrs.getAll().find((p) => p.key.name === name)?.value;
      assert.equal(get('RefundStatus'), 'payout_pending');
      assert.equal(get('RefundEscalated'), true);
      assert.equal(get('RefundPolicyId'), 'usage-prorata');

      // The event seen in the first run is still a repeat; the settlement then closes the case.
      await cases.paymentUpdate(id, {
        eventId: 'evt_pending_1',
        refundId: pending.payout!.refundId!,
        status: 'succeeded',
      });
      await cases.paymentUpdate(id, {
        eventId: 'evt_settled',
        refundId: pending.payout!.refundId!,
        status: 'succeeded',
      });
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(paid.timeline.filter((e) => e.type === 'payout_settled').length, 1);
      // The last run: one that started from a carried case.
      await recordHistory(cases, id, 'continued-as-new-then-paid');
    });
  });

  it('the payout limit passes: the customer is told, support resolves it with a payout made outside the gateway, escalated clears', async () => {
    const stubs = stubActivities({ usage: { used: 0 } }, { mode: 'pending', statusOnCheck: 'pending' });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('limit-route');
      await cases.start(usageProrata(), order(id, await now()));
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const pending = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      // Before the limit the route is closed: the refund may still settle.
      await assert.rejects(
        cases.recordOutsidePayout(id, { reference: 'BT-1', amountMinor: 1000, method: 'bank_transfer' }),
        /payout route opens when the payout limit passes/,
      );
      await env.sleep(Date.parse(pending.deadlines.payoutDeadline!) - (await now()).getTime() + 60_000);
      const late = await waitForCase(cases, id, (s) => s.escalated);
      assert.equal(late.status, 'payout_pending');
      assert.match(
        late.escalations.at(-1)!.reason,
        /retry to the original method, record a payout made outside the gateway, or grant credit/,
      );
      await waitForCase(cases, id, () =>
        stubs.named('sendCustomerEmail').some((c) => (c.input as { kind: string }).kind === 'payout_delayed'),
      );
      // A retry while the refund is pending at the gateway would pay twice.
      await assert.rejects(cases.retryPayout(id, { note: 'try again' }), /still pending at the gateway/);
      await assert.rejects(
        cases.recordOutsidePayout(id, { reference: 'BT-1', amountMinor: 1001, method: 'bank_transfer' }),
        /amountMinor: must be at most the cash paid \(1000\)/,
      );
      const answer = await cases.recordOutsidePayout(
        id,
        { reference: 'BT-2026-0001', amountMinor: 1000, method: 'bank_transfer', note: 'paid by wire' },
        { updateId: 'outside-1' },
      );
      assert.equal(answer.status, 'paid');
      const paid = await cases.read(id);
      assert.equal(paid.escalated, false, 'escalated clears when someone acts');
      assert.ok(paid.timeline.some((e) => e.type === 'escalation_cleared'));
      assert.deepEqual(paid.payout?.outside, {
        reference: 'BT-2026-0001',
        method: 'bank_transfer',
        recordedBy: { role: 'support' },
      });
      assert.equal(paid.earlierPayouts?.[0]?.abandoned, true);
      assert.ok(paid.deadlines.settlePeriodEndsAt, 'a paid case listens for its settle period');
      // The abandoned refund settles after all: a double payment, flagged to support.
      await cases.paymentUpdate(id, {
        eventId: 'evt_late_success',
        refundId: pending.payout!.refundId!,
        status: 'succeeded',
      });
      const flagged = await waitForCase(cases, id, (s) => s.escalated);
      assert.match(flagged.escalations.at(-1)!.reason, /paid twice/);
      await recordHistory(cases, id, 'payout-limit-paid-outside');
      assert.equal(flagged.status, 'paid');
      assert.equal(stubs.named('createRefund').length, 1);
    });
  });

  it('a paid case listens for its settle period: a refund reported failed after it settled reopens the route; a retry pays once', async () => {
    const stubs = stubActivities({ usage: { used: 0 } }, { mode: 'pending', statusOnCheck: 'pending' });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('reversed');
      await cases.start(usageProrata(), order(id, await now()));
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const pending = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      const refundId = pending.payout!.refundId!;
      await cases.paymentUpdate(id, { eventId: 'evt_ok', refundId, status: 'succeeded' });
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(paid.closed, true);
      assert.equal((await cases.handle(id).describe()).status.name, 'RUNNING', 'still listening');
      await env.sleep(10 * DAY);
      await cases.paymentUpdate(id, {
        eventId: 'evt_reversed',
        refundId,
        status: 'failed',
        failureReason: 'expired_or_canceled_card',
      });
      const reopened = await waitForCase(cases, id, (s) => s.status === 'approved');
      assert.equal(reopened.closed, false);
      assert.equal(reopened.escalated, true);
      assert.equal(reopened.payout?.status, 'failed');
      assert.ok(reopened.timeline.some((e) => e.type === 'payout_reversed'));
      await waitForCase(cases, id, () =>
        stubs.named('sendCustomerEmail').some((c) => (c.input as { kind: string }).kind === 'payout_delayed'),
      );
      // The gateway lists the first refund as failed too (the stub keeps what the test says).
      for (const refund of stubs.refunds.values()) refund.status = 'failed';
      const retried = await cases.retryPayout(id, { note: 'card replaced, try again' });
      assert.equal(retried.status, 'approved');
      const second = await waitForCase(
        cases,
        id,
        (s) => s.status === 'payout_pending' && s.payout?.attempt === 2,
      );
      assert.equal(second.escalated, false);
      assert.ok(
        Date.parse(second.deadlines.payoutDeadline!) > Date.parse(reopened.deadlines.payoutDeadline!),
        'the retry has a payout limit of its own',
      );
      assert.equal(stubs.named('createRefund').length, 2, 'a second attempt only after the first failed');
      assert.equal(stubs.named('findRefunds').length, 1, 'the gateway was asked first');
      await cases.paymentUpdate(id, {
        eventId: 'evt_ok_2',
        refundId: second.payout!.refundId!,
        status: 'succeeded',
      });
      await waitForCase(cases, id, (s) => s.status === 'paid');
      // The settle period runs out: the run ends; later events go to the late-event record (the API's job).
      assert.equal((await cases.handle(id).result()).status, 'paid');
      await recordHistory(cases, id, 'paid-reversed-retried');
    });
  });

  it('credit instead of a failed refund: the case is credited through billing', async () => {
    const stubs = stubActivities(
      { usage: { used: 0 } },
      { mode: 'failed', failureReason: 'insufficient_funds' },
    );
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('credit-instead');
      await cases.start(usageProrata(), order(id, await now()));
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const failed = await waitForCase(cases, id, (s) => s.payout?.status === 'failed' && s.escalated);
      assert.equal(failed.status, 'approved');
      const answer = await cases.grantCreditInstead(id, { note: 'customer prefers credit' });
      assert.equal(answer.decision?.outcome, 'credit');
      const credited = await waitForCase(cases, id, (s) => s.status === 'credited');
      assert.equal(credited.escalated, false);
      assert.deepEqual(
        stubs.named('issueCredit').map((c) => (c.input as { amountMinor: number }).amountMinor),
        [1000],
      );
      await assert.rejects(cases.retryPayout(id, { note: 'too late' }), /closed/);
    });
  });
});
