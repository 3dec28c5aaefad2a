// Money after approval, through the API on a real stack (dev server, worker, sandbox gateway
// with its settler and signed webhooks): the payout route when the gateway fails a refund
// (retry, a payout made outside the gateway, credit instead), chargebacks and dispute events on
// a paid case, and events for a case that has ended going to the order's late-event record.
import assert from 'node:assert/strict';
import path from 'node:path';
import Stripe from 'stripe';
import { SandboxGateway, SIGNATURE_HEADER, embeddedFiles, signWebhook } from '../../activities';
import { buildApi } from '../../client/api/app';
import { createLogger } from '../../config/logger';
import { WEBHOOK_SECRET, call, eventually, order, startStack, type TestStack } from './stack';

interface CaseBody {
  status: string;
  closed: boolean;
  escalated: boolean;
  escalations: { reason: string }[];
  chargebackActive: boolean;
  deadlines: Record<string, string>;
  payoutRoute?: { reason: string };
  payout?: {
    attempt: number;
    status: string;
    refundId?: string;
    amountMinor: number;
    outside?: { reference: string; method: string };
  };
  decision?: { outcome: string; amountMinor: number };
  timeline: { type: string; actor: { role: string } }[];
  error?: string;
  issues?: { path: string; message: string }[];
}

