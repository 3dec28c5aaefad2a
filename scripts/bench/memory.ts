// One memory and first-task figure of `npm run bench`, in a process of its own so that nothing
// else the bench did is in its RSS or CPU time. BENCH_MEMORY_KIND picks the workflow and its entry
// module, each bundled on its own so that no kind carries another's module graph:
//   sleeper   scripts/bench/sleeper-workflow.ts   one timer, nothing else: the SDK's floor
//   baseline  scripts/bench/baseline-workflows.ts the paid path's activities, update, signal, timers
//   refund    workflows/index.ts                  the refund case as `npm run build` bundles it
//   sleeperInCaseBundle  the sleeper in a bundle that also holds the refund case (the old, wrong floor)
// All BENCH_MEMORY_CASES (+ a warm-up) are started before the worker runs, so the client's CPU is
// not the worker's and the worker meets a backlog of first tasks, as after a bulk import. The
// worker keeps every workflow cached; the figures are RSS growth per cached workflow, the process's
// CPU time per first task (the worker's alone: the client is idle by then), and first tasks a second.
// BENCH_WORKER_OPTIONS=sdk-defaults runs the worker with the SDK's workflow-task defaults instead of
// the configured ones (worker/tuning.ts), to measure what the configured ones change;
// BENCH_WORKER_OVERRIDES (JSON worker options) tries others, e.g. '{"maxConcurrentWorkflowTaskExecutions":8}'.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type WorkerOptions } from '@temporalio/worker';
import {
  buildActivityDeps,
  createActivities,
  embeddedActivityConfig,
  type RefundActivities,
} from '../../activities';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import {
  POLICY,
  bundleEntry,
  cleanOrder,
  devServerEnv,
  inPool,
  teardownDevServer,
  uniqueTaskQueue,
  workerEnv,
} from './support';

// BENCH_MEMORY_ENTRY=<module> measures a sleeper from another entry module (it must export
// `sleeper`): scripts/bench/probes/ hold entries that add one module graph each to the sleeper, to
// see what a module costs every workflow just by being evaluated.
const PROBE_ENTRY = process.env.BENCH_MEMORY_ENTRY;
const KIND = PROBE_ENTRY ? 'probe' : (process.env.BENCH_MEMORY_KIND ?? 'refund');
const N = Number(process.env.BENCH_MEMORY_CASES ?? 1_000);
const WORKER_OPTIONS = process.env.BENCH_WORKER_OPTIONS ?? 'configured';
const WARM_UP = 100;
const ENTRIES: Record<string, string> = {
  sleeper: require.resolve('./sleeper-workflow'),
  baseline: require.resolve('./baseline-workflows'),
  refund: require.resolve('../../workflows'),
  sleeperInCaseBundle: require.resolve('./sleeper-in-case-bundle'),
  ...(PROBE_ENTRY ? { probe: path.resolve(PROBE_ENTRY) } : {}),
};
/** The SDK's defaults for workflow tasks (1.24): 10 pollers, a fifth of them on the normal queue, 40 slots. */
const SDK_DEFAULTS: Partial<WorkerOptions> = {
  workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 10 },
  nonStickyToStickyPollRatio: 0.2,
  maxConcurrentWorkflowTaskExecutions: 40,
};
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const entry = ENTRIES[KIND];
  if (!entry) throw new Error(`BENCH_MEMORY_KIND must be ${Object.keys(ENTRIES).join(', ')}, not ${KIND}`);
  if (WORKER_OPTIONS !== 'configured' && WORKER_OPTIONS !== 'sdk-defaults')
    throw new Error(`BENCH_WORKER_OPTIONS must be configured or sdk-defaults, not ${WORKER_OPTIONS}`);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const env = await devServerEnv();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-bench-memory-'));
  const taskQueue = uniqueTaskQueue('bench-memory');
  const config = loadConfig(workerEnv(env.address, taskQueue, dataDir));
  const deps = buildActivityDeps(embeddedActivityConfig(dataDir));
  const client = new Client({
    connection: env.client.connection,
    namespace: 'default',
    dataConverter: buildDataConverter(config.encryption),
  });
  const cases = new RefundCases(client, taskQueue);

  const startOne = async (): Promise<void> => {
    const o = cleanOrder('memory');
    if (KIND === 'refund') await cases.start(POLICY, o);
    else if (KIND === 'baseline')
      await client.workflow.start('baselineCase', {
        taskQueue,
        workflowId: `baseline-${o.orderId}`,
        args: [
          { orderId: o.orderId, customerId: o.customerId, amountMinor: o.amountMinor, currency: o.currency },
        ],
      });
    else await client.workflow.start('sleeper', { taskQueue, workflowId: `sleeper-${o.orderId}` });
  };
  await inPool(Array.from({ length: WARM_UP + N }), 50, startOne);

  // The refund case's bundles share the case's modules (preloadModules); the floors carry none of them.
  const workflowBundle = await bundleEntry(entry, {
    floor: KIND !== 'refund' && KIND !== 'sleeperInCaseBundle',
  });
  const { worker } = await createRefundWorker(config, {
    connection: env.nativeConnection,
    activities: createActivities(deps) as RefundActivities,
    // Room for every workflow, so none is evicted while it is measured.
    overrides: {
      workflowBundle,
      workflowsPath: undefined,
      maxCachedWorkflows: N + WARM_UP + 100,
      ...(WORKER_OPTIONS === 'sdk-defaults' ? SDK_DEFAULTS : {}),
      ...(JSON.parse(process.env.BENCH_WORKER_OVERRIDES ?? '{}') as Partial<WorkerOptions>),
    },
  });
  const running = worker.run();
  // A workflow is cached once its first activation begins; done when no activation is in flight.
  const cachedAtLeast = async (n: number): Promise<void> => {
    for (;;) {
      const status = worker.getStatus();
      if (status.numCachedWorkflows >= n && (n < WARM_UP + N || status.numInFlightWorkflowActivations === 0))
        return;
      await settle(10);
    }
  };

  // The first workflows grow the worker's pools and caches once; measure after them.
  await cachedAtLeast(WARM_UP);
  const from = worker.getStatus().numCachedWorkflows;
  const before = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const t = process.hrtime.bigint();
  await cachedAtLeast(WARM_UP + N);
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const { user, system } = process.cpuUsage(cpu);
  const measured = worker.getStatus().numCachedWorkflows - from;
  await settle(2_000);
  const after = process.memoryUsage().rss;
  process.stdout.write(
    `${JSON.stringify({
      kind: KIND,
      ...(PROBE_ENTRY ? { entry: PROBE_ENTRY } : {}),
      workerOptions: WORKER_OPTIONS,
      cached: measured,
      rssBeforeMiB: before / 2 ** 20,
      rssAfterMiB: after / 2 ** 20,
      perCachedKiB: (after - before) / measured / 1024,
      cpuMsPerFirstTask: (user + system) / 1000 / measured,
      firstTasksPerSecond: measured / seconds,
    })}\n`,
  );

  worker.shutdown();
  await running;
  await deps.close();
  await teardownDevServer();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
