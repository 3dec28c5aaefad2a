import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Stripe from 'stripe';
import { NonRetryableErrors } from '../../activities/contract';
import {
  classifyStripeError,
  StripePaymentsAdapter,
  type StripeConfig,
} from '../../activities/payments/stripe';
import { assertPermanent, assertRetryable, freePort, waitForPort } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const STRIPE_MOCK = path.join(ROOT, '.tools', 'bin', 'stripe-mock');

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  idempotencyKey?: string;
  form: URLSearchParams;
  status: number;
  echoedKey?: string;
}

/**
 * A recording proxy in front of stripe-mock: stripe-mock is stateless, so what we can observe
 * is what reached it (method, path, form body, Idempotency-Key) and what it answered.
 * `failNext` answers 500 in Stripe's error shape without forwarding, to inject a fault.
 */
async function startProxy(upstreamPort: number) {
  const recorded: Recorded[] = [];
  const state = { failNext: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url!, 'http://proxy');
      const entry: Recorded = {
        method: req.method!,
        path: url.pathname,
        query: url.searchParams,
        ...(req.headers['idempotency-key']
          ? { idempotencyKey: req.headers['idempotency-key'] as string }
          : {}),
        form: new URLSearchParams(body.toString('utf8')),
        status: 0,
      };
      recorded.push(entry);
      if (state.failNext > 0) {
        state.failNext -= 1;
        entry.status = 500;
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { type: 'api_error', message: 'injected outage' } }));
        return;
      }
      const upstream = http.request(
        { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          entry.status = up.statusCode ?? 0;
          if (up.headers['idempotency-key']) entry.echoedKey = up.headers['idempotency-key'] as string;
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    recorded,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('activities: Stripe adapter against stripe-mock', function () {
  this.timeout(60_000);
  let mock: ChildProcess;
  let mockPort: number;
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  before(async () => {
    if (!fs.existsSync(STRIPE_MOCK))
      execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-tools.sh'), 'stripe-mock'], {
        stdio: 'inherit',
      });
    mockPort = await freePort();
    // Both listeners get ephemeral ports: left alone, HTTPS would take its fixed default (12112).
    const httpsPort = await freePort();
    mock = spawn(
      STRIPE_MOCK,
      ['-http-addr', `127.0.0.1:${mockPort}`, '-https-addr', `127.0.0.1:${httpsPort}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    mock.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<never>((_, reject) =>
      mock.once('exit', (code) => reject(new Error(`stripe-mock exited (${code}): ${stderr}`))),
    );
    exited.catch(() => undefined); // after the race, the exit on teardown is expected
    await Promise.race([waitForPort(mockPort, 30_000), exited]);
  });
  after(async () => {
    if (mock && mock.exitCode === null) {
      const exited = new Promise((resolve) => mock.once('exit', resolve));
      mock.kill('SIGTERM');
      await exited;
    }
  });
  beforeEach(async () => (proxy = await startProxy(mockPort)));
  afterEach(() => proxy.stop());

  const adapter = (over: Partial<StripeConfig> = {}) =>
    new StripePaymentsAdapter({
      apiKey: 'sk_test_123',
      timeoutMs: 5_000,
      host: '127.0.0.1',
      port: proxy.port,
      protocol: 'http',
      orderMetadataKey: 'orderId',
      ...over,
    });
  const request = {
    orderId: 'ord-1',
    customerId: 'cus-1',
    amountMinor: 1999,
    currency: 'USD',
    paymentMethod: 'card' as const,
    idempotencyKey: 'refund-case-ord-1:refund:1',
  };
  const refundPosts = () => proxy.recorded.filter((r) => r.method === 'POST' && r.path === '/v1/refunds');

  it('creates the refund on the payment intent with our idempotency key, and maps the answer', async () => {
    const result = await adapter().createRefund({ ...request, paymentReference: 'pi_123' });
    assert.match(result.refundId, /^re_/);
    assert.equal(result.status, 'succeeded');
    const [post] = refundPosts();
    assert.equal(post!.status, 200);
    assert.equal(post!.idempotencyKey, 'refund-case-ord-1:refund:1');
    assert.equal(post!.echoedKey, 'refund-case-ord-1:refund:1', 'stripe-mock saw the key');
    assert.equal(post!.form.get('payment_intent'), 'pi_123');
    assert.equal(post!.form.get('amount'), '1999');
    assert.equal(post!.form.get('reason'), 'requested_by_customer');
    assert.equal(post!.form.get('metadata[orderId]'), 'ord-1');
    assert.equal(post!.form.get('metadata[idempotencyKey]'), 'refund-case-ord-1:refund:1');

    await adapter().createRefund({ ...request, idempotencyKey: 'k-charge', paymentReference: 'ch_456' });
    assert.equal(refundPosts()[1]!.form.get('charge'), 'ch_456', 'a charge reference refunds the charge');
    assert.equal(refundPosts()[1]!.form.has('payment_intent'), false);
  });

  it('without a payment reference, finds the payment intent by order metadata first', async () => {
    await adapter().createRefund(request);
    assert.deepEqual(
      proxy.recorded.map((r) => `${r.method} ${r.path}`),
      ['GET /v1/payment_intents/search', 'POST /v1/refunds'],
    );
    assert.equal(proxy.recorded[0]!.query.get('query'), "metadata['orderId']:'ord-1'");
    assert.match(refundPosts()[0]!.form.get('payment_intent') ?? '', /^pi_/);
  });

  it('a repeated call and a retry after a 500 carry the same idempotency key', async () => {
    const stripe = adapter();
    proxy.state.failNext = 1;
    await assertRetryable(
      stripe.createRefund({ ...request, paymentReference: 'pi_123' }),
      /injected outage.*500/,
    );
    const a = await stripe.createRefund({ ...request, paymentReference: 'pi_123' });
    const b = await stripe.createRefund({ ...request, paymentReference: 'pi_123' });
    assert.equal(a.status, 'succeeded');
    assert.equal(b.status, 'succeeded');
    assert.deepEqual(
      refundPosts().map((r) => [r.status, r.idempotencyKey]),
      [
        [500, 'refund-case-ord-1:refund:1'],
        [200, 'refund-case-ord-1:refund:1'],
        [200, 'refund-case-ord-1:refund:1'],
      ],
      'one key for every attempt, so Stripe makes one refund; the package added no retries of its own',
    );
  });

  it('crypto and account credit fail non-retryably before any request', async () => {
    await assertPermanent(
      adapter().createRefund({ ...request, paymentMethod: 'crypto' }),
      NonRetryableErrors.UnsupportedPaymentMethod,
      /crypto/,
    );
    await assertPermanent(
      adapter().createRefund({ ...request, paymentMethod: 'account_credit' }),
      NonRetryableErrors.UnsupportedPaymentMethod,
    );
    assert.equal(proxy.recorded.length, 0);
  });

  it('reads a refund’s status', async () => {
    assert.deepEqual(await adapter().getRefund('re_abc'), { refundId: 're_abc', status: 'succeeded' });
    assert.equal(proxy.recorded[0]!.path, '/v1/refunds/re_abc');
  });

  it('finds the refunds on an order’s payment (by reference, or by the order metadata first)', async () => {
    const byReference = await adapter().findRefunds({ orderId: 'ord-1', paymentReference: 'pi_123' });
    assert.ok(byReference.length >= 1, 'stripe-mock lists a refund');
    for (const refund of byReference) {
      assert.match(refund.refundId, /^re_/);
      assert.ok(['pending', 'succeeded', 'failed', 'canceled'].includes(refund.status));
      assert.ok(Number.isInteger(refund.amountMinor));
      assert.match(refund.currency, /^[A-Z]{3}$/);
    }
    const list = proxy.recorded.find((r) => r.method === 'GET' && r.path === '/v1/refunds');
    assert.equal(list?.query.get('payment_intent'), 'pi_123');
    proxy.recorded.length = 0;
    await adapter().findRefunds({ orderId: 'ord-1' });
    assert.deepEqual(
      proxy.recorded.map((r) => `${r.method} ${r.path}`),
      ['GET /v1/payment_intents/search', 'GET /v1/refunds'],
    );
  });

  it('maps Stripe’s answers: a key stripe-mock refuses (401) and a dead host are retryable, a 400 is InvalidRequest', async () => {
    await assertRetryable(
      adapter({ apiKey: 'sk_live_123' }).createRefund({ ...request, paymentReference: 'pi_123' }),
      /401/,
    );
    const closed = await freePort();
    await assertRetryable(adapter({ port: closed }).getRefund('re_1'));

    // stripe-mock validates parameters against Stripe's OpenAPI spec; a non-numeric amount is its 400.
    const raw = new Stripe('sk_test_123', {
      host: '127.0.0.1',
      port: proxy.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const err = await raw.refunds
      .create({ payment_intent: 'pi_123', amount: 'abc' as unknown as number })
      .then(
        () => assert.fail('stripe-mock accepted a non-numeric amount'),
        (e: unknown) => e,
      );
    assert.equal((err as { statusCode?: number }).statusCode, 400);
    await assertPermanent(
      Promise.reject(classifyStripeError(err, NonRetryableErrors.UnknownOrder)),
      NonRetryableErrors.InvalidRequest,
      /amount/,
    );
  });
});
