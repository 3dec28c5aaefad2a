// Issue 16's findings, each reproduced against a real API on a real dev server and worker, over
// real HTTP, and shown refused: checkout reads only its own view of a case (on GET-like answers
// and every write, against the OpenAPI document), a repeated start with another email changes
// nothing, ids and path parameters are bounded, keys are named by a keyed digest, request ids
// are checked, answers are not cached, /metrics needs a key, the webhook signature covers the raw
// bytes, and a long failure reason still reaches the case.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import Stripe from 'stripe';
import { EmbeddedBillingStore, embeddedFiles, signWebhook } from '../../activities';
import { stripeSearchQuoted } from '../../activities/payments/stripe';
import { buildApi } from '../../client/api/app';
import { createLogger } from '../../config/logger';
import { Conformance, type OpenApiDocument } from '../api/openapi-conformance';
import { KEYS, WEBHOOK_SECRET, call, eventually, order, startStack, type TestStack } from '../api/stack';

interface Timeline {
  type: string;
  actor: { role: string; id?: string };
  summary: string;
}
interface StaffCase {
  status: string;
  timeline: Timeline[];
  escalations: unknown[];
  payout?: { refundId?: string; status: string; failureReason?: string };
  decision?: { note?: string };
}

/** Fields that only staff may read; none may appear in a checkout answer. */
const STAFF_ONLY = [
  'timeline',
  'escalations',
  'escalated',
  'technicalReview',
  'fingerprint',
  'customerId',
  'workflowId',
  'incidents',
  'chargebackActive',
  'issue',
];

