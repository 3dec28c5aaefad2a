// Late events on a real stack (dev server, worker, API): events after a case ended go to the
// order's late-event record (workflows/late-events.ts), flagged on the case until support
// acknowledges them; the record then completes, and a later event starts it again with the
// earlier events still shown.
import assert from 'node:assert/strict';
import { lateEventsWorkflowId } from '../../workflows/late-events';
import { call, eventually, order, startStack, type TestStack } from './stack';

interface LateView {
  status: string;
  lateEvents?: {
    total: number;
    events: {
      key: string;
      kind: string;
      summary: string;
      notifiedAt?: string;
      acknowledgedAt?: string;
      acknowledgedBy?: { role: string };
      acknowledgeNote?: string;
    }[];
  };
  error?: string;
  issues?: { path: string; message: string }[];
}

describe('API: acknowledging late events', function () {
  this.timeout(120_000);
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api-late-events');
  });
  after(async () => stack?.close());

  const acknowledge = (
    orderId: string,
    body: unknown,
    as: 'support' | 'reviewer' | 'admin' = 'support',
    headers: Record<string, string> = {},
  ) =>
    call<LateView>(stack, 'POST', `/v1/cases/${orderId}/late-events/acknowledgements`, { as, body, headers });
  const recordStatus = async (orderId: string) =>
    (await stack.cases.client.workflow.getHandle(lateEventsWorkflowId(orderId)).describe()).status.name;

  /** A case withdrawn and ended, so later events go to its late-event record. */
  async function endedCase(): Promise<string> {
    const o = order();
    const orderId = String(o.orderId);
    await call(stack, 'POST', '/v1/cases', { as: 'checkout', body: { policyId: 'proxy-strict', order: o } });
    await call(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'billing_error' },
    });
    const withdrawn = await call<LateView>(stack, 'POST', `/v1/cases/${orderId}/withdrawal`, {
      as: 'checkout',
      body: {},
    });
    assert.equal(withdrawn.body.status, 'withdrawn');
    await eventually(
      async () => (await stack.cases.handle(orderId).describe()).status.name === 'COMPLETED',
      'the withdrawn case to end',
    );
    return orderId;
  }
  const chargeback = (orderId: string, reference: string) =>
    call(stack, 'POST', `/v1/cases/${orderId}/chargebacks`, {
      as: 'support',
      body: { active: true, reference },
    });
  const notified = (orderId: string, n: number) =>
    eventually(async () => {
      const r = await stack.cases.lateEvents(orderId);
      return r && r.events.length === n && r.events.every((e) => e.notifiedAt) && r;
    }, `${n} late events recorded and support told`);

  it('refuses where there is nothing to acknowledge, bad bodies and roles other than support', async () => {
    const orderId = await endedCase();
    const none = await acknowledge(orderId, {});
    assert.equal(none.status, 409);
    assert.match(none.body.error ?? '', /no event arrived after this case ended/);
    assert.equal((await acknowledge('no-such-order-late', {})).status, 404);
    assert.equal((await acknowledge(orderId, {}, 'reviewer')).status, 403);
    const bad = await acknowledge(orderId, { keys: [] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.issues?.[0]?.path, 'keys');
    const unknownField = await acknowledge(orderId, { everything: true });
    assert.equal(unknownField.status, 400);
  });

  it('flags late events until acknowledged; the record completes when all are; a later event starts it again, keeping the earlier ones', async () => {
    const orderId = await endedCase();
    assert.equal((await chargeback(orderId, 'cb-1')).status, 200);
    assert.equal((await chargeback(orderId, 'cb-2')).status, 200);
    const record = await notified(orderId, 2);
    const [first, second] = record.events;
    const unknownKey = await acknowledge(orderId, { keys: ['chargeback:nope'] });
    assert.equal(unknownKey.status, 409);
    assert.match(unknownKey.body.error ?? '', /keys: no late event chargeback:nope/);

    // One of two: the record stays open for the other.
    const one = await acknowledge(orderId, { keys: [first!.key], note: 'refunded by hand' }, 'support', {
      'Idempotency-Key': `ack-${orderId}`,
    });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    const afterOne = one.body.lateEvents!.events;
    assert.equal(afterOne.find((e) => e.key === first!.key)?.acknowledgedBy?.role, 'support');
    assert.equal(afterOne.find((e) => e.key === first!.key)?.acknowledgeNote, 'refunded by hand');
    assert.equal(afterOne.find((e) => e.key === second!.key)?.acknowledgedAt, undefined);
    assert.equal(await recordStatus(orderId), 'RUNNING');
    // A retry with the same Idempotency-Key is the same acknowledgement, answered again.
    const again = await acknowledge(orderId, { keys: [first!.key], note: 'refunded by hand' }, 'support', {
      'Idempotency-Key': `ack-${orderId}`,
    });
    assert.equal(again.status, 200);
    const already = await acknowledge(orderId, { keys: [first!.key] });
    assert.equal(already.status, 409);
    assert.match(already.body.error ?? '', /already acknowledged/);

    // The rest (admin may too): every event told and acknowledged, so the record completes.
    const rest = await acknowledge(orderId, {}, 'admin');
    assert.equal(rest.status, 200, JSON.stringify(rest.body));
    assert.ok(rest.body.lateEvents!.events.every((e) => e.acknowledgedAt));
    await eventually(async () => (await recordStatus(orderId)) === 'COMPLETED', 'the record to complete');
    const view = await call<LateView>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' });
    assert.equal(view.body.lateEvents?.total, 2, 'a completed record still shows its events');
    const nothingLeft = await acknowledge(orderId, {});
    assert.equal(nothingLeft.status, 409);
    assert.match(nothingLeft.body.error ?? '', /already acknowledged/);

    // A later event is never dropped: a new run, seeded with the acknowledged ones.
    assert.equal((await chargeback(orderId, 'cb-3')).status, 200);
    const seeded = await notified(orderId, 3);
    assert.equal(seeded.total, 3);
    assert.deepEqual(
      seeded.events.map((e) => !!e.acknowledgedAt),
      [true, true, false],
    );
    assert.equal(await recordStatus(orderId), 'RUNNING');
  });
});
