import assert from 'node:assert/strict';
import { NonRetryableErrors } from '../../activities/contract';
import type { BillingOrderInput } from '../../activities/billing/feed';
import { EmbeddedBillingStore } from '../../activities/billing/sqlite';
import { writeStoresInChildProcess } from './child';
import { assertPermanent, tempDir } from './support';

const order = (over: Partial<BillingOrderInput> = {}): BillingOrderInput => ({
  orderId: 'ord-1',
  customerId: 'cus-1',
  customerEmail: 'ada@customer.example',
  paymentMethod: 'card',
  amountMinor: 4900,
  currency: 'usd',
  purchasedAt: '2026-11-01T10:00:00Z',
  billing: { kind: 'subscription', periodStart: '2026-11-01T10:00:00Z', periodEnd: '2026-12-01T10:00:00Z' },
  quota: { unit: 'requests', included: 100_000 },
  ...over,
});
const ref = { orderId: 'ord-1', customerId: 'cus-1' };

describe('activities: embedded billing store (SQLite)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: Date;
  let store: EmbeddedBillingStore;
  beforeEach(() => {
    tmp = tempDir('billing');
    clock = new Date('2026-11-20T12:00:00Z');
    store = EmbeddedBillingStore.open(tmp.file('billing.sqlite'), { now: () => clock });
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('builds the account snapshot from what the API fed: usage, chargebacks, refunds in 90 days, flags', async () => {
    store.upsertOrder(order());
    store.upsertOrder(order({ orderId: 'ord-old', billing: { kind: 'one_time' }, quota: undefined }));
    assert.deepEqual(
      await store.getAccountSnapshot(ref),
      { chargebackActive: false, refundsInLast90Days: 0, termsViolation: false, abuseSuspected: false },
      'no usage reported is unknown usage, not zero',
    );

    store.recordUsage({ orderId: 'ord-1', used: 250, reportedAt: '2026-11-10T00:00:00Z' });
    store.recordUsage({ orderId: 'ord-1', used: 900, reportedAt: '2026-11-12T00:00:00Z' });
    store.recordUsage({ orderId: 'ord-1', used: 400, reportedAt: '2026-11-11T00:00:00Z' }); // late, older report
    store.openChargeback({ chargebackId: 'dp_1', orderId: 'ord-old' });
    store.recordRefundPaid({ refundRef: 're_a', orderId: 'ord-old', paidAt: '2026-09-01T00:00:00Z' }); // 80 days before
    store.recordRefundPaid({ refundRef: 're_b', orderId: 'ord-old', paidAt: '2026-08-01T00:00:00Z' }); // 111 days before
    store.recordRefundPaid({ refundRef: 're_a', orderId: 'ord-old', paidAt: '2026-09-01T00:00:00Z' }); // the same report again
    store.setCustomerFlags({ customerId: 'cus-1', abuseSuspected: true });

    assert.deepEqual(await store.getAccountSnapshot(ref), {
      usage: { used: 900 },
      chargebackActive: true,
      refundsInLast90Days: 1,
      termsViolation: false,
      abuseSuspected: true,
    });

    store.closeChargeback('dp_1');
    store.setCustomerFlags({ customerId: 'cus-1', abuseSuspected: false, termsViolation: true });
    const later = await store.getAccountSnapshot(ref);
    assert.equal(later.chargebackActive, false);
    assert.equal(later.termsViolation, true);
    assert.equal(later.abuseSuspected, false);
    assert.deepEqual(
      await store.getCustomerContact(ref),
      { email: 'ada@customer.example' },
      'flags kept the address',
    );
  });

  it('applies each credit, extension, withdrawal and cancellation once per idempotency key', async () => {
    store.upsertOrder(order());
    const c1 = await store.issueCredit({
      ...ref,
      amountMinor: 700,
      currency: 'USD',
      idempotencyKey: 'refund-case-ord-1:credit',
    });
    const c2 = await store.issueCredit({
      ...ref,
      amountMinor: 700,
      currency: 'USD',
      idempotencyKey: 'refund-case-ord-1:credit',
    });
    const e1 = await store.grantServiceExtension({
      ...ref,
      days: 5,
      idempotencyKey: 'refund-case-ord-1:extension',
    });
    const e2 = await store.grantServiceExtension({
      ...ref,
      days: 5,
      idempotencyKey: 'refund-case-ord-1:extension',
    });
    await store.withdrawAccess({ ...ref, idempotencyKey: 'refund-case-ord-1:withdraw-access' });
    await store.withdrawAccess({ ...ref, idempotencyKey: 'refund-case-ord-1:withdraw-access' });
    await store.cancelSubscriptionAtPeriodEnd({
      ...ref,
      periodEnd: '2026-12-01T10:00:00Z',
      idempotencyKey: 'refund-case-ord-1:cancel',
    });

    assert.equal(c1.creditId, c2.creditId);
    assert.match(c1.creditId, /^cr_/);
    assert.equal(e1.extensionId, e2.extensionId);
    const o = store.getOrder('ord-1')!;
    assert.equal(o.creditedMinor, 700, 'one credit');
    assert.equal(o.extensionDays, 5, 'one extension');
    assert.equal(o.access, 'withdrawn');
    assert.equal(o.cancelAtPeriodEnd, true);
    assert.deepEqual(
      store.listActions({ orderId: 'ord-1' }).map((a) => a.kind),
      ['credit', 'service_extension', 'access_withdrawal', 'cancellation'],
    );
    await assertPermanent(
      store.issueCredit({
        ...ref,
        amountMinor: 900,
        currency: 'USD',
        idempotencyKey: 'refund-case-ord-1:credit',
      }),
      NonRetryableErrors.InvalidRequest,
      /already used/,
    );
    assert.equal(store.getOrder('ord-1')!.creditedMinor, 700);
  });

  it('an unknown order, or an order of another customer, is a non-retryable UnknownOrder', async () => {
    store.upsertOrder(order());
    await assertPermanent(
      store.getAccountSnapshot({ orderId: 'nope', customerId: 'cus-1' }),
      NonRetryableErrors.UnknownOrder,
      /nope/,
    );
    await assertPermanent(
      store.getAccountSnapshot({ orderId: 'ord-1', customerId: 'cus-other' }),
      NonRetryableErrors.UnknownOrder,
    );
    await assertPermanent(
      store.issueCredit({
        orderId: 'nope',
        customerId: 'cus-1',
        amountMinor: 1,
        currency: 'USD',
        idempotencyKey: 'k',
      }),
      NonRetryableErrors.UnknownOrder,
    );
    assert.equal(store.listActions().length, 0, 'a refused write leaves nothing behind');
    assert.deepEqual(await store.getCustomerContact({ orderId: 'x', customerId: 'cus-unknown' }), {});
  });

  it('validates what the API feeds', () => {
    assert.throws(() => store.upsertOrder(order({ amountMinor: 1.5 })), /amountMinor/);
    assert.throws(() => store.upsertOrder(order({ purchasedAt: 'yesterday' })), /purchasedAt/);
    assert.throws(
      () => store.recordUsage({ orderId: 'ord-1', used: -1, reportedAt: '2026-11-10T00:00:00Z' }),
      /used/,
    );
  });

  it('keeps everything across a restart and sees another process’s writes', async () => {
    store.upsertOrder(order());
    await store.issueCredit({ ...ref, amountMinor: 700, currency: 'USD', idempotencyKey: 'k-credit' });
    await store.close();

    await writeStoresInChildProcess(tmp.dir, 'ord-child');
    store = EmbeddedBillingStore.open(tmp.file('billing.sqlite'), { now: () => clock });
    assert.equal(store.getOrder('ord-1')!.creditedMinor, 700);
    assert.deepEqual(await store.getAccountSnapshot({ orderId: 'ord-child', customerId: 'cus-child' }), {
      usage: { used: 12 },
      chargebackActive: false,
      refundsInLast90Days: 0,
      termsViolation: false,
      abuseSuspected: false,
    });
    assert.equal(store.getOrder('ord-child')!.creditedMinor, 300);
    await store.issueCredit({
      orderId: 'ord-child',
      customerId: 'cus-child',
      amountMinor: 300,
      currency: 'USD',
      idempotencyKey: 'refund-case-ord-child:credit',
    });
    assert.equal(store.getOrder('ord-child')!.creditedMinor, 300, 'the child’s key is honoured here');
  });
});
