import assert from 'node:assert/strict';
import { NonRetryableErrors } from '../../activities/contract';
import { HttpBillingAdapter } from '../../activities/billing/http';
import { startBilling } from './fake-billing';
import { assertPermanent, assertRetryable } from './support';

describe('activities: HTTP billing adapter against a server speaking the OpenAPI contract', function () {
  this.timeout(30_000);
  let billing: Awaited<ReturnType<typeof startBilling>>;
  let adapter: HttpBillingAdapter;
  const ref = { orderId: 'ord-1', customerId: 'cus-1' };
  beforeEach(async () => {
    billing = await startBilling();
    adapter = new HttpBillingAdapter({ baseUrl: billing.baseUrl, apiKey: 'billing-key', timeoutMs: 2_000 });
  });
  afterEach(() => billing.stop());

  it('reads the account snapshot and the contact, authenticated with the API key', async () => {
    assert.deepEqual(await adapter.getAccountSnapshot(ref), {
      usage: { used: 40_000 },
      chargebackActive: false,
      refundsInLast90Days: 2,
      termsViolation: false,
      abuseSuspected: true,
    });
    assert.deepEqual(await adapter.getCustomerContact(ref), { email: 'ada@customer.example', name: 'Ada' });
    assert.deepEqual(
      billing.seen.map((s) => [s.method, s.path, s.authorization]),
      [
        ['GET', '/v1/orders/ord-1/account-snapshot', 'Bearer billing-key'],
        ['GET', '/v1/customers/cus-1/contact', 'Bearer billing-key'],
      ],
    );
  });

  it('sends every write with its Idempotency-Key and a body the contract accepts', async () => {
    await adapter.withdrawAccess({ ...ref, idempotencyKey: 'refund-case-ord-1:withdraw-access' });
    assert.deepEqual(
      await adapter.issueCredit({
        ...ref,
        amountMinor: 700,
        currency: 'USD',
        idempotencyKey: 'refund-case-ord-1:credit',
      }),
      { creditId: 'cr_1' },
    );
    assert.deepEqual(
      await adapter.grantServiceExtension({ ...ref, days: 5, idempotencyKey: 'refund-case-ord-1:extension' }),
      { extensionId: 'ext_1' },
    );
    await adapter.cancelSubscriptionAtPeriodEnd({
      ...ref,
      periodEnd: '2026-12-01T10:00:00.000Z',
      idempotencyKey: 'refund-case-ord-1:cancel',
    });
    assert.deepEqual(
      billing.seen.map((s) => [s.path, s.idempotencyKey]),
      [
        ['/v1/orders/ord-1/access-withdrawals', 'refund-case-ord-1:withdraw-access'],
        ['/v1/orders/ord-1/credits', 'refund-case-ord-1:credit'],
        ['/v1/orders/ord-1/service-extensions', 'refund-case-ord-1:extension'],
        ['/v1/orders/ord-1/cancellations', 'refund-case-ord-1:cancel'],
      ],
    );
    assert.deepEqual(billing.seen[3]!.body, { customerId: 'cus-1', periodEnd: '2026-12-01T10:00:00.000Z' });
  });

  it('a 503 is retryable; the retry with the same key succeeds and billing applies the credit once', async () => {
    billing.faults.push({ status: 503, body: { message: 'maintenance' } });
    const input = { ...ref, amountMinor: 700, currency: 'USD', idempotencyKey: 'refund-case-ord-1:credit' };
    await assertRetryable(adapter.issueCredit(input), /503.*maintenance/);
    const first = await adapter.issueCredit(input);
    const repeated = await adapter.issueCredit(input);
    assert.equal(first.creditId, repeated.creditId);
    assert.deepEqual(billing.effects, ['credit 700'], 'one credit');
    assert.deepEqual(
      billing.seen.map((s) => s.idempotencyKey),
      ['refund-case-ord-1:credit', 'refund-case-ord-1:credit', 'refund-case-ord-1:credit'],
    );
  });

  it('429, 401 and a timeout are retryable', async () => {
    billing.faults.push({ status: 429 }, { status: 401 }, { status: 200, hang: true });
    await assertRetryable(adapter.getAccountSnapshot(ref), /429/);
    await assertRetryable(adapter.getAccountSnapshot(ref), /401/);
    const quick = new HttpBillingAdapter({ baseUrl: billing.baseUrl, timeoutMs: 200 });
    const started = Date.now();
    await assertRetryable(quick.getAccountSnapshot(ref), /timeout|aborted/i);
    assert.ok(Date.now() - started < 2_000);
  });

  it('a 404 is a non-retryable UnknownOrder; other 4xx are non-retryable InvalidRequest', async () => {
    await assertPermanent(
      adapter.getAccountSnapshot({ orderId: 'missing', customerId: 'cus-1' }),
      NonRetryableErrors.UnknownOrder,
      /no such order/,
    );
    billing.faults.push({
      status: 422,
      body: { code: 'not_a_subscription', message: 'order ord-1 is one-time' },
    });
    const failure = await assertPermanent(
      adapter.cancelSubscriptionAtPeriodEnd({
        ...ref,
        periodEnd: '2026-12-01T10:00:00Z',
        idempotencyKey: 'k',
      }),
      NonRetryableErrors.InvalidRequest,
      /one-time/,
    );
    assert.deepEqual(failure.details, [{ status: 422, code: 'not_a_subscription' }]);
    await adapter.issueCredit({ ...ref, amountMinor: 700, currency: 'USD', idempotencyKey: 'k-credit' });
    await assertPermanent(
      adapter.issueCredit({ ...ref, amountMinor: 900, currency: 'USD', idempotencyKey: 'k-credit' }),
      NonRetryableErrors.InvalidRequest,
      /409/,
    );
  });

  it('a billing system that is down is retryable', async () => {
    await billing.stop();
    await assertRetryable(adapter.getAccountSnapshot(ref), /fetch failed|ECONNREFUSED/);
    billing = await startBilling(); // for afterEach
  });
});
