import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { devServerEnv, timeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';
import { nameQuery, namedThing, renameUpdate, sleepsSevenDays } from '../fixtures/foundation-workflows';
import { refundSearchAttributes } from '../../workflows/search-attributes';

const fixtures = require.resolve('../fixtures/foundation-workflows');

describe('foundation: Temporal servers built from the registries', function () {
  this.timeout(120_000);

  it('a workflow that waits 7 days completes under time skipping in seconds', async () => {
    const env = await timeSkippingEnv();
    const taskQueue = uniqueTaskQueue('seven-days');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(fixtures),
    });
    const wallStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(sleepsSevenDays, { taskQueue, workflowId: `${taskQueue}-wf` }),
    );
    const wallMs = Date.now() - wallStart;
    assert.ok(
      result.endedAt - result.startedAt >= 7 * 24 * 3600 * 1000,
      'the workflow clock advanced 7 days',
    );
    assert.ok(wallMs < 30_000, `took ${wallMs} ms of wall time`);
  });

  it('the dev server answers an update, rejects bad input in the validator, and answers a query', async () => {
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('update-query');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(fixtures),
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(namedThing, {
        taskQueue,
        workflowId: `${taskQueue}-wf`,
        args: ['first'],
      });
      await assert.rejects(handle.executeUpdate(renameUpdate, { args: ['  '] }), (err: unknown) => {
        assert.ok(err instanceof WorkflowUpdateFailedError);
        assert.match(String(err.cause?.message), /name: must be a non-empty string/);
        return true;
      });
      assert.equal(await handle.query(nameQuery), 'first', 'a rejected update changes nothing');
      assert.equal(await handle.executeUpdate(renameUpdate, { args: ['second'] }), 'first');
      assert.equal(await handle.query(nameQuery), 'second');
      assert.equal(await handle.result(), `${taskQueue}-wf:second`);
      // A rejected update never reaches history: only the accepted one is there.
      const history = await handle.fetchHistory();
      const accepted = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
      assert.equal(accepted.length, 1);
    });
  });

  it('the dev server has the refund search attributes registered', async () => {
    const env = await devServerEnv();
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    for (const key of refundSearchAttributes) {
      assert.ok(customAttributes?.[key.name] !== undefined, `${key.name} is registered`);
    }
  });
});
