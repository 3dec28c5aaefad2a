// PUT /v1/orders/:orderId/usage on a real stack: checkout's usage reports reach the embedded
// billing store that the worker reads, so a usage-prorata case refunds the unused share — and a
// case whose usage was never reported goes to a person (USAGE_UNKNOWN) instead of refunding all.
import assert from 'node:assert/strict';
import { buildApi } from '../../client/api/app';
import { createLogger } from '../../config/logger';
import { KEYS, call, order, startStack, type TestStack } from './stack';

interface Decided {
  status: string;
  decision?: { outcome: string; amountMinor: number; reasons: string[] };
}

describe('API: PUT /v1/orders/:orderId/usage', function () {
  this.timeout(120_000);
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api-usage');
  });
  after(async () => stack?.close());

  /** A usage-prorata order of 10,000 requests for 10.00 USD, invoiced at purchase a day ago. */
  const start = async (): Promise<string> => {
    const o = order({ amountMinor: 1000, quota: { unit: 'requests', included: 10_000 } });
    o.invoicedAt = o.purchasedAt;
    const started = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    return String(o.orderId);
  };
  const usage = (orderId: string, body: unknown, as: 'checkout' | 'support' = 'checkout') =>
    call<{ orderId: string; usage: { used: number; reportedAt: string } }>(
      stack,
      'PUT',
      `/v1/orders/${encodeURIComponent(orderId)}/usage`,
      { as, body },
    );

  it('records cumulative usage; the refund is the unused share (3,000 of 10,000 used → 7.00 of 10.00)', async () => {
    const orderId = await start();
    const reported = await usage(orderId, { used: 3000, reportedAt: new Date().toISOString() });
    assert.equal(reported.status, 200, JSON.stringify(reported.body));
    assert.equal(reported.body.orderId, orderId);
    assert.equal(reported.body.usage.used, 3000);
    const requested = await call<Decided>(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.equal(requested.status, 200, JSON.stringify(requested.body));
    assert.equal(requested.body.decision?.outcome, 'partial_refund');
    assert.equal(requested.body.decision?.amountMinor, 700);
    assert.ok(requested.body.decision?.reasons.includes('PRORATA_REMAINING_QUOTA'));
  });

  it('a report older than the one on file changes nothing (reports are cumulative, retries are harmless)', async () => {
    const orderId = await start();
    const now = Date.now();
    await usage(orderId, { used: 5000, reportedAt: new Date(now).toISOString() });
    const stale = await usage(orderId, { used: 1000, reportedAt: new Date(now - 60_000).toISOString() });
    assert.equal(stale.status, 200);
    assert.equal(stale.body.usage.used, 5000, 'the newer figure stays');
    const again = await usage(orderId, { used: 5000, reportedAt: new Date(now).toISOString() });
    assert.equal(again.body.usage.used, 5000);
  });

  it('without any usage report the case goes to a person (USAGE_UNKNOWN), never refunding as if nothing was used', async () => {
    const orderId = await start();
    const requested = await call<Decided>(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.equal(requested.status, 200, JSON.stringify(requested.body));
    assert.equal(requested.body.status, 'under_review');
    assert.equal(requested.body.decision?.outcome, 'needs_review');
    assert.deepEqual(requested.body.decision?.reasons, ['USAGE_UNKNOWN']);
    assert.equal(requested.body.decision?.amountMinor, 0);
  });

  it('usage reported after a USAGE_UNKNOWN decision: the case decides again and pays the unused share', async () => {
    const orderId = await start();
    const requested = await call<Decided>(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.deepEqual(requested.body.decision?.reasons, ['USAGE_UNKNOWN']);
    const reported = await usage(orderId, { used: 3000, reportedAt: new Date().toISOString() });
    assert.equal(reported.status, 200, JSON.stringify(reported.body));
    // The signal is applied by the worker after the answer: poll the case.
    let read: Decided = requested.body;
    for (let i = 0; i < 100 && read.decision?.outcome === 'needs_review'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      read = (await call<Decided>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' })).body;
    }
    assert.equal(read.decision?.outcome, 'partial_refund');
    assert.equal(read.decision?.amountMinor, 700);
    assert.ok(read.decision?.reasons.includes('PRORATA_REMAINING_QUOTA'));
  });

  it('400 naming the field for bad input, 404 for an order billing does not know, 403 for other roles', async () => {
    const orderId = await start();
    const bad = await call<{ issues: { path: string }[] }>(stack, 'PUT', `/v1/orders/${orderId}/usage`, {
      as: 'checkout',
      body: { used: -1, reportedAt: 'yesterday' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues.map((i) => i.path).sort(), ['reportedAt', 'used']);
    const extra = await usage(orderId, { used: 1, reportedAt: new Date().toISOString(), orderId: 'other' });
    assert.equal(extra.status, 400, 'the order is named by the URL only');
    const unknown = await usage('no-such-order', { used: 1, reportedAt: new Date().toISOString() });
    assert.equal(unknown.status, 404);
    const support = await usage(orderId, { used: 1, reportedAt: new Date().toISOString() }, 'support');
    assert.equal(support.status, 403);
  });

  it('with the HTTP billing adapter (no embedded store) the route answers 501: the billing service is the source', async () => {
    const app = await buildApi({
      cases: stack.cases,
      apiKeys: stack.config.api.keys,
      uiRoot: false,
      logger: createLogger('silent'),
    });
    try {
      const res = await app.inject({
        method: 'PUT',
        url: '/v1/orders/any-order/usage',
        headers: { authorization: `Bearer ${KEYS.checkout}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ used: 1, reportedAt: new Date().toISOString() }),
      });
      assert.equal(res.statusCode, 501);
      assert.match((JSON.parse(res.body) as { error: string }).error, /billing service .* source of usage/);
    } finally {
      await app.close();
    }
  });

  it('is in the OpenAPI document with its body, roles and answers', async () => {
    const doc = await call<{
      paths: Record<
        string,
        Record<string, { requestBody?: unknown; responses: Record<string, unknown>; 'x-roles'?: string[] }>
      >;
    }>(stack, 'GET', '/openapi.json');
    const put = doc.body.paths['/v1/orders/{orderId}/usage']?.put;
    assert.ok(put, 'PUT /v1/orders/{orderId}/usage is documented');
    assert.deepEqual(put['x-roles'], ['admin', 'checkout']);
    assert.ok(put.requestBody, 'with its body');
    for (const status of ['200', '400', '404', '501']) assert.ok(put.responses[status], status);
  });
});
