import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { HttpBillingAdapter } from '../../activities/billing/http';
import { NonRetryableErrors } from '../../activities/contract';
import { createActivities } from '../../activities/create-activities';
import { EmailOutbox } from '../../activities/email/outbox';
import { SandboxGateway } from '../../activities/payments/sandbox';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';
import { creditTwice, readSnapshot } from './fixtures/activity-workflows';
import { startBilling } from './fake-billing';
import { tempDir } from './support';

const fixtures = require.resolve('./fixtures/activity-workflows');

describe('activities: failures as Temporal’s retry policy sees them (dev server, HTTP billing)', function () {
  this.timeout(120_000);
  let billing: Awaited<ReturnType<typeof startBilling>>;
  let tmp: ReturnType<typeof tempDir>;
  let outbox: EmailOutbox;
  let gateway: SandboxGateway;

  beforeEach(async () => {
    billing = await startBilling();
    tmp = tempDir('retries');
    outbox = EmailOutbox.open(tmp.file('outbox.sqlite'), { from: 'r@shop.example' });
    gateway = SandboxGateway.open(tmp.file('gateway.sqlite'));
  });
  afterEach(async () => {
    await Promise.all([billing.stop(), outbox.close(), gateway.close()]);
    tmp.cleanup();
  });

  async function run<T>(
    label: string,
    body: (env: Awaited<ReturnType<typeof devServerEnv>>, taskQueue: string) => Promise<T>,
  ): Promise<T> {
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue(label);
    const activities = createActivities({
      billing: new HttpBillingAdapter({ baseUrl: billing.baseUrl, timeoutMs: 2_000 }),
      email: outbox,
      payments: gateway,
      supportAddress: 's@shop.example',
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(fixtures),
      activities,
    });
    return worker.runUntil(body(env, taskQueue));
  }

  it('two 503s are retried with the same Idempotency-Key; billing applies one credit', async () => {
    billing.faults.push({ status: 503 }, { status: 503 });
    const input = {
      orderId: 'ord-1',
      customerId: 'cus-1',
      amountMinor: 700,
      currency: 'USD',
      idempotencyKey: 'refund-case-ord-1:credit',
    };
    const ids = await run('credit-retries', (env, taskQueue) =>
      env.client.workflow.execute(creditTwice, { taskQueue, workflowId: `${taskQueue}-wf`, args: [input] }),
    );
    assert.deepEqual(ids, ['cr_1', 'cr_1']);
    assert.deepEqual(billing.effects, ['credit 700']);
    assert.deepEqual(
      billing.seen.map((s) => s.idempotencyKey),
      Array(4).fill('refund-case-ord-1:credit'),
      'two failed attempts, the success, and the second call',
    );
  });

  it('a 404 fails the activity at once as a non-retryable UnknownOrder, seen through the failure chain', async () => {
    const err = await run('unknown-order', (env, taskQueue) =>
      env.client.workflow
        .execute(readSnapshot, {
          taskQueue,
          workflowId: `${taskQueue}-wf`,
          args: [{ orderId: 'missing', customerId: 'cus-1' }],
        })
        .then(
          () => assert.fail('the workflow succeeded'),
          (e: unknown) => e,
        ),
    );
    assert.ok(err instanceof WorkflowFailedError);
    assert.ok(err.cause instanceof ActivityFailure);
    assert.ok(err.cause.cause instanceof ApplicationFailure);
    assert.equal(err.cause.cause.type, NonRetryableErrors.UnknownOrder);
    assert.equal(err.cause.cause.nonRetryable, true);
    assert.equal(billing.seen.length, 1, 'not retried');
  });
});
