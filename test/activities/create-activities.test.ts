import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { NonRetryableErrors, type RefundActivities } from '../../activities/contract';
import { EmbeddedBillingStore } from '../../activities/billing/sqlite';
import { createActivities, type ActivityDeps } from '../../activities/create-activities';
import { EmailOutbox } from '../../activities/email/outbox';
import { nonRetryableErrorTypes } from '../../activities/errors';
import { buildActivityDeps, embeddedActivityConfig, smtpSettings } from '../../activities/factory';
import { SandboxGateway } from '../../activities/payments/sandbox';
import { assertPermanent, tempDir } from './support';

const ref = { orderId: 'ord-1', customerId: 'cus-1' };

describe('activities: createActivities on the embedded adapters, in an activity context', () => {
  let tmp: ReturnType<typeof tempDir>;
  let billing: EmbeddedBillingStore;
  let outbox: EmailOutbox;
  let gateway: SandboxGateway;
  let acts: RefundActivities;
  let env: MockActivityEnvironment;
  let heartbeats: unknown[];

  beforeEach(() => {
    tmp = tempDir('acts');
    billing = EmbeddedBillingStore.open(tmp.file('billing.sqlite'));
    outbox = EmailOutbox.open(tmp.file('outbox.sqlite'), { from: 'Refundflow <refunds@shop.example>' });
    gateway = SandboxGateway.open(tmp.file('gateway.sqlite'));
    billing.upsertOrder({
      ...ref,
      customerEmail: 'ada@customer.example',
      paymentMethod: 'card',
      amountMinor: 4900,
      currency: 'EUR',
      purchasedAt: '2026-11-01T10:00:00Z',
    });
    const deps: ActivityDeps = {
      billing,
      email: outbox,
      payments: gateway,
      supportAddress: 'support@shop.example',
      caseLinkBase: 'https://support.shop.example',
    };
    acts = createActivities(deps);
    // Expected failures are asserted below; the SDK's WARN line for each would only be noise.
    env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    heartbeats = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
  });
  /** env.run, typed by the activity's own signature. */
  const call = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: NoInfer<A>): Promise<R> =>
    env.run(fn, ...args) as Promise<R>;

  afterEach(async () => {
    await Promise.all([billing.close(), outbox.close(), gateway.close()]);
    tmp.cleanup();
  });

  it('sends a decision email to the address billing has, once per key, heartbeating while it sends', async () => {
    const email = {
      ...ref,
      kind: 'decision' as const,
      idempotencyKey: 'refund-case-ord-1:email:decision-4',
      data: {
        outcome: 'partial_refund',
        amountMinor: 1250,
        currency: 'EUR',
        reasons: ['PRORATA_REMAINING_QUOTA'],
        explanations: ['You used 40% of your requests.'],
      },
    };
    const a = await call(acts.sendCustomerEmail, email);
    const b = await call(acts.sendCustomerEmail, email);
    assert.equal(a.messageId, b.messageId);
    const sent = outbox.list({ orderId: 'ord-1' });
    assert.equal(sent.length, 1, 'one message for the repeated call');
    assert.equal(sent[0]!.to, 'ada@customer.example');
    assert.match(sent[0]!.text, /€12\.50/);
    assert.match(sent[0]!.text, /the share of what you paid for that you had not used yet/);
    assert.ok(heartbeats.length >= 2, `heartbeats: ${heartbeats.length}`);

    await call(acts.sendCustomerEmail, {
      ...email,
      kind: 'payout_sent',
      idempotencyKey: 'k2',
      to: 'other@customer.example',
      data: { amountMinor: 1250, currency: 'EUR' },
    });
    assert.equal(
      outbox.list({ orderId: 'ord-1' })[0]!.to,
      'other@customer.example',
      'an explicit address wins',
    );
  });

  it('sends support notices to the support address, with a link to the case', async () => {
    await call(acts.notifySupport, {
      ...ref,
      kind: 'payout_failed',
      idempotencyKey: 'refund-case-ord-1:support:payout-failed-1',
      reason: 'Payout failed',
      data: { failureReason: 'insufficient_funds', amountMinor: 1250 },
    });
    const [notice] = outbox.list();
    assert.equal(notice!.to, 'support@shop.example');
    assert.equal(notice!.kind, 'support:payout_failed');
    assert.match(notice!.text, /https:\/\/support\.shop\.example\/cases\/ord-1/);
  });

  it('fails permanently for a customer with no address and for data a template cannot render', async () => {
    await assertPermanent(
      call(acts.sendCustomerEmail, {
        orderId: 'ord-x',
        customerId: 'cus-unknown',
        kind: 'request_received',
        idempotencyKey: 'k',
        data: {},
      }),
      NonRetryableErrors.InvalidRecipient,
      /cus-unknown/,
    );
    await assertPermanent(
      call(acts.sendCustomerEmail, {
        ...ref,
        kind: 'decision',
        idempotencyKey: 'k',
        data: { outcome: 'perhaps' },
      }),
      NonRetryableErrors.InvalidRequest,
      /outcome/,
    );
    assert.equal(outbox.list().length, 0);
  });

  it('moves money once per key: one gateway refund, one credit, one extension', async () => {
    const refund = {
      ...ref,
      amountMinor: 1250,
      currency: 'EUR',
      paymentMethod: 'card' as const,
      idempotencyKey: 'refund-case-ord-1:refund:1',
    };
    const r1 = await call(acts.createRefund, refund);
    const r2 = await call(acts.createRefund, refund);
    assert.equal(r1.refundId, r2.refundId);
    assert.equal(gateway.listRefunds({ orderId: 'ord-1' }).length, 1);
    assert.deepEqual(await call(acts.getRefundStatus, { refundId: r1.refundId }), {
      refundId: r1.refundId,
      status: 'pending',
    });
    assert.ok(heartbeats.length >= 3, 'refund calls heartbeat');

    const credit = { ...ref, amountMinor: 500, currency: 'EUR', idempotencyKey: 'refund-case-ord-1:credit' };
    assert.deepEqual(await call(acts.issueCredit, credit), await call(acts.issueCredit, credit));
    await call(acts.grantServiceExtension, {
      ...ref,
      days: 7,
      idempotencyKey: 'refund-case-ord-1:extension',
    });
    await call(acts.grantServiceExtension, {
      ...ref,
      days: 7,
      idempotencyKey: 'refund-case-ord-1:extension',
    });
    await call(acts.withdrawAccess, { ...ref, idempotencyKey: 'refund-case-ord-1:withdraw-access' });
    await call(acts.cancelSubscriptionAtPeriodEnd, {
      ...ref,
      periodEnd: '2026-12-01T10:00:00Z',
      idempotencyKey: 'refund-case-ord-1:cancel',
    });
    const order = billing.getOrder('ord-1')!;
    assert.equal(order.creditedMinor, 500);
    assert.equal(order.extensionDays, 7);
    assert.equal(order.access, 'withdrawn');
    assert.equal(billing.listActions({ orderId: 'ord-1' }).length, 4);
  });

  it('crypto refunds and unknown orders fail with types the retry policy lists as non-retryable', async () => {
    const crypto = await assertPermanent(
      call(acts.createRefund, {
        ...ref,
        amountMinor: 100,
        currency: 'EUR',
        paymentMethod: 'crypto',
        idempotencyKey: 'k',
      }),
      NonRetryableErrors.UnsupportedPaymentMethod,
    );
    const unknown = await assertPermanent(
      call(acts.getAccountSnapshot, { orderId: 'nope', customerId: 'cus-1' }),
      NonRetryableErrors.UnknownOrder,
    );
    for (const failure of [crypto, unknown])
      assert.ok(nonRetryableErrorTypes.includes(failure.type as never), failure.type ?? '');
    assert.deepEqual(await call(acts.getAccountSnapshot, ref), {
      chargebackActive: false,
      refundsInLast90Days: 0,
      termsViolation: false,
      abuseSuspected: false,
    });
  });
});

