// The case read's desk fields (issue 19) on a real stack: for cases in each state and each staff
// role, every action offered is taken by the case (POST answers 200 on a fresh case in that state)
// and every action the role's routes allow but not offered is refused (409); a failed payout
// offers support the payout route and the reviewer another route, escalates with why and since,
// is found by escalated=true and clears when a reviewer acts; billing's facts appear, and a
// billing store that is down leaves them out without failing the read.
import assert from 'node:assert/strict';
import path from 'node:path';
import { EmbeddedBillingStore, SandboxGateway, embeddedFiles } from '../../activities';
import { buildApi } from '../../client/api/app';
import { ACTION_ROLES } from '../../client/api/case-desk';
import { createLogger } from '../../config/logger';
import { CASE_ACTIONS, type CaseAction } from '../../workflows/case/allowed';
import { KEYS, call, eventually, order, startStack, type TestStack } from './stack';

interface Offer {
  action: CaseAction;
  bounds?: { minMinor: number; maxMinor: number; currency: string };
  outcomes?: { outcome: string; maxAmountMinor: number }[];
  default?: Record<string, unknown>;
}
interface DeskCase {
  status: string;
  escalated: boolean;
  actions?: Offer[];
  nextActor?: { who: string; what: string; by?: string };
  escalation?: { reasons: string[]; since: string };
  escalations: { at: string; clearedAt?: string }[];
  facts?: Record<string, unknown>;
  timeline: { type: string }[];
  error?: string;
}

/** The POST route of each action, and a body the route validates (the case then judges the state). */
function request(action: CaseAction, offer?: Offer): { path: string; body: Record<string, unknown> } {
  const d = offer?.default ?? {};
  switch (action) {
    case 'refund-request':
      return { path: 'refund-requests', body: { reason: 'changed_mind' } };
    case 'issue':
      return { path: 'issues', body: { description: 'the service is down' } };
    case 'technical-review':
      return { path: 'technical-reviews', body: { outcome: d.outcome ?? 'unresolved' } };
    case 'decision': {
      const outcome = String(d.outcome ?? 'denied');
      const amount = d.amountMinor ?? (/refund|credit/.test(outcome) ? offer?.bounds?.minMinor : undefined);
      return {
        path: 'decisions',
        body: { outcome, ...(amount !== undefined ? { amountMinor: amount } : {}), note: 'desk test' },
      };
    }
    case 'withdrawal':
      return { path: 'withdrawal', body: {} };
    case 'dispute':
      return { path: 'disputes', body: { description: 'the denial is wrong' } };
    case 'information-request':
      return { path: 'information-requests', body: { items: ['logs'] } };
    case 'information':
      return { path: 'information', body: { items: ['logs'] } };
    case 'subscription-cancellation':
      return { path: 'subscription-cancellation', body: {} };
    case 'payout-route':
      return d.action === 'record_outside'
        ? { path: 'outside-payouts', body: { reference: 'bt-1', amountMinor: 1, method: 'bank_transfer' } }
        : { path: 'payout-retries', body: { note: 'desk test' } };
  }
}

