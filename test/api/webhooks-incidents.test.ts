// The gateway webhook (signatures, replays, unknown cases) and incident confirmation through
// visibility, on a real dev server and worker.
import assert from 'node:assert/strict';
import { SIGNATURE_HEADER, signWebhook } from '../../activities';
import { WEBHOOK_SECRET, call, eventually, order, startStack, type TestStack } from './stack';

interface CaseBody {
  status: string;
  closed: boolean;
  payout?: { refundId?: string };
  incidents: { incidentId: string }[];
  timeline: { type: string }[];
}

const event = (orderId: string, refundId: string, id = `evt_${Math.random().toString(36).slice(2)}`) =>
  JSON.stringify({
    id,
    type: 'refund.updated',
    created: Math.floor(Date.now() / 1000),
    data: { refundId, orderId, status: 'succeeded', amountMinor: 1999, currency: 'USD' },
  });

describe('API: payment webhooks and incidents', function () {
  this.timeout(120_000);
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api-webhooks');
  });
  after(async () => stack?.close());

  const post = (body: string, signature?: string) =>
    call(stack, 'POST', '/v1/webhooks/payments', {
      rawBody: body,
      headers: signature === undefined ? {} : { [SIGNATURE_HEADER]: signature },
    });

  it('refuses a missing, forged, stale or re-serialised signature with 401', async () => {
    const body = event('ord-x', 're_x');
    assert.equal((await post(body)).status, 401, 'missing');
    assert.equal(
      (await post(body, signWebhook('another-secret-0123456789', body))).status,
      401,
      'wrong secret',
    );
    assert.equal(
      (await post(body, signWebhook(WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000) - 3600))).status,
      401,
      'stale',
    );
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    assert.equal(
      (await post(reformatted, signWebhook(WEBHOOK_SECRET, body))).status,
      401,
      'signature over other bytes',
    );
    assert.equal((await post(body, signWebhook(WEBHOOK_SECRET, body))).status, 200, 'the genuine one passes');
  });

  it('answers 400 for a signed body that is not a refund event, and acknowledges events for unknown cases', async () => {
    const junk = JSON.stringify({ hello: 'world' });
    const bad = await post(junk, signWebhook(WEBHOOK_SECRET, junk));
    assert.equal(bad.status, 400);
    const unknown = event('no-such-order', 're_1');
    const res = await post(unknown, signWebhook(WEBHOOK_SECRET, unknown));
    assert.equal(res.status, 200);
    assert.equal(res.body.delivered, false);
  });

  it('takes a replayed event as harmless: the case is paid once and records the event once', async () => {
    const o = order();
    const orderId = String(o.orderId);
    await call(stack, 'POST', '/v1/cases', { as: 'checkout', body: { policyId: 'usage-prorata', order: o } });
    await call(stack, 'PUT', `/v1/orders/${orderId}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    // Settlement stops for the rest of this suite, so this test's own signed event pays the case.
    await stack.settler.stop();
    {
      const requested = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
        as: 'checkout',
        body: { reason: 'changed_mind' },
      });
      const refundId = await eventually(
        async () =>
          (await call<CaseBody>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' })).body.payout
            ?.refundId,
        'the payout',
      );
      assert.ok(['approved', 'payout_pending'].includes(requested.body.status));
      const body = event(orderId, refundId, 'evt_replayed_1');
      const first = await post(body, signWebhook(WEBHOOK_SECRET, body));
      assert.equal(first.status, 200);
      await eventually(async () => {
        const read = await call<CaseBody>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' });
        // Closed: every effect of the payment (emails, timeline) has happened.
        return read.body.status === 'paid' && read.body.closed && read.body;
      }, 'paid and closed');
      // Every effect of the payment is in the timeline before the replay (the last is the settled email;
      // the run itself keeps listening for the settle period).
      await eventually(async () => {
        const state = await stack.cases.read(orderId);
        // Sent, or refused for want of an address (this order has none): either way it is done.
        return state.timeline.some(
          (e) =>
            (e.type === 'customer_emailed' && e.data?.kind === 'payout_settled') ||
            (e.type === 'email_failed' && e.summary.includes('payout_settled')),
        );
      }, 'the settled email');
      const settled = await call<CaseBody>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' });
      const again = await post(body, signWebhook(WEBHOOK_SECRET, body));
      assert.equal(again.status, 200, 'a replay is acknowledged');
      const after = await call<CaseBody>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' });
      assert.equal(after.body.status, 'paid');
      assert.deepEqual(
        after.body.timeline.map((e) => e.type),
        settled.body.timeline.map((e) => e.type),
        'the replay changed nothing',
      );
    }
  });

  it('signals every open case an incident covers, found by product and purchase time', async () => {
    const product = `vps-${Date.now()}`;
    const inside = [order({ productId: product }, 2), order({ productId: product }, 1)];
    const otherProduct = order({ productId: `${product}-other` }, 1);
    const later = order({ productId: product, purchasedAt: new Date(Date.now() + 3_600_000).toISOString() });
    for (const o of [...inside, otherProduct, later]) {
      assert.equal(
        (
          await call(stack, 'POST', '/v1/cases', {
            as: 'checkout',
            body: { policyId: 'proxy-strict', order: o },
          })
        ).status,
        201,
      );
    }
    await eventually(
      async () =>
        (await call<{ cases: unknown[] }>(stack, 'GET', `/v1/cases?productId=${product}`, { as: 'reviewer' }))
          .body.cases.length === 3,
      'visibility',
    );
    const incident = {
      incidentId: `inc-${Date.now()}`,
      productId: product,
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date().toISOString(),
      description: 'Datacenter power loss',
    };
    const res = await call<{ incidentId: string; cases: string[]; total: number }>(
      stack,
      'POST',
      '/v1/incidents',
      {
        as: 'reviewer',
        body: incident,
      },
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body.cases.sort(), inside.map((o) => String(o.orderId)).sort());
    assert.equal(res.body.total, 2);
    // The fan-out is a workflow: the API reports its progress until it is done.
    const done = await eventually(async () => {
      const r = await call<{ signalled: number; skipped: string[]; done: boolean }>(
        stack,
        'GET',
        `/v1/incidents/${incident.incidentId}`,
        { as: 'support' },
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.done && r.body;
    }, 'the fan-out done');
    assert.deepEqual([done.signalled, done.skipped], [2, []]);
    // The same incident again joins the fan-out that ran: nothing is signalled twice.
    const again = await call<{ signalled: number; done: boolean }>(stack, 'POST', '/v1/incidents', {
      as: 'reviewer',
      body: incident,
    });
    assert.deepEqual([again.status, again.body.signalled, again.body.done], [202, 2, true]);
    for (const o of inside) {
      const read = await eventually(async () => {
        const r = await call<CaseBody>(stack, 'GET', `/v1/cases/${o.orderId}`, { as: 'support' });
        return r.body.incidents.length > 0 && r.body;
      }, 'the incident on the case');
      assert.equal(read.incidents[0]!.incidentId, incident.incidentId);
    }
    const untouched = await call<CaseBody>(stack, 'GET', `/v1/cases/${otherProduct.orderId}`, {
      as: 'support',
    });
    assert.equal(untouched.body.incidents.length, 0);
    const bad = await call<{ issues: { path: string }[] }>(stack, 'POST', '/v1/incidents', {
      as: 'reviewer',
      body: { ...incident, to: incident.from, from: incident.to },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.issues[0]!.path, 'to');
  });
});