describe('activities: buildActivityDeps from configuration', () => {
  it('opens the embedded stores under the data folder and closes them', async () => {
    const tmp = tempDir('factory');
    try {
      const deps = buildActivityDeps(embeddedActivityConfig(tmp.dir));
      const acts = createActivities(deps);
      await assertPermanent(acts.getAccountSnapshot(ref), NonRetryableErrors.UnknownOrder);
      await acts.createRefund({
        ...ref,
        amountMinor: 100,
        currency: 'EUR',
        paymentMethod: 'card',
        idempotencyKey: 'k',
      });
      await deps.close();
      const gateway = SandboxGateway.open(tmp.file('gateway.sqlite'));
      assert.equal(
        gateway.listRefunds().length,
        1,
        'the sandbox file is where the API and settler will look',
      );
      await gateway.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('reads an SMTP URL: smtps means TLS on connect, credentials are decoded', () => {
    const parse = (url: string) => smtpSettings({ kind: 'smtp', url }, 'Refundflow <refunds@shop.example>');
    const plain = parse('smtp://user%40shop:p%40ss@mail.shop.example');
    assert.deepEqual(
      [plain.host, plain.port, plain.secure, plain.requireTls, plain.user, plain.password],
      ['mail.shop.example', 587, false, true, 'user@shop', 'p@ss'],
    );
    const tls = parse('smtps://mail.shop.example');
    assert.deepEqual([tls.port, tls.secure, tls.requireTls, tls.user], [465, true, false, undefined]);
  });
});
