import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import type { RefundActivities } from '../../activities';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import {
  CACHED_CASE_BYTES,
  WORKFLOW_TASKS_PER_THREAD,
  INITIAL_WORKFLOW_TASK_POLLERS,
  defaultMaxCachedWorkflows,
  thisMachine,
  workflowTaskOptions,
} from '../../worker/tuning';
import { workerEnv } from '../reliability/support';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';

const GiB = 2 ** 30;

describe('worker tuning: workflow-task options for the machine', () => {
  it('sizes the cache from the memory or the heap limit, whichever allows fewer cases', () => {
    // Half of a 1 GiB container at 0.5 MiB a case; the heap (4 GiB) would allow more.
    assert.equal(
      defaultMaxCachedWorkflows({ memoryBytes: GiB, heapLimitBytes: 4 * GiB }),
      (GiB * 0.5) / CACHED_CASE_BYTES,
    );
    // A 24 GiB host with a 4 GiB heap: three quarters of the heap, where cached workflows live.
    assert.equal(
      defaultMaxCachedWorkflows({ memoryBytes: 24 * GiB, heapLimitBytes: 4 * GiB }),
      (4 * GiB * 0.75) / CACHED_CASE_BYTES,
    );
    assert.equal(
      defaultMaxCachedWorkflows({ memoryBytes: 8 * 2 ** 20, heapLimitBytes: 4 * GiB }),
      10,
      'never below 10',
    );
  });

  it('an operator’s cache size wins, 0 included (no cache)', () => {
    const machine = { memoryBytes: GiB, heapLimitBytes: GiB };
    assert.equal(workflowTaskOptions(machine, 37).maxCachedWorkflows, 37);
    assert.equal(workflowTaskOptions(machine, 0).maxCachedWorkflows, 0);
    assert.equal(workflowTaskOptions(machine).maxCachedWorkflows, defaultMaxCachedWorkflows(machine));
  });

  it('reach Worker.create: autoscaling workflow-task pollers, slots for one workflow thread, the derived cache', async () => {
    const env = await devServerEnv();
    const config = loadConfig(workerEnv(env.address, uniqueTaskQueue('worker-tuning'), tmpdir()));
    const { worker, close } = await createRefundWorker(config, {
      connection: env.nativeConnection,
      activities: {} as RefundActivities,
      overrides: { workflowBundle: await workflowBundle(), workflowsPath: undefined },
    });
    const running = worker.run();
    worker.shutdown();
    await running;
    await close();
    const { options } = worker;
    assert.deepEqual(options.workflowTaskPollerBehavior, {
      type: 'autoscaling',
      minimum: 2,
      initial: INITIAL_WORKFLOW_TASK_POLLERS,
      maximum: WORKFLOW_TASKS_PER_THREAD,
    });
    assert.deepEqual(options.tuner.workflowTaskSlotSupplier, {
      type: 'fixed-size',
      numSlots: WORKFLOW_TASKS_PER_THREAD,
    });
    assert.equal(
      options.workflowThreadPoolSize,
      1,
      'one workflow thread (reuseV8Context), which the slots are sized to',
    );
    assert.equal(options.maxCachedWorkflows, defaultMaxCachedWorkflows(thisMachine()));
  });
});
