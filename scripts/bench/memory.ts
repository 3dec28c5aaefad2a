// One memory figure of `npm run bench`, in a process of its own so that nothing else the bench
// did is in its RSS: start BENCH_MEMORY_CASES workflows of one kind (BENCH_MEMORY_KIND: the refund
// case, the baseline, or a workflow that only sleeps — the SDK's floor), keep them all cached,
// and print the RSS growth per cached workflow as JSON, with how fast one worker ran their first
// workflow tasks (started 50 at a time, all of them queued before the worker catches up).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { buildActivityDeps, createActivities, embeddedActivityConfig, type RefundActivities } from '../../activities';
import { buildDataConverter } from '../../client/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig } from '../../worker/config';
import { createRefundWorker } from '../../worker/main';
import { ADMIN_KEY, POLICY, cleanOrder, inPool, workerEnv } from '../../test/reliability/support';
import { devServerEnv, teardownServers, uniqueTaskQueue } from '../../test/support/servers';

const KIND = process.env.BENCH_MEMORY_KIND ?? 'refund';
const N = Number(process.env.BENCH_MEMORY_CASES ?? 1_000);
const WARM_UP = 100;
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const env = await devServerEnv();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-bench-memory-'));
  const taskQueue = uniqueTaskQueue('bench-memory');
  const config = loadConfig({ ...workerEnv(env.address, taskQueue, dataDir), REFUNDFLOW_API_KEYS: `admin:${ADMIN_KEY}` });
  const deps = buildActivityDeps(embeddedActivityConfig(dataDir));
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./baseline-workflows'), logger: silent });
  const { worker } = await createRefundWorker(config, {
    connection: env.nativeConnection,
    activities: createActivities(deps) as RefundActivities,
    // Room for every workflow, so none is evicted while it is measured.
    overrides: { workflowBundle, workflowsPath: undefined, maxCachedWorkflows: N + WARM_UP + 100 },
  });
  const running = worker.run();
  const client = new Client({ connection: env.client.connection, namespace: 'default', dataConverter: buildDataConverter(config.encryption) });
  const cases = new RefundCases(client, taskQueue);

  const startOne = async (): Promise<string> => {
    const o = cleanOrder('memory');
    if (KIND === 'refund') return (await cases.start(POLICY, o)).workflowId;
    const workflowId = `${KIND}-${o.orderId}`;
    if (KIND === 'baseline')
      await client.workflow.start('baselineCase', {
        taskQueue,
        workflowId,
        args: [{ orderId: o.orderId, customerId: o.customerId, amountMinor: o.amountMinor, currency: o.currency }],
      });
    else if (KIND === 'sleeper') await client.workflow.start('sleeper', { taskQueue, workflowId });
    else throw new Error(`BENCH_MEMORY_KIND must be refund, baseline or sleeper, not ${KIND}`);
    return workflowId;
  };
  // Start n workflows, then wait until each has run its first workflow task (a query is answered
  // only after it), so all of them are in the worker's cache.
  const startMany = async (n: number): Promise<void> => {
    const ids: string[] = [];
    await inPool(Array.from({ length: n }), 50, async () => void ids.push(await startOne()));
    await inPool(ids, 20, async (id) => void (await client.workflow.getHandle(id).query('__stack_trace')));
  };

  // The first workflows grow the worker's pools and caches once; measure after them.
  await startMany(WARM_UP);
  await settle(2_000);
  const before = process.memoryUsage().rss;
  const t = process.hrtime.bigint();
  await startMany(N);
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  await settle(2_000);
  const after = process.memoryUsage().rss;
  process.stdout.write(
    `${JSON.stringify({ kind: KIND, cached: N, rssBeforeMiB: before / 2 ** 20, rssAfterMiB: after / 2 ** 20, perCachedKiB: (after - before) / N / 1024, firstTasksPerSecond: N / seconds })}\n`,
  );

  worker.shutdown();
  await running;
  await deps.close();
  await teardownServers();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
