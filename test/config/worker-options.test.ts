import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import type { RefundActivities } from '../../activities';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import { workerEnv } from '../reliability/support';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';

// The worker's tuning variables reach Worker.create (a real worker on the dev server, shut down at once).
describe('config: the worker takes its tuning from the environment', () => {
  const workerWith = async (extra: Record<string, string>) => {
    const env = await devServerEnv();
    const config = loadConfig(workerEnv(env.address, uniqueTaskQueue('worker-options'), tmpdir(), extra));
    const { worker, close } = await createRefundWorker(config, {
      connection: env.nativeConnection,
      activities: {} as RefundActivities,
      overrides: { workflowBundle: await workflowBundle(), workflowsPath: undefined },
    });
    // Run and drain it at once: a created worker holds the shared connection until it has run.
    const running = worker.run();
    worker.shutdown();
    await running;
    await close();
    return worker.options;
  };

  it('REFUNDFLOW_MAX_CACHED_WORKFLOWS sizes the workflow cache; unset, it is sized from the machine (worker/tuning.ts)', async () => {
    const sized = await workerWith({ REFUNDFLOW_MAX_CACHED_WORKFLOWS: '37' });
    assert.equal(sized.maxCachedWorkflows, 37);
    const fallback = await workerWith({});
    assert.notEqual(fallback.maxCachedWorkflows, 37);
    assert.ok(fallback.maxCachedWorkflows > 0);
  });

  it('REFUNDFLOW_SHUTDOWN_GRACE_SECONDS becomes the shutdown grace time', async () => {
    const options = await workerWith({ REFUNDFLOW_SHUTDOWN_GRACE_SECONDS: '12' });
    assert.equal(options.shutdownGraceTimeMs, 12_000);
  });
});
