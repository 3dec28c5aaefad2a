// Races the old engine lost: a deadline firing while a handler is half-way, an information
// request pausing the clock just as it fires, a request stamped inside the window processed after
// it, a payout whose answer was lost, a late event for an earlier payout attempt.
import assert from 'node:assert/strict';
import type { temporal } from '@temporalio/proto';
import { getPreset } from '../../policies';
import { CaseRejectedError } from '../../client/refund-client';
import { DAY, orderId, stubActivities, waitForCase, withCaseWorker, testOrder } from './support';

const order = testOrder;

// The slow-billing race runs last: its worker's 4-second activity is the one most likely to be in
// flight when its case is terminated, which holds the shared server's clock until it times out.
describe('races (time skipping)', function () {
  this.timeout(180_000);

  it('an information request just before the decision deadline pauses the clock: no escalation, the deadline moves by the pause', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('race-info');
      await cases.start(getPreset('cloud-provider-fault')!, order(id, await now()));
      // A billing error goes to a person at once (a technical claim would wait out remediation first).
      await cases.requestRefund(id, { reason: 'billing_error' });
      const deadline = Date.parse((await cases.read(id)).deadlines.decisionDeadline!);
      await env.sleep(deadline - (await now()).getTime() - 2_000);
      await cases.requestInformation(id, { items: ['logs'] });
      await env.sleep(3 * DAY);
      const waiting = await cases.read(id);
      assert.equal(waiting.escalated, false, 'a paused clock never escalates');
      assert.equal(waiting.deadlines.decisionDeadline, undefined);
      await cases.provideInformation(id, { items: ['logs'] });
      const resumed = await cases.read(id);
      const pause =
        Date.parse(resumed.informationRequest!.providedAt!) -
        Date.parse(resumed.informationRequest!.requestedAt);
      assert.equal(
        Date.parse(resumed.deadlines.decisionDeadline!),
        deadline + pause,
        'the remaining two seconds are kept',
      );
      await env.sleep(60_000);
      assert.ok(
        (await waitForCase(cases, id, (s) => s.escalated)).escalations.some((e) =>
          e.reason.startsWith('decision deadline'),
        ),
      );
    });
  });

  it('a request stamped inside the window but processed after it closed is judged at its stamp; stale and future stamps are refused', async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('race-stamp');
      await cases.start(getPreset('usage-prorata')!, order(id, await now()));
      const windowEnd = Date.parse((await cases.read(id)).deadlines.requestWindowEndsAt!);
      await env.sleep(windowEnd - (await now()).getTime() + 10 * 60_000);
      const expired = await waitForCase(cases, id, (s) => s.status === 'expired');
      assert.equal(expired.closed, false, 'an expired case waits for messages stamped in time');
      const current = (await now()).getTime();
      await assert.rejects(
        cases.requestRefund(
          id,
          { reason: 'changed_mind' },
          { receivedAt: new Date(current - 2 * 60 * 60_000).toISOString() },
        ),
        (e: unknown) => e instanceof CaseRejectedError && /receivedAt: .* minutes old/.test(e.message),
      );
      await assert.rejects(
        cases.requestRefund(
          id,
          { reason: 'changed_mind' },
          { receivedAt: new Date(current + 60 * 60_000).toISOString() },
        ),
        (e: unknown) => e instanceof CaseRejectedError && /receivedAt: .* in the future/.test(e.message),
      );
      const stamped = new Date(windowEnd - 60_000).toISOString();
      const answer = await cases.requestRefund(id, { reason: 'changed_mind' }, { receivedAt: stamped });
      assert.equal(answer.decision?.outcome, 'full_refund', 'judged at its stamp, inside the window');
      assert.equal((await cases.read(id)).request?.requestedAt, stamped);
    });
  });

  it("a payout whose answer was lost keeps its key; the gateway's refund is found and adopted, never paid twice", async () => {
    const stubs = stubActivities({ usage: { used: 0 } }, { statusOnCheck: 'succeeded' });
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('race-lost');
      await cases.start(getPreset('usage-prorata')!, order(id, await now()));
      stubs.faults.set('createRefund', { kind: 'lost_answer' });
      await cases.requestRefund(id, { reason: 'changed_mind' });
      await waitForCase(cases, id, (s) => !!s.payout?.outcomeUnknown);
      stubs.faults.delete('createRefund');
      await env.sleep(5 * 60_000);
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(stubs.refunds.size, 1, 'one refund at the gateway');
      assert.ok(stubs.named('findRefunds').length >= 1, 'the gateway was asked before another try');
      assert.ok(
        new Set(
          stubs.named('createRefund').map((c) => (c.input as { idempotencyKey: string }).idempotencyKey),
        ).size <= 1,
        'one key',
      );
      assert.equal(paid.payout?.attempt, 1);
    });
  });

  it('a late success for an earlier attempt settles the case and stops the re-routed one', async () => {
    const stubs = stubActivities({ usage: { used: 0 } }, { mode: 'failed' });
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('race-late');
      await cases.start(getPreset('usage-prorata')!, order(id, await now()));
      await cases.requestRefund(id, { reason: 'changed_mind' });
      const failed = await waitForCase(cases, id, (s) => s.payout?.status === 'failed');
      const firstRefund = failed.payout!.refundId!;
      stubs.gateway.mode = 'pending';
      await cases.decide(id, { outcome: 'full_refund', note: 'try again' });
      const second = await waitForCase(
        cases,
        id,
        (s) => s.status === 'payout_pending' && s.payout?.attempt === 2,
      );
      assert.ok(stubs.named('findRefunds').length >= 1, 'looked at the gateway before the new attempt');
      await cases.paymentUpdate(id, { eventId: 'evt-late', refundId: firstRefund, status: 'succeeded' });
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(paid.earlierPayouts?.[0]?.status, 'succeeded');
      assert.equal(paid.payout?.status, 'canceled');
      assert.ok(
        paid.escalations.some((e) => /two refunds may settle/.test(e.reason)),
        `support told to reverse ${second.payout?.refundId}`,
      );
    });
  });

  it('a malformed signal is refused on the timeline and never fails the workflow task', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('race-bad-signal');
      await cases.start(getPreset('usage-prorata')!, order(id, await now()));
      await cases.paymentUpdate(id, { eventId: '', refundId: 'x', status: 'bogus' } as never);
      const state = await waitForCase(cases, id, (s) => s.timeline.some((e) => e.type === 'message_refused'));
      assert.equal(state.status, 'open');
      // The signal may be handled in the case's first activation, before 'Case opened' is written.
      assert.match(state.timeline.find((e) => e.type === 'message_refused')!.summary, /eventId/);
    });
  });
  it('the window closes while the request is half-way (billing slow): the request made in time is decided in time', async () => {
    const stubs = stubActivities({ usage: { used: 0 } });
    const read = stubs.activities.getAccountSnapshot;
    stubs.activities.getAccountSnapshot = async (ref) => {
      await new Promise((r) => setTimeout(r, 4_000));
      return read(ref);
    };
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('race-window');
      // The window closes 2 seconds from now; billing answers in 4.
      await cases.start(
        getPreset('usage-prorata')!,
        order(id, new Date((await now()).getTime() - 7 * DAY + 2_000)),
      );
      const answer = await cases.requestRefund(id, { reason: 'changed_mind' });
      assert.equal(answer.decision?.outcome, 'full_refund');
      const state = await waitForCase(cases, id, (s) => s.status === 'payout_pending');
      assert.ok(
        !state.timeline.some((e) => e.type === 'window_closed'),
        'the window never closed on a request made in time',
      );
      assert.ok(Date.parse(state.request!.requestedAt) < Date.parse(state.deadlines.requestWindowEndsAt!));
    });
  });

  it('a chargeback arrives while billing is read (the read outlasts a workflow task): the decision is taken on it, not on the facts read', async function () {
    this.timeout(120_000);
    const stubs = stubActivities({ usage: { used: 0 } });
    const read = stubs.activities.getAccountSnapshot;
    let reads = 0;
    // The first read outlasts its 5 s bound and is tried again, 4 s more: past the 8 s at which the
    // worker hands the workflow task back (a heartbeat), so the chargeback is handled mid-read.
    stubs.activities.getAccountSnapshot = async (ref) => {
      reads++;
      await new Promise((r) => setTimeout(r, reads === 1 ? 6_000 : 4_000));
      return read(ref);
    };
    await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('race-chargeback-mid-read');
      await cases.start(getPreset('usage-prorata')!, order(id, await now()));
      const answered = cases.requestRefund(id, { reason: 'changed_mind' });
      await new Promise((r) => setTimeout(r, 2_000));
      await cases.chargeback(id, { active: true, reference: 'cb-mid-read' });
      await answered;
      const state = await waitForCase(cases, id, (s) => !!s.decision);
      assert.notEqual(
        state.decision!.outcome,
        'full_refund',
        'the refund billing alone would have allowed is not paid',
      );
      assert.ok(state.decision!.reasons.includes('ACTIVE_CHARGEBACK'), state.decision!.reasons.join(', '));
      assert.equal(state.payout, undefined, 'no money moved');
      const types = localActivityTypes(await cases.handle(id).fetchHistory());
      assert.deepEqual(
        types.filter((t) => t !== 'appendLedger'),
        ['assessRequest', 'evaluatePolicy'],
        'the assessment, then the evaluation again on the facts as they were by then',
      );
    });
  });
});

/** The activity types of a history's local-activity markers, in order. */
function localActivityTypes(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
    .map((e) => {
      const data = e.markerRecordedEventAttributes!.details!['data']!.payloads![0]!.data!;
      return (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type;
    });
}
