// Worker Versioning on the CLI dev server: two releases of the worker as two build ids of one
// Worker Deployment. A case started on the old build keeps progressing after the deploy (AUTO_UPGRADE:
// it moves to the new current version at its next workflow task), and the new build serves it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { loadConfig } from '../../config';
import { createRefundWorker, type RefundWorker } from '../../worker/main';
import { currentVersion } from '../../worker/versioning';
import { cleanOrder, POLICY, refundClient, workerEnv } from '../reliability/support';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';
import { stubActivities } from '../workflows/support';
import { eventually } from '../support/wait';

describe('worker versioning (Worker Deployments) on the dev server', function () {
  this.timeout(120_000);

  it('a case started on build A keeps progressing on build B after the deploy', async () => {
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('versioning');
    const deploymentName = `refundflow-test-${randomUUID().slice(0, 8)}`;
    const cases = refundClient(env.client.connection, taskQueue);
    const stubs = stubActivities();
    const release = async (buildId: string): Promise<RefundWorker & { running: Promise<void> }> => {
      const config = loadConfig(
        workerEnv(env.address, taskQueue, tmpdir(), {
          REFUNDFLOW_DEPLOYMENT_NAME: deploymentName,
          REFUNDFLOW_BUILD_ID: buildId,
        }),
      );
      assert.equal(config.versioning.enabled && config.versioning.defaultBehavior, 'AUTO_UPGRADE');
      const w = await createRefundWorker(config, {
        connection: env.nativeConnection,
        activities: stubs.activities,
        overrides: { workflowBundle: await workflowBundle(), workflowsPath: undefined },
      });
      const running = w.worker.run();
      await w.promote();
      return { ...w, running };
    };
    const versionOf = async (orderId: string) => {
      const { raw } = await cases.handle(orderId).describe();
      const info = raw.workflowExecutionInfo?.versioningInfo;
      return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
    };

    // Release A: a case waits for a person (no usage figure: USAGE_UNKNOWN).
    const a = await release('build-a');
    assert.deepEqual(await currentVersion(env.nativeConnection, 'default', deploymentName), {
      deploymentName,
      buildId: 'build-a',
    });
    const order = cleanOrder('versioned');
    await cases.start(POLICY, order);
    try {
      await cases.requestRefund(order.orderId, { reason: 'dissatisfied' });
      await eventually(
        async () => (await cases.read(order.orderId)).status === 'under_review',
        'the case under review',
        30_000,
      );
      assert.deepEqual(await versionOf(order.orderId), {
        behavior: 2 /* VERSIONING_BEHAVIOR_AUTO_UPGRADE */,
        buildId: 'build-a',
      });
    } finally {
      // Deploy: A stops, B starts and becomes current.
      a.worker.shutdown();
      await a.running;
    }
    const b = await release('build-b');
    try {
      assert.equal(
        (await currentVersion(env.nativeConnection, 'default', deploymentName))?.buildId,
        'build-b',
      );
      // The waiting case goes on, on B: the reviewer decides and the case closes.
      const answer = await cases.decide(order.orderId, {
        outcome: 'denied',
        note: 'usage not shown',
        actor: { role: 'reviewer' },
      } as never);
      assert.equal(answer.status, 'denied');
      // A denial stays open for its dispute window: read the case rather than wait for its end.
      assert.equal((await cases.read(order.orderId)).status, 'denied');
      assert.equal((await versionOf(order.orderId)).buildId, 'build-b', 'the case moved to the new build');
      const fresh = cleanOrder('versioned-new');
      await cases.start(POLICY, fresh);
      await cases.requestRefund(fresh.orderId, { reason: 'dissatisfied' });
      await eventually(
        async () => (await cases.read(fresh.orderId)).status === 'under_review',
        'the fresh case under review',
        30_000,
      );
      assert.equal(
        (await versionOf(fresh.orderId)).buildId,
        'build-b',
        'a new case starts on the current build',
      );
      await cases.handle(fresh.orderId).terminate('test finished');
      await cases.handle(order.orderId).terminate('test finished');
    } finally {
      b.worker.shutdown();
      await b.running;
    }
  });
});