describe('security: what each role reads, and what forged or hostile input changes', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let conformance: Conformance;

  before(async () => {
    stack = await startStack('security');
    conformance = new Conformance((await call<OpenApiDocument>(stack, 'GET', '/openapi.json')).body);
  });
  after(async () => stack?.close());

  const start = async (policyId: string, o = order(), customerEmail?: string) => {
    const answer = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId, order: o, ...(customerEmail ? { customerEmail } : {}) },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return String(o.orderId);
  };

  /** A checkout answer: documented, a CheckoutCase exactly, and free of every staff-only field and secret. */
  function assertCheckoutView(
    method: string,
    url: string,
    answer: Awaited<ReturnType<typeof call>>,
    secrets: string[],
  ): void {
    conformance.check(method, url, answer);
    const body = (url === '/v1/cases' ? (answer.body as { case: unknown }).case : answer.body) as Record<
      string,
      unknown
    >;
    assert.equal(conformance.mismatch('CheckoutCase', body), undefined, `${url}: a CheckoutCase`);
    assert.ok(conformance.mismatch('Case', body), `${url}: not the staff Case`);
    for (const field of STAFF_ONLY) assert.ok(!(field in body), `${url}: checkout does not get ${field}`);
    const text = JSON.stringify(answer.body);
    assert.doesNotMatch(text, /key-[0-9a-f]{8}/, `${url}: no key ids`);
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `${url}: "${secret}" is not in checkout's answer`);
  }

  it("checkout's answers hold no reviewer notes, escalations or key ids (API3), on the start and every write; staff see the case", async () => {
    const reviewerNote = `internal: customer looks like a reseller ${Date.now()}`;
    const o = order();
    const startAnswer = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'cloud-provider-fault', order: o },
    });
    assert.equal(startAnswer.status, 201);
    assertCheckoutView('POST', '/v1/cases', startAnswer, []);
    const id = String(o.orderId);
    const issue = await call(stack, 'POST', `/v1/cases/${id}/issues`, {
      as: 'checkout',
      body: { description: 'VM unreachable since boot' },
    });
    assertCheckoutView('POST', `/v1/cases/${id}/issues`, issue, []);
    const request = await call(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'service_unusable' },
    });
    assert.equal(request.status, 200, JSON.stringify(request.body));
    assertCheckoutView('POST', `/v1/cases/${id}/refund-requests`, request, []);
    const ask = await call<StaffCase>(stack, 'POST', `/v1/cases/${id}/information-requests`, {
      as: 'reviewer',
      body: { items: ['logs'], note: reviewerNote },
    });
    assert.equal(ask.status, 200, JSON.stringify(ask.body));
    // The same write as staff answers with the whole case, key ids included.
    assert.equal(conformance.mismatch('Case', ask.body), undefined);
    assert.ok(
      ask.body.timeline.some(
        (e) => e.actor.role === 'reviewer' && /^key-[0-9a-f]{16}$/.test(e.actor.id ?? ''),
      ),
    );
    assert.ok(JSON.stringify(ask.body).includes(reviewerNote), 'staff see the note');

    // The finding: checkout's POST …/information returned the note and the reviewer's key id.
    const give = await call<Record<string, unknown>>(stack, 'POST', `/v1/cases/${id}/information`, {
      as: 'checkout',
      body: { items: ['logs'] },
    });
    assert.equal(give.status, 200, JSON.stringify(give.body));
    assertCheckoutView('POST', `/v1/cases/${id}/information`, give, [reviewerNote]);
    assert.deepEqual(
      (give.body.informationRequest as { items: string[] }).items,
      ['logs'],
      'checkout sees what was asked for',
    );

    const support = await call(stack, 'POST', `/v1/cases/${id}/withdrawal`, { as: 'support', body: {} });
    assert.equal(support.status, 200);
    assert.equal(conformance.mismatch('Case', support.body), undefined, 'support gets the staff view');
    const repeat = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'cloud-provider-fault', order: o },
    });
    assert.equal(repeat.status, 200);
    assertCheckoutView('POST', '/v1/cases', repeat, [reviewerNote]);
  });

  it('a repeated start with another customerEmail answers 409 and leaves billing where the decision email goes', async () => {
    const o = order();
    const id = await start('usage-prorata', o, 'owner@example.com');
    const same = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o, customerEmail: 'OWNER@example.com' },
    });
    assert.equal(same.status, 200, 'the same address in another case (of letters) is the same address');
    const again = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o, customerEmail: 'owner@example.com' },
    });
    assert.equal(again.status, 200, 'the same body is a harmless repeat');
    const hijack = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o, customerEmail: 'attacker@example.net' },
    });
    assert.equal(hijack.status, 409, JSON.stringify(hijack.body));
    assert.match(String(hijack.body.error), /different/);
    const inside = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: { ...o, customerEmail: 'attacker@example.net' } },
    });
    assert.equal(inside.status, 409, 'the email inside the order counts too');
    const silent = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o },
    });
    assert.equal(silent.status, 200, 'a repeat that names no email changes nothing, so it is a repeat');
    const billing = EmbeddedBillingStore.open(path.join(stack.dataDir, embeddedFiles.billing));
    try {
      assert.equal(
        (await billing.getCustomerContact({ orderId: id, customerId: String(o.customerId) })).email,
        'owner@example.com',
      );
    } finally {
      await billing.close();
    }
    // The address itself is not in the case (only a keyed digest inside the fingerprint): the
    // desk sees it in the order's facts, read from billing when the case is read, and nowhere else.
    const read = await call<{ facts?: { customerEmail?: string } }>(stack, 'GET', `/v1/cases/${id}`, {
      as: 'support',
    });
    assert.equal(read.body.facts?.customerEmail, 'owner@example.com', 'billing kept the first address');
    const { facts: _facts, ...caseItself } = read.body;
    assert.ok(!JSON.stringify(caseItself).includes('owner@example.com'));
  });

  it('ids with CR, LF or NUL, or over 128 characters, are refused with 400 naming the field, on bodies and on paths', async () => {
    for (const [field, value] of [
      ['orderId', 'ord-crlf\r\nX-Injected: 1'],
      ['customerId', 'cus\u0000nul'],
      ['productId', 'p\nq'],
      ['orderId', 'o'.repeat(129)],
    ] as const) {
      const answer = await call(stack, 'POST', '/v1/cases', {
        as: 'checkout',
        body: { policyId: 'usage-prorata', order: order({ [field]: value }) },
      });
      assert.equal(
        answer.status,
        400,
        `${field}=${JSON.stringify(value).slice(0, 40)}: ${JSON.stringify(answer.body)}`,
      );
      const issues = answer.body.issues as { path: string }[];
      assert.ok(
        issues.some((i) => i.path === `order.${field}`),
        JSON.stringify(issues),
      );
    }
    // The longest id allowed can be created and read back (over 100 characters was unreadable).
    const long = order({ orderId: `o-${'x'.repeat(126)}` });
    await start('usage-prorata', long);
    assert.equal(
      (await call(stack, 'GET', `/v1/cases/${String(long.orderId)}`, { as: 'support' })).status,
      200,
    );
    for (const bad of ['o'.repeat(129), 'a%0Db', 'a%00b']) {
      const answer = await call(stack, 'GET', `/v1/cases/${bad}`, { as: 'support' });
      conformance.check('GET', `/v1/cases/${bad}`, answer);
      assert.equal(answer.status, 400, `${bad.slice(0, 20)}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(
        (answer.body.issues as { path: string }[]).map((i) => i.path),
        ['orderId'],
      );
    }
  });

  it('names keys by a keyed digest, not a plain SHA-256 prefix', async () => {
    const me = await call<{ keyId: string }>(stack, 'GET', '/v1/me', { as: 'checkout' });
    assert.match(me.body.keyId, /^key-[0-9a-f]{16}$/);
    const plainPrefix = createHash('sha256').update(KEYS.checkout).digest('hex').slice(0, 8);
    assert.ok(!me.body.keyId.includes(plainPrefix), 'not guessable from the key alone');
  });

  it('keeps a well-formed x-request-id, replaces a hostile one, and marks every API answer no-store', async () => {
    const kept = await call(stack, 'GET', '/v1/me', {
      as: 'support',
      headers: { 'x-request-id': 'lb-1234.abc' },
    });
    assert.equal(kept.headers.get('x-request-id'), 'lb-1234.abc');
    for (const hostile of ['a'.repeat(500), 'evil"}{"admin":true', 'two words']) {
      const answer = await call(stack, 'GET', '/v1/me', {
        as: 'support',
        headers: { 'x-request-id': hostile },
      });
      assert.notEqual(answer.headers.get('x-request-id'), hostile);
      assert.match(answer.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    }
    for (const [url, as] of [
      ['/v1/me', 'support'],
      ['/v1/policies', 'checkout'],
      ['/openapi.json', undefined],
      ['/v1/cases/nope', 'support'],
    ] as const) {
      const answer = await call(stack, 'GET', url, as ? { as } : {});
      assert.equal(answer.headers.get('cache-control'), 'no-store', url);
    }
  });

  it('/metrics answers 401 without a key and 403 to a checkout key; admin reads it', async () => {
    assert.equal((await call(stack, 'GET', '/metrics')).status, 401);
    assert.equal((await call(stack, 'GET', '/metrics', { as: 'checkout' })).status, 403);
    const admin = await call<string>(stack, 'GET', '/metrics', { as: 'admin' });
    assert.equal(admin.status, 200);
    assert.match(admin.body, /refundflow_http_requests_total/);
  });

  it('the webhook signature covers the raw bytes: a body re-encoded to the same text is refused', async () => {
    const event = {
      id: `evt-raw-${Date.now()}`,
      type: 'refund.updated',
      created: 1,
      data: { refundId: 'r', orderId: 'nope', status: 'succeeded', amountMinor: 1, currency: 'USD' },
    };
    // Two invalid UTF-8 sequences decode to the same replacement character, so a signature over
    // the decoded string would accept the second body for the first one's signature.
    const json = JSON.stringify(event);
    const signedBytes = Buffer.concat([
      Buffer.from(json.slice(0, -1)),
      Buffer.from(',"x":"'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    const swapped = Buffer.concat([
      Buffer.from(json.slice(0, -1)),
      Buffer.from(',"x":"'),
      Buffer.from([0xfe]),
      Buffer.from('"}'),
    ]);
    assert.equal(signedBytes.toString('utf8'), swapped.toString('utf8'));
    const signature = signWebhook(WEBHOOK_SECRET, signedBytes);
    const post = (body: Buffer) =>
      fetch(`${stack.url}/v1/webhooks/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'refundflow-signature': signature },
        body: new Uint8Array(body),
      });
    assert.equal((await post(signedBytes)).status, 200, 'the signed bytes are accepted');
    assert.equal((await post(swapped)).status, 401, 'other bytes with the same text are not');
  });

  it('a failure reason over 200 characters still fails the payout on the case, shortened, not dropped', async () => {
    await stack.settler.stop(); // the sandbox would settle the refund itself
    const id = await start('usage-prorata');
    // Usage known (none used), so the refund is decided at once rather than sent to review.
    const usage = await call(stack, 'PUT', `/v1/orders/${id}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    assert.equal(usage.status, 200, JSON.stringify(usage.body));
    const requested = await call<{ status: string }>(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.equal(requested.status, 200, JSON.stringify(requested.body));
    const pending = await eventually(async () => {
      const c = (await call<StaffCase>(stack, 'GET', `/v1/cases/${id}`, { as: 'support' })).body;
      return c.payout?.refundId && c.payout.status === 'pending' ? c : undefined;
    }, 'the payout to be sent');
    const reason = `card_declined: ${'the issuer said no; '.repeat(20)}`;
    assert.ok(reason.length > 200);
    const body = JSON.stringify({
      id: `evt-long-${Date.now()}`,
      type: 'refund.updated',
      created: Math.floor(Date.now() / 1000),
      data: {
        refundId: pending.payout!.refundId,
        orderId: id,
        status: 'failed',
        failureReason: reason,
        amountMinor: 1999,
        currency: 'USD',
      },
    });
    const answer = await fetch(`${stack.url}/v1/webhooks/payments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'refundflow-signature': signWebhook(WEBHOOK_SECRET, body),
      },
      body,
    });
    assert.equal(answer.status, 200);
    const failed = await eventually(async () => {
      const c = (await call<StaffCase>(stack, 'GET', `/v1/cases/${id}`, { as: 'support' })).body;
      return c.timeline.some((e) => e.type === 'payout_failed') && c;
    }, 'the case to record the failed payout');
    assert.equal(failed.payout?.status, 'failed', 'the failure reached the case');
    const entry = failed.timeline.find((e) => e.type === 'payout_failed')!;
    assert.ok(entry.summary.includes('card_declined: the issuer said no;'), entry.summary);
  });

  it("in Stripe mode, reads Stripe-Signature and Stripe's event body (checked with the stripe package), and refuses our own scheme", async () => {
    const secret = 'whsec_stripe_mode_0123456789';
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
      const id = await start('usage-prorata');
      const event = {
        id: `evt_${Date.now()}`,
        object: 'event',
        type: 'refund.updated',
        created: Math.floor(Date.now() / 1000),
        data: {
          object: {
            id: 're_stranger',
            object: 'refund',
            status: 'succeeded',
            amount: 1999,
            currency: 'usd',
            metadata: { orderId: id },
          },
        },
      };
      const payload = JSON.stringify(event);
      const post = (body: string, headers: Record<string, string>) =>
        fetch(`${url}/v1/webhooks/payments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
      const signed = Stripe.webhooks.generateTestHeaderString({ payload, secret });
      const ok = await post(payload, { 'stripe-signature': signed });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { received: true, delivered: true });
      // The refund is not this case's payout: the case records the gateway's event and ignores it.
      await eventually(async () => {
        const c = (await call<StaffCase>(stack, 'GET', `/v1/cases/${id}`, { as: 'support' })).body;
        return c.timeline.some(
          (e) =>
            e.type === 'payment_update_ignored' &&
            e.actor.role === 'gateway' &&
            e.summary.includes('re_stranger'),
        );
      }, 'the Stripe event on the case');
      assert.equal(
        (await post(payload, { 'refundflow-signature': signWebhook(secret, payload) })).status,
        401,
        "our own scheme is not Stripe's",
      );
      assert.equal(
        (await post(payload.replace('succeeded', 'failed'), { 'stripe-signature': signed })).status,
        401,
        'a changed body',
      );
      const other = JSON.stringify({
        ...event,
        id: `evt_other_${Date.now()}`,
        type: 'charge.succeeded',
        data: { object: { id: 'ch_1', object: 'charge' } },
      });
      const ignored = await post(other, {
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: other, secret }),
      });
      assert.equal(ignored.status, 200);
      assert.equal(((await ignored.json()) as { delivered: boolean }).delivered, false);
    } finally {
      await app.close();
    }
  });

  it("escapes backslashes before quotes in Stripe's search query, so an id cannot close the string", () => {
    assert.equal(stripeSearchQuoted(`o'1`), `o\\'1`);
    assert.equal(stripeSearchQuoted(`o\\`), `o\\\\`);
    // Unescaped, "x\\" followed by the closing quote would escape it; escaped, every quote stays inside.
    const query = `metadata['orderId']:'${stripeSearchQuoted(`x\\' OR metadata['a']:'b`)}'`;
    assert.equal(query, `metadata['orderId']:'x\\\\\\' OR metadata[\\'a\\']:\\'b'`);
  });
});
