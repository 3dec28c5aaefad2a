// A case's life through the API on a real dev server and worker: start (idempotent), a refund
// request settled mechanically, payout by the sandbox gateway, and its signed webhook to `paid`.
import assert from 'node:assert/strict';
import { listGatewayRefunds, embeddedFiles, EmbeddedBillingStore } from '../../activities';
import path from 'node:path';
import { call, eventually, order, startStack, type TestStack } from './stack';

interface CaseBody {
  orderId: string;
  status: string;
  policyId: string;
  outcome: string | null;
  nextDeadline?: string;
  deadlines: Record<string, string>;
  decision?: {
    outcome: string;
    amountMinor: number;
    currency: string;
    reasons: string[];
    explanations: string[];
  };
  timeline: { type: string; actor: { role: string; id?: string } }[];
  escalated: boolean;
}

describe('API: a case from checkout to paid', function () {
  this.timeout(120_000);
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api-lifecycle');
  });
  after(async () => stack?.close());

  it('starts a case once: 201, then 200 with the same case, and 409 for another body', async () => {
    const o = order();
    const first = await call<{ created: boolean; case: CaseBody }>(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o },
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.created, true);
    assert.equal(first.body.case.orderId, o.orderId);
    assert.equal(first.body.case.status, 'open');
    assert.equal(first.body.case.policyId, 'usage-prorata');
    assert.ok(first.body.case.deadlines.requestWindowEndsAt, 'the window deadline is set');
    assert.equal(first.body.case.timeline, undefined, "checkout's view has no timeline");
    const opened = await call<CaseBody>(stack, 'GET', `/v1/cases/${o.orderId}`, { as: 'support' });
    assert.deepEqual(opened.body.timeline[0]?.actor.role, 'checkout');

    const again = await call<{ created: boolean; case: CaseBody }>(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o },
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    assert.equal(again.body.case.orderId, o.orderId);

    const other = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: { ...o, amountMinor: 5000 } },
    });
    assert.equal(other.status, 409);
    assert.match(String(other.body.error), /different/);
    const otherPolicy = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'proxy-strict', order: o },
    });
    assert.equal(otherPolicy.status, 409);
  });

  it('records the customer email in embedded billing, from the body or from inside the order', async () => {
    const top = order();
    const inside = order();
    assert.equal(
      (
        await call(stack, 'POST', '/v1/cases', {
          as: 'checkout',
          body: { policyId: 'usage-prorata', order: top, customerEmail: 'top@example.com' },
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await call(stack, 'POST', '/v1/cases', {
          as: 'checkout',
          body: { policyId: 'usage-prorata', order: { ...inside, customerEmail: 'inside@example.com' } },
        })
      ).status,
      201,
    );
    const billing = EmbeddedBillingStore.open(path.join(stack.dataDir, embeddedFiles.billing));
    try {
      assert.equal(
        (
          await billing.getCustomerContact({
            orderId: String(top.orderId),
            customerId: String(top.customerId),
          })
        ).email,
        'top@example.com',
      );
      assert.equal(
        (
          await billing.getCustomerContact({
            orderId: String(inside.orderId),
            customerId: String(inside.customerId),
          })
        ).email,
        'inside@example.com',
      );
      assert.equal(billing.getOrder(String(top.orderId))?.amountMinor, 1999);
    } finally {
      await billing.close();
    }
  });

  it('settles a clean refund request at once and pays it out through the gateway webhook', async () => {
    const o = order();
    assert.equal(
      (
        await call(stack, 'POST', '/v1/cases', {
          as: 'checkout',
          body: { policyId: 'usage-prorata', order: o, customerEmail: 'buyer@example.com' },
        })
      ).status,
      201,
    );
    // The refund is the unused share: usage is known (none used) before the request.
    const usage = await call(stack, 'PUT', `/v1/orders/${o.orderId}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    assert.equal(usage.status, 200, JSON.stringify(usage.body));
    const request = await call<CaseBody>(stack, 'POST', `/v1/cases/${o.orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind', description: 'no longer needed' },
    });
    assert.equal(request.status, 200, JSON.stringify(request.body));
    assert.equal(request.body.outcome, 'full_refund');
    assert.equal(request.body.decision?.amountMinor, 1999);
    assert.equal(request.body.decision?.currency, 'USD');
    assert.ok(request.body.decision!.explanations.length > 0, 'the decision explains itself in plain words');
    assert.ok(['approved', 'payout_pending'].includes(request.body.status), request.body.status);
    assert.ok(request.body.nextDeadline, 'the answer carries the next deadline');
    const staff = await call<CaseBody>(stack, 'GET', `/v1/cases/${o.orderId}`, { as: 'support' });
    assert.ok(
      staff.body.timeline.some((e) => e.type === 'refund_requested' && e.actor.role === 'checkout'),
      'the actor is the key role',
    );

    const paid = await eventually(async () => {
      const read = await call<CaseBody>(stack, 'GET', `/v1/cases/${o.orderId}`, { as: 'support' });
      return read.body.status === 'paid' && read.body;
    }, 'the case to be paid');
    assert.equal(paid.decision?.outcome, 'full_refund');
    const refunds = listGatewayRefunds(path.join(stack.dataDir, embeddedFiles.gateway), {
      orderId: String(o.orderId),
    });
    assert.equal(refunds.length, 1);
    assert.equal(refunds[0]?.status, 'succeeded');

    const outbox = await call<{ messages: { orderId: string; to: string; kind: string }[] }>(
      stack,
      'GET',
      `/v1/outbox?orderId=${o.orderId}`,
      { as: 'support' },
    );
    assert.equal(outbox.status, 200);
    assert.ok(outbox.body.messages.length >= 2, 'emails were written to the outbox');
    assert.ok(
      outbox.body.messages.every((m) => m.to === 'buyer@example.com'),
      'emails go to the address checkout gave',
    );
  });
});
