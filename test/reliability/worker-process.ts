// A refund worker as its own process, for tests that SIGKILL it. Configuration comes from the
// environment like the real worker's (TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, REFUNDFLOW_DATA_DIR,
// REFUNDFLOW_ENCRYPTION_KEYS, …) with the embedded adapters; RELIABILITY_WORKFLOW_BUNDLE names a
// prebuilt workflow bundle so a restart does not spend seconds bundling. Prints "ready" on
// stdout once the worker polls.
//   node --require tsx/cjs test/reliability/worker-process.ts
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = loadConfig(process.env);
  const bundle = process.env.RELIABILITY_WORKFLOW_BUNDLE;
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const { worker, close } = await createRefundWorker(config, {
    connection,
    overrides: {
      ...(bundle ? { workflowBundle: { codePath: bundle }, workflowsPath: undefined } : {}),
      // Many cases at once on a 2-core machine: the defaults are fine, but say so explicitly.
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentWorkflowTaskExecutions: 40,
    },
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  try {
    await running;
  } finally {
    await close();
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
