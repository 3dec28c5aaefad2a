// POST /v1/cases/:orderId/disputes on a real stack (DESIGN: "Every denial can be disputed for the
// policy's dispute period … a dispute puts the case before a person (DISPUTE_REVIEW), who may
// uphold the denial or decide within the policy's bounds").
import assert from 'node:assert/strict';
import { call, order, startStack, type TestStack } from './stack';

interface CaseBody {
  status: string;
  closed?: boolean;
  deadlines: Record<string, string>;
  decision?: { outcome: string; amountMinor: number; reasons: string[] };
  error?: string;
}

describe('API: POST /v1/cases/:orderId/disputes', function () {
  this.timeout(120_000);
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api-disputes');
  });
  after(async () => stack?.close());

  const denied = async (policyId: string): Promise<string> => {
    const o = order({ serviceDate: new Date(Date.now() - 86_400_000).toISOString() });
    const started = await call(stack, 'POST', '/v1/cases', { as: 'checkout', body: { policyId, order: o } });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const orderId = String(o.orderId);
    const requested = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.equal(requested.status, 200, JSON.stringify(requested.body));
    assert.equal(requested.body.decision?.outcome, 'denied');
    assert.ok(requested.body.deadlines.disputeWindowEndsAt, 'the denial shows until when it can be disputed');
    return orderId;
  };
  const dispute = (orderId: string, body: unknown, as: 'checkout' | 'support' | 'reviewer' = 'checkout') =>
    call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/disputes`, { as, body });

  it('a disputed denial goes before a person, who may not pay past the policy; an exception within it is paid', async () => {
    const orderId = await denied('services-fix-first');
    const disputed = await dispute(orderId, { description: 'The client cancelled the project' });
    assert.equal(disputed.status, 200, JSON.stringify(disputed.body));
    assert.equal(disputed.body.status, 'under_review');
    assert.equal(disputed.body.decision?.outcome, 'needs_review');
    assert.ok(disputed.body.decision?.reasons.includes('DISPUTE_REVIEW'));
    assert.ok(disputed.body.deadlines.decisionDeadline, 'a person has a deadline to answer');
    const full = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/decisions`, {
      as: 'reviewer',
      body: { outcome: 'full_refund', note: 'Everything back' },
    });
    assert.equal(full.status, 409);
    assert.match(full.body.error ?? '', /^outcome: full_refund is not allowed here/);
    const half = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/decisions`, {
      as: 'reviewer',
      body: { outcome: 'credit', amountMinor: 1999, note: 'An exception: credit' },
    });
    assert.equal(half.status, 200, JSON.stringify(half.body));
    assert.equal(half.body.decision?.outcome, 'credit');
  });

  it('one dispute per denial; a case that was not denied cannot be disputed; checkout and support may dispute, a reviewer may not', async () => {
    const orderId = await denied('all-sales-final');
    const byReviewer = await dispute(orderId, { description: 'x' }, 'reviewer');
    assert.equal(byReviewer.status, 403);
    const first = await dispute(orderId, { description: 'I never used it' }, 'support');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const second = await dispute(orderId, { description: 'Again' });
    assert.equal(second.status, 409);
    assert.match(second.body.error ?? '', /already disputed/);

    const open = order();
    await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'proxy-strict', order: open },
    });
    const notDenied = await dispute(String(open.orderId), { description: 'Nothing to dispute' });
    assert.equal(notDenied.status, 409);
    assert.match(notDenied.body.error ?? '', /only a denial can be disputed/);
  });

  it('400 naming the field for a body without a description', async () => {
    const orderId = await denied('all-sales-final');
    const bad = await call<{ issues: { path: string }[] }>(stack, 'POST', `/v1/cases/${orderId}/disputes`, {
      as: 'checkout',
      body: { description: '' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.issues.map((i) => i.path),
      ['description'],
    );
  });
});