describe('API: the case read for the support desk (issue 19)', function () {
  this.timeout(300_000);
  let stack: TestStack;
  let gateway: SandboxGateway;
  before(async () => {
    stack = await startStack('api-desk');
    gateway = SandboxGateway.open(path.join(stack.dataDir, embeddedFiles.gateway));
  });
  after(async () => {
    await gateway?.close();
    await stack?.close();
  });

  const read = async (orderId: string, as: 'support' | 'reviewer' = 'support') =>
    (await call<DeskCase>(stack, 'GET', `/v1/cases/${orderId}`, { as })).body;
  const post = (orderId: string, as: string, r: { path: string; body: unknown }) =>
    call<DeskCase>(stack, 'POST', `/v1/cases/${orderId}/${r.path}`, {
      as: as as 'support',
      body: r.body,
    });
  const start = async (policyId: string, o = order(), customerEmail?: string) => {
    const res = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId, order: o, ...(customerEmail ? { customerEmail } : {}) },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return String(o.orderId);
  };
  const ok = async (res: Promise<{ status: number; body: unknown }>, what: string) => {
    const r = await res;
    assert.equal(r.status, 200, `${what}: ${JSON.stringify(r.body)}`);
  };

  /** A usage-prorata refund the gateway fails: approved, escalated, the payout route open. */
  async function failedPayout(): Promise<string> {
    const o = order({ amountMinor: 1999 });
    const id = String(o.orderId);
    gateway.setOrderFailure(id, 'insufficient_funds');
    await start('usage-prorata', o);
    await call(stack, 'PUT', `/v1/orders/${id}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    await ok(post(id, 'checkout', request('refund-request')), 'request');
    await eventually(async () => {
      const c = await read(id);
      return c.escalated && c.actions?.some((a) => a.action === 'payout-route') && c;
    }, 'the gateway to fail the refund');
    return id;
  }

  // Each state, made afresh for every action tried on it (an accepted action changes the case).
  const STATES: Record<string, () => Promise<string>> = {
    open: () => start('proxy-strict'),
    remediation: async () => {
      const id = await start('cloud-provider-fault');
      await ok(post(id, 'support', request('issue')), 'issue');
      return id;
    },
    under_review: async () => {
      const id = await start('proxy-strict');
      await ok(
        post(id, 'support', { path: 'refund-requests', body: { reason: 'billing_error' } }),
        'request',
      );
      return id;
    },
    denied: async () => {
      const id = await STATES.under_review!();
      await ok(post(id, 'reviewer', { path: 'decisions', body: { outcome: 'denied', note: 'no' } }), 'deny');
      return id;
    },
    payout_failed: failedPayout,
    withdrawn: async () => {
      const id = await STATES.under_review!();
      await ok(post(id, 'support', request('withdrawal')), 'withdraw');
      return id;
    },
  };

  for (const [name, make] of Object.entries(STATES))
    it(`${name}: each role is offered exactly what the case takes`, async () => {
      const id = await make();
      for (const role of ['support', 'reviewer'] as const) {
        const c = await read(id, role);
        const offered = new Map((c.actions ?? []).map((a) => [a.action, a]));
        assert.ok(c.nextActor?.what, 'who acts next');
        for (const action of CASE_ACTIONS) {
          if (!ACTION_ROLES[action].includes(role)) {
            assert.ok(!offered.has(action), `${role} is not offered ${action}, a route it may not call`);
            continue;
          }
          if (offered.has(action)) continue;
          // Not offered: the case refuses it, and stays as it was.
          const res = await post(id, role, request(action));
          assert.equal(
            res.status,
            409,
            `${name}/${role}/${action} not offered but ${res.status}: ${JSON.stringify(res.body)}`,
          );
        }
        for (const [action, offer] of offered) {
          // Offered: a fresh case in the same state takes it.
          const fresh = await make();
          const res = await post(fresh, role, request(action, offer));
          assert.equal(res.status, 200, `${name}/${role}/${action} offered but ${JSON.stringify(res.body)}`);
        }
      }
      // Admin reads every case and may call no case write: nothing is offered.
      const admin = await call<DeskCase>(stack, 'GET', `/v1/cases/${id}`, { as: 'admin' });
      assert.deepEqual(admin.body.actions, []);
    });

  it('a reviewer decision offers the policy bounds and a default that moves the least money', async () => {
    const id = await STATES.under_review!();
    const reviewer = await read(id, 'reviewer');
    const decide = reviewer.actions!.find((a) => a.action === 'decision')!;
    assert.ok(decide.bounds && decide.bounds.maxMinor <= 1999 && decide.bounds.currency === 'USD');
    assert.notEqual(decide.default?.outcome, 'full_refund');
    assert.equal(decide.default?.amountMinor, undefined, 'no amount pre-filled');
    assert.equal(reviewer.nextActor?.who, 'reviewer');
    assert.ok(reviewer.nextActor?.by, 'by the decision deadline');
    const review = reviewer.actions!.find((a) => a.action === 'technical-review');
    assert.notEqual(review?.default?.outcome, 'provider_fault');
    const support = await read(id, 'support');
    assert.ok(!support.actions!.some((a) => a.action === 'decision'), 'support sees no decision form');
  });

  it('a failed payout: escalated with why and since, found by escalated=true, cleared when a reviewer acts', async () => {
    const id = await failedPayout();
    const support = await read(id);
    assert.equal(support.nextActor?.who, 'support');
    assert.ok(support.escalation, JSON.stringify(support));
    assert.ok(support.escalation.reasons.includes('payout-failed'), support.escalation.reasons.join());
    assert.ok(Date.parse(support.escalation.since) <= Date.now());
    const reviewer = await read(id, 'reviewer');
    assert.ok(
      reviewer.actions!.some((a) => a.action === 'decision'),
      'the reviewer may choose another route',
    );
    await eventually(async () => {
      const res = await call<{ cases: { orderId: string }[] }>(
        stack,
        'GET',
        `/v1/cases?escalated=true&q=${encodeURIComponent(id)}`,
        { as: 'support' },
      );
      return res.body.cases.some((c) => c.orderId === id);
    }, 'the escalated filter to find the case');
    const credit = await post(id, 'reviewer', {
      path: 'decisions',
      body: { outcome: 'credit', amountMinor: 500, note: 'credit instead' },
    });
    assert.equal(credit.status, 200, JSON.stringify(credit.body));
    const after = await read(id);
    assert.equal(after.escalated, false);
    assert.equal(after.escalation, undefined);
    assert.ok(
      after.escalations.every((e) => e.clearedAt),
      'the history keeps them, cleared',
    );
    assert.ok(after.timeline.some((t) => t.type === 'escalation_cleared'));
    await eventually(async () => {
      const res = await call<{ total: number }>(
        stack,
        'GET',
        `/v1/cases?escalated=true&q=${encodeURIComponent(id)}`,
        { as: 'support' },
      );
      return res.body.total === 0;
    }, 'the escalated filter to drop the case');
  });

  it("shows billing's facts, and reads the case without them when billing is down", async () => {
    const o = order({ paymentMethod: 'card' });
    const id = await start('proxy-strict', o, 'facts.customer@example.com');
    const c = await read(id);
    assert.deepEqual(c.facts, {
      purchasedAt: o.purchasedAt,
      paymentMethod: 'card',
      customerEmail: 'facts.customer@example.com',
    });
    // A second API on the same billing file, whose store then goes down (closed under it).
    const billing = EmbeddedBillingStore.open(path.join(stack.dataDir, embeddedFiles.billing));
    const app = await buildApi({
      cases: stack.cases,
      apiKeys: stack.config.api.keys,
      billing,
      logger: createLogger('silent'),
      uiRoot: false,
    });
    try {
      const get = async () =>
        JSON.parse(
          (
            await app.inject({
              method: 'GET',
              url: `/v1/cases/${id}`,
              headers: { authorization: `Bearer ${KEYS.support}` },
            })
          ).body,
        ) as DeskCase & { status: string };
      assert.equal((await get()).facts?.customerEmail, 'facts.customer@example.com');
      await billing.close();
      const down = await get();
      assert.equal(down.status, 'open', 'the case is read');
      assert.deepEqual(down.facts, { billingUnavailable: true });
      const search = await app.inject({
        method: 'GET',
        url: `/v1/cases?q=${encodeURIComponent('facts.customer@example.com')}`,
        headers: { authorization: `Bearer ${KEYS.support}` },
      });
      assert.equal(search.statusCode, 503, 'an email cannot be looked up without billing');
    } finally {
      await app.close();
    }
  });
});
