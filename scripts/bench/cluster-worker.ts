// A benchmark worker process on the cluster: the production worker (createRefundWorker, adapters
// from the environment as worker/main.ts builds them) running the bench bundle, which holds the
// refund case and its baseline. BENCH_BUNDLE names the bundle file. Prints "ready" once polling.
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { workerConnectionOptions } from '../../config/connection';
import { createRefundWorker } from '../../worker/main';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = loadConfig(process.env);
  const connection = await NativeConnection.connect(workerConnectionOptions(config.temporal));
  const { worker, close } = await createRefundWorker(config, {
    connection,
    overrides: { workflowBundle: { codePath: process.env.BENCH_BUNDLE! }, workflowsPath: undefined },
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