describe('API: the payout route and events after close', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let gateway: SandboxGateway;
  before(async () => {
    stack = await startStack('api-payout-route');
    gateway = SandboxGateway.open(path.join(stack.dataDir, embeddedFiles.gateway));
  });
  after(async () => {
    await gateway?.close();
    await stack?.close();
  });

  const read = async (orderId: string) =>
    (await call<CaseBody>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' })).body;

  /** A usage-prorata case with nothing used whose refund the gateway fails (insufficient funds). */
  async function failedPayout(): Promise<string> {
    const o = order({ amountMinor: 1999 });
    const orderId = String(o.orderId);
    gateway.setOrderFailure(orderId, 'insufficient_funds');
    assert.equal(
      (
        await call(stack, 'POST', '/v1/cases', {
          as: 'checkout',
          body: { policyId: 'usage-prorata', order: o, customerEmail: 'payer@example.com' },
        })
      ).status,
      201,
    );
    await call(stack, 'PUT', `/v1/orders/${orderId}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    const request = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.equal(request.status, 200, JSON.stringify(request.body));
    await eventually(async () => {
      const c = await read(orderId);
      return c.payout?.status === 'failed' && c.escalated && c;
    }, 'the gateway to fail the refund');
    return orderId;
  }

  const outbox = async (orderId: string) =>
    (
      await call<{ messages: { kind: string; to: string; subject: string }[] }>(
        stack,
        'GET',
        `/v1/outbox?orderId=${orderId}`,
        { as: 'support' },
      )
    ).body.messages;

  it('a failed refund: the customer is told; only support may act; a retry pays once and clears escalated', async () => {
    const orderId = await failedPayout();
    const failed = await read(orderId);
    assert.equal(failed.status, 'approved');
    // The read says the route is open, and why (the support UI offers the choices from it).
    assert.equal(failed.payoutRoute?.reason, 'the gateway reported the refund failed');
    await eventually(
      async () => (await outbox(orderId)).some((m) => m.kind === 'payout_delayed'),
      'the customer to be told the refund is late',
    );
    for (const role of ['checkout', 'reviewer'] as const)
      assert.equal(
        (await call(stack, 'POST', `/v1/cases/${orderId}/payout-retries`, { as: role, body: { note: 'x' } }))
          .status,
        403,
        role,
      );
    const noNote = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/payout-retries`, {
      as: 'support',
      body: {},
    });
    assert.equal(noNote.status, 400);
    assert.ok(
      noNote.body.issues?.some((i) => i.path === 'note'),
      JSON.stringify(noNote.body),
    );

    gateway.setOrderFailure(orderId, null); // the customer fixed their card
    const retried = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/payout-retries`, {
      as: 'support',
      body: { note: 'the customer updated the card' },
      headers: { 'Idempotency-Key': `retry-${orderId}` },
    });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.escalated, false);
    assert.equal(retried.body.payoutRoute, undefined, 'the route closes once taken');
    const paid = await eventually(async () => {
      const c = await read(orderId);
      return c.status === 'paid' && c;
    }, 'the retry to settle');
    assert.equal(paid.payout?.attempt, 2);
    const refunds = gateway.listRefunds({ orderId });
    assert.deepEqual(refunds.map((r) => r.status).sort(), ['failed', 'succeeded'], 'one refund paid');
    // The same key again: applied once.
    const again = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/payout-retries`, {
      as: 'support',
      body: { note: 'the customer updated the card' },
      headers: { 'Idempotency-Key': `retry-${orderId}` },
    });
    assert.equal(again.status, 200);
    assert.equal(gateway.listRefunds({ orderId }).length, 2);
  });

  it('a failed refund paid outside the gateway: recorded with its reference; amounts above the cash paid are refused', async () => {
    const orderId = await failedPayout();
    const tooMuch = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/outside-payouts`, {
      as: 'support',
      body: { reference: 'BT-99', amountMinor: 2000, method: 'bank_transfer' },
    });
    assert.equal(tooMuch.status, 409);
    assert.match(tooMuch.body.error!, /amountMinor: must be at most the cash paid \(1999\)/);
    const badMethod = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/outside-payouts`, {
      as: 'support',
      body: { reference: 'BT-99', amountMinor: 1999, method: 'carrier_pigeon' },
    });
    assert.equal(badMethod.status, 400);
    assert.ok(badMethod.body.issues?.some((i) => i.path === 'method'));
    const recorded = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/outside-payouts`, {
      as: 'support',
      body: { reference: 'BT-2026-11-30-7', amountMinor: 1999, method: 'bank_transfer', note: 'wired' },
    });
    assert.equal(recorded.status, 200, JSON.stringify(recorded.body));
    assert.equal(recorded.body.status, 'paid');
    assert.equal(recorded.body.escalated, false);
    assert.equal(recorded.body.payout?.outside?.reference, 'BT-2026-11-30-7');
    assert.equal(recorded.body.payout?.outside?.method, 'bank_transfer');
    assert.equal(recorded.body.payout?.amountMinor, 1999);
    assert.ok(recorded.body.deadlines.settlePeriodEndsAt, 'the paid case listens for its settle period');
    assert.equal(gateway.listRefunds({ orderId }).filter((r) => r.status === 'succeeded').length, 0);

    // A dispute on the paid order, from the gateway's webhook: the case records it and escalates.
    const dispute = JSON.stringify({
      id: `evt_dp_${orderId}`,
      type: 'dispute.created',
      created: Math.floor(Date.now() / 1000),
      data: { disputeId: `dp_${orderId}`, orderId, status: 'needs_response', reason: 'fraudulent' },
    });
    const posted = await call(stack, 'POST', '/v1/webhooks/payments', {
      rawBody: dispute,
      headers: { [SIGNATURE_HEADER]: signWebhook(WEBHOOK_SECRET, dispute) },
    });
    assert.deepEqual(posted.body, { received: true, delivered: true });
    const disputed = await eventually(async () => {
      const c = await read(orderId);
      return c.chargebackActive && c.escalated && c;
    }, 'the dispute on the case');
    assert.ok(disputed.escalations.some((e) => /already refunded/.test(e.reason)));
    assert.ok(disputed.timeline.some((e) => e.type === 'chargeback_opened' && e.actor.role === 'gateway'));
  });

  it('credit instead of a failed refund', async () => {
    const orderId = await failedPayout();
    const credited = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/payout-credits`, {
      as: 'support',
      body: { amountMinor: 1500, note: 'the customer asked for credit' },
    });
    assert.equal(credited.status, 200, JSON.stringify(credited.body));
    const done = await eventually(async () => {
      const c = await read(orderId);
      return c.status === 'credited' && c;
    }, 'the credit');
    assert.equal(done.decision?.outcome, 'credit');
    assert.equal(done.decision?.amountMinor, 1500);
    assert.equal(done.escalated, false);
  });

  it('the route is refused where it is not open, and for unknown cases', async () => {
    const o = order();
    await call(stack, 'POST', '/v1/cases', { as: 'checkout', body: { policyId: 'usage-prorata', order: o } });
    const closed = await call<CaseBody>(stack, 'POST', `/v1/cases/${o.orderId}/payout-credits`, {
      as: 'support',
      body: { note: 'x' },
    });
    assert.equal(closed.status, 409);
    assert.match(closed.body.error!, /cannot resolve the payout while the case is open/);
    const unknown = await call(stack, 'POST', '/v1/cases/ord-nobody/payout-retries', {
      as: 'support',
      body: { note: 'x' },
    });
    assert.equal(unknown.status, 404);
  });

  it('chargebacks through the API; after the case has ended they go to the late-event record and support is told', async () => {
    // A withdrawn case ends at once (no money moved, no denial to dispute).
    const o = order();
    const orderId = String(o.orderId);
    await call(stack, 'POST', '/v1/cases', { as: 'checkout', body: { policyId: 'proxy-strict', order: o } });
    const pending = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'billing_error' },
    });
    assert.equal(pending.body.status, 'under_review', JSON.stringify(pending.body));
    const withdrawn = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/withdrawal`, {
      as: 'checkout',
      body: { note: 'sorted out' },
    });
    assert.equal(withdrawn.body.status, 'withdrawn');
    assert.equal(
      (
        await call(stack, 'POST', `/v1/cases/${orderId}/chargebacks`, {
          as: 'checkout',
          body: { active: true },
        })
      ).status,
      403,
    );
    const bad = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/chargebacks`, {
      as: 'support',
      body: { active: 'yes' },
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.issues?.some((i) => i.path === 'active'));
    await eventually(
      async () => (await stack.cases.handle(orderId).describe()).status.name === 'COMPLETED',
      'the withdrawn case to end',
    );

    const late = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/chargebacks`, {
      as: 'support',
      body: { active: true, reference: 'cb-771', note: 'card network notice' },
      headers: { 'Idempotency-Key': `cb-${orderId}` },
    });
    assert.equal(late.status, 200, JSON.stringify(late.body));
    // A gateway event for the ended case too, delivered twice.
    const refundEvent = JSON.stringify({
      id: `evt_late_${orderId}`,
      type: 'refund.updated',
      created: Math.floor(Date.now() / 1000),
      data: { refundId: 're_unknown', orderId, status: 'failed', amountMinor: 1999, currency: 'USD' },
    });
    for (let i = 0; i < 2; i++) {
      const posted = await call(stack, 'POST', '/v1/webhooks/payments', {
        rawBody: refundEvent,
        headers: { [SIGNATURE_HEADER]: signWebhook(WEBHOOK_SECRET, refundEvent) },
      });
      assert.deepEqual(posted.body, { received: true, delivered: true, lateRecord: true });
    }
    await call(stack, 'POST', `/v1/cases/${orderId}/chargebacks`, {
      as: 'support',
      body: { active: true, reference: 'cb-771', note: 'card network notice' },
      headers: { 'Idempotency-Key': `cb-${orderId}` },
    });
    const record = await eventually(async () => {
      const r = await stack.cases.lateEvents(orderId);
      return r && r.events.length === 2 && r.events.every((e) => e.notifiedAt) && r;
    }, 'the late events to be recorded and support told');
    assert.equal(record.total, 2, 'repeats are recognised');
    assert.deepEqual(
      record.events.map((e) => [e.kind, e.caseStatus]),
      [
        ['chargeback', 'withdrawn'],
        ['payment_update', 'withdrawn'],
      ],
    );
    // Support reads them on the case.
    const view = (
      await call<{ lateEvents?: { total: number; events: { kind: string }[] } }>(
        stack,
        'GET',
        `/v1/cases/${orderId}`,
        { as: 'support' },
      )
    ).body;
    assert.equal(view.lateEvents?.total, 2);
    assert.equal(
      (await call<{ lateEvents?: unknown }>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'checkout' })).status,
      403,
    );
    const notices = (await outbox(orderId)).filter((m) => m.kind.startsWith('support:'));
    assert.ok(
      notices.some((m) => /After the case ended \(withdrawn\)/.test(m.subject)),
      JSON.stringify(notices),
    );
    // An event for an order that never had a case is still acknowledged, undelivered.
    const stray = JSON.stringify({
      id: 'evt_stray',
      type: 'dispute.created',
      created: Math.floor(Date.now() / 1000),
      data: { disputeId: 'dp_stray', orderId: 'ord-never-existed' },
    });
    const strayAnswer = await call<{ delivered: boolean }>(stack, 'POST', '/v1/webhooks/payments', {
      rawBody: stray,
      headers: { [SIGNATURE_HEADER]: signWebhook(WEBHOOK_SECRET, stray) },
    });
    assert.equal(strayAnswer.body.delivered, false);
  });

  it("in Stripe mode, a charge.dispute event reaches the case as a chargeback (orderId from the dispute's metadata)", async () => {
    const secret = 'whsec_stripe_disputes_0123456789';
    const app = await buildApi({
      cases: stack.cases,
      apiKeys: stack.config.api.keys,
      webhookSecret: secret,
      webhookGateway: 'stripe',
      logger: createLogger('silent'),
      uiRoot: false,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const o = order();
      const orderId = String(o.orderId);
      await call(stack, 'POST', '/v1/cases', {
        as: 'checkout',
        body: { policyId: 'usage-prorata', order: o },
      });
      const dispute = (type: string, status: string, metadata: Record<string, string>) =>
        JSON.stringify({
          id: `evt_${type}_${orderId}`,
          object: 'event',
          type,
          created: Math.floor(Date.now() / 1000),
          data: {
            object: { id: `dp_${orderId}`, object: 'dispute', status, reason: 'fraudulent', metadata },
          },
        });
      const post = async (payload: string) =>
        (await (
          await fetch(`${url}/v1/webhooks/payments`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }),
            },
            body: payload,
          })
        ).json()) as { delivered: boolean; reason?: string };
      assert.deepEqual(await post(dispute('charge.dispute.created', 'needs_response', { orderId })), {
        received: true,
        delivered: true,
      });
      await eventually(async () => (await read(orderId)).chargebackActive, 'the dispute opened on the case');
      const orphan = await post(dispute('charge.dispute.updated', 'under_review', {}));
      assert.equal(orphan.delivered, false);
      assert.match(orphan.reason!, /no orderId metadata/);
      await post(dispute('charge.dispute.closed', 'won', { orderId }));
      const closed = await eventually(async () => {
        const c = await read(orderId);
        return !c.chargebackActive && c;
      }, 'the dispute closed on the case');
      assert.ok(closed.timeline.some((e) => e.type === 'chargeback_withdrawn' && e.actor.role === 'gateway'));
    } finally {
      await app.close();
    }
  });
});
