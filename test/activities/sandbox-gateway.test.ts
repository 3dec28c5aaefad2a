import assert from 'node:assert/strict';
import http from 'node:http';
import type { CreateRefund } from '../../activities/contract';
import { NonRetryableErrors } from '../../activities/contract';
import { listGatewayRefunds, SandboxGateway } from '../../activities/payments/sandbox';
import { SandboxGatewaySettler } from '../../activities/payments/sandbox-settler';
import { refundWebhookEventSchema, type RefundWebhookEvent } from '../../activities/payments/webhook-event';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../activities/payments/webhook-signature';
import { writeStoresInChildProcess } from './child';
import { assertPermanent, eventually, freePort, tempDir } from './support';

const SECRET = 'whsec_sandbox_test_secret';

interface Received {
  event: RefundWebhookEvent;
  signatureValid: boolean;
}

/** The API's webhook endpoint, played by a local HTTP server; `failFirst` answers 503 that many times. */
async function startReceiver(
  failFirst = 0,
): Promise<{ url: string; received: Received[]; attempts: () => number; stop: () => Promise<void> }> {
  const received: Received[] = [];
  let attempts = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts += 1;
      if (attempts <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verifyWebhookSignature(
        SECRET,
        req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined,
        raw,
        300,
      );
      received.push({ event: refundWebhookEventSchema.parse(JSON.parse(raw)), signatureValid });
      res.writeHead(signatureValid ? 200 : 400).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/v1/webhooks/payments`,
    received,
    attempts: () => attempts,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const request = (over: Partial<CreateRefund> = {}): CreateRefund => ({
  orderId: 'ord-1',
  customerId: 'cus-1',
  amountMinor: 1999,
  currency: 'USD',
  paymentMethod: 'card',
  idempotencyKey: 'refund-case-ord-1:refund:1',
  ...over,
});

describe('activities: sandbox payment gateway (SQLite, asynchronous settlement, signed webhooks)', function () {
  this.timeout(30_000);
  let tmp: ReturnType<typeof tempDir>;
  const stops: (() => Promise<void>)[] = [];
  beforeEach(() => (tmp = tempDir('sandbox')));
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    tmp.cleanup();
  });

  function open(): SandboxGateway {
    const gateway = SandboxGateway.open(tmp.file('gateway.sqlite'));
    stops.push(() => gateway.close());
    return gateway;
  }

  it('creates one refund per idempotency key; a repeat returns the same refund', async () => {
    const gateway = open();
    const a = await gateway.createRefund(request());
    const b = await gateway.createRefund(request());
    assert.equal(a.status, 'pending');
    assert.deepEqual(b, a);
    await gateway.createRefund(request({ orderId: 'ord-2', idempotencyKey: 'refund-case-ord-2:refund:1' }));
    assert.equal(gateway.listRefunds({ orderId: 'ord-1' }).length, 1, 'exactly one payout for the case');
    assert.equal(gateway.listRefunds().length, 2);
  });

  it('finds the refunds it holds for an order, with the key each was created with', async () => {
    const gateway = open();
    const first = await gateway.createRefund(request());
    await gateway.createRefund(request({ idempotencyKey: 'refund-case-ord-1:refund:2' }));
    await gateway.createRefund(request({ orderId: 'ord-2', idempotencyKey: 'refund-case-ord-2:refund:1' }));
    const found = await gateway.findRefunds({ orderId: 'ord-1' });
    assert.deepEqual(
      found.map((r) => r.idempotencyKey),
      ['refund-case-ord-1:refund:1', 'refund-case-ord-1:refund:2'],
    );
    assert.deepEqual(found[0], {
      ...first,
      idempotencyKey: 'refund-case-ord-1:refund:1',
      amountMinor: request().amountMinor,
      currency: request().currency,
    });
    assert.deepEqual(await gateway.findRefunds({ orderId: 'ord-none' }), []);
  });

  it('refuses a reused key with other parameters, crypto and account credit, and bad amounts, without writing', async () => {
    const gateway = open();
    await gateway.createRefund(request());
    await assertPermanent(
      gateway.createRefund(request({ amountMinor: 5000 })),
      NonRetryableErrors.InvalidRequest,
      /already used/,
    );
    await assertPermanent(
      gateway.createRefund(request({ paymentMethod: 'crypto', idempotencyKey: 'k-crypto' })),
      NonRetryableErrors.UnsupportedPaymentMethod,
      /crypto/,
    );
    await assertPermanent(
      gateway.createRefund(request({ paymentMethod: 'account_credit', idempotencyKey: 'k-credit' })),
      NonRetryableErrors.UnsupportedPaymentMethod,
    );
    await assertPermanent(
      gateway.createRefund(request({ amountMinor: 0, idempotencyKey: 'k-zero' })),
      NonRetryableErrors.InvalidRequest,
    );
    assert.equal(gateway.listRefunds().length, 1);
    await assertPermanent(gateway.getRefund('re_sbx_missing'), NonRetryableErrors.UnknownRefund);
  });

  it('the settler settles after the delay and delivers one signed refund.updated webhook', async () => {
    const receiver = await startReceiver();
    stops.push(receiver.stop);
    const gateway = open();
    const settler = new SandboxGatewaySettler({
      file: tmp.file('gateway.sqlite'),
      settleAfterMs: 300,
      pollIntervalMs: 50,
      webhook: { url: receiver.url, secret: SECRET },
    });
    const created = await gateway.createRefund(request());
    const createdAt = Date.now();
    settler.start();
    stops.push(() => settler.stop());

    const delivered = await eventually(() => receiver.received[0], 'the webhook');
    assert.ok(Date.now() - createdAt >= 300, 'not settled before the delay');
    assert.equal(delivered.signatureValid, true);
    assert.equal(delivered.event.type, 'refund.updated');
    assert.match(delivered.event.id, /^evt_sbx_/);
    assert.deepEqual(delivered.event.data, {
      refundId: created.refundId,
      orderId: 'ord-1',
      status: 'succeeded',
      amountMinor: 1999,
      currency: 'USD',
    });
    assert.deepEqual(await gateway.getRefund(created.refundId), {
      refundId: created.refundId,
      status: 'succeeded',
    });
    await eventually(
      () => (gateway.listWebhookEvents()[0]?.deliveredAt ? true : undefined),
      'the delivery to be recorded',
    );
    await settler.stop();
    assert.equal(receiver.received.length, 1, 'delivered once');
  });

  it('fails refunds by the test hooks: an amount ending in a magic suffix, or a per-order flag', async () => {
    const gateway = open();
    const settler = new SandboxGatewaySettler({ file: tmp.file('gateway.sqlite'), settleAfterMs: 0 });
    stops.push(() => settler.stop());
    const magic = await gateway.createRefund(request({ amountMinor: 14001, idempotencyKey: 'k-magic' }));
    gateway.setOrderFailure('ord-flagged', 'insufficient_funds');
    const flagged = await gateway.createRefund(
      request({ orderId: 'ord-flagged', idempotencyKey: 'k-flagged' }),
    );
    gateway.setOrderFailure('ord-cleared', 'declined');
    gateway.setOrderFailure('ord-cleared', null);
    const cleared = await gateway.createRefund(
      request({ orderId: 'ord-cleared', idempotencyKey: 'k-cleared' }),
    );

    const { settled } = await settler.runOnce();
    assert.equal(settled.length, 3);
    assert.deepEqual(await gateway.getRefund(magic.refundId), {
      refundId: magic.refundId,
      status: 'failed',
      failureReason: 'expired_or_canceled_card',
    });
    assert.deepEqual(await gateway.getRefund(flagged.refundId), {
      refundId: flagged.refundId,
      status: 'failed',
      failureReason: 'insufficient_funds',
    });
    assert.equal((await gateway.getRefund(cleared.refundId)).status, 'succeeded');
    assert.equal((await settler.runOnce()).settled.length, 0, 'a settled refund never settles again');
    const failedEvent = refundWebhookEventSchema.parse(
      JSON.parse(gateway.listWebhookEvents({ refundId: magic.refundId })[0]!.body),
    );
    assert.equal(failedEvent.data.failureReason, 'expired_or_canceled_card');
  });

  it('retries webhook delivery with backoff until the endpoint accepts', async () => {
    const receiver = await startReceiver(2);
    stops.push(receiver.stop);
    const gateway = open();
    const settler = new SandboxGatewaySettler({
      file: tmp.file('gateway.sqlite'),
      settleAfterMs: 0,
      pollIntervalMs: 20,
      webhook: { url: receiver.url, secret: SECRET, initialBackoffMs: 100, maxBackoffMs: 400 },
    });
    await gateway.createRefund(request());
    const started = Date.now();
    settler.start();
    stops.push(() => settler.stop());

    await eventually(() => receiver.received[0], 'the webhook after two failures');
    assert.equal(receiver.attempts(), 3);
    assert.ok(Date.now() - started >= 100 + 200, 'waited the backoff (100 ms, then 200 ms) between attempts');
    // The settler records the delivery after the receiver answered: wait for that write.
    const event = await eventually(
      () => gateway.listWebhookEvents().find((e) => e.deliveredAt),
      'the delivery recorded',
    );
    assert.equal(event.attempts, 3);
  });

  it('keeps refunds and pending events across a restart, and another process’s refunds settle here', async () => {
    const file = tmp.file('gateway.sqlite');
    const before = SandboxGateway.open(file);
    const mine = await before.createRefund(request());
    await before.close();

    const { refundId: childRefund } = await writeStoresInChildProcess(tmp.dir, 'ord-child');

    const after = open();
    assert.deepEqual(await after.getRefund(mine.refundId), mine, 'the restart lost nothing');
    assert.deepEqual(
      after.listRefunds().map((r) => r.orderId),
      ['ord-1', 'ord-child'],
    );
    const again = await after.createRefund(request());
    assert.equal(again.refundId, mine.refundId, 'idempotency holds across the restart');

    const settler = new SandboxGatewaySettler({ file, settleAfterMs: 0 });
    stops.push(() => settler.stop());
    await settler.runOnce();
    assert.equal((await after.getRefund(childRefund)).status, 'succeeded');
    assert.equal(after.listWebhookEvents().length, 2, 'one queued event per settled refund');
    assert.deepEqual(
      listGatewayRefunds(file, { orderId: 'ord-child' }).map((r) => [r.refundId, r.status]),
      [[childRefund, 'succeeded']],
    );
  });
});
