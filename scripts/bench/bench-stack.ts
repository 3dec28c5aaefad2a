// The dev-server sections' stack: one Temporal CLI dev server, the refund case and the baseline
// each on a worker of their own (from their own bundle: the baseline's carries nothing of the
// case) on the same server, connection and activities, the API, and the gateway's back office
// settling every refund at once and telling the workflow (a signal, as the webhook would).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import {
  SandboxGateway,
  buildActivityDeps,
  createActivities,
  embeddedActivityConfig,
  embeddedFiles,
  type RefundActivities,
} from '../../activities';
import { createLogger } from '../../config/logger';
import { startApi, type RunningApi } from '../../client/api/main';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import { bundleEntry, devServerEnv, teardownDevServer, uniqueTaskQueue, workerEnv } from './support';

export interface BenchStack {
  dataDir: string;
  taskQueue: string;
  baselineQueue: string;
  client: Client;
  cases: RefundCases;
  api: RunningApi;
  close(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const env = await devServerEnv();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-bench-'));
  const taskQueue = uniqueTaskQueue('bench');
  const baselineQueue = uniqueTaskQueue('bench-baseline');
  const config = loadConfig(workerEnv(env.address, taskQueue, dataDir));
  const deps = buildActivityDeps(embeddedActivityConfig(dataDir));
  const activities = createActivities(deps) as RefundActivities;
  const workerFor = async (queue: string, entry: string, floor: boolean) =>
    (
      await createRefundWorker(config, {
        connection: env.nativeConnection,
        activities,
        overrides: {
          taskQueue: queue,
          workflowBundle: await bundleEntry(require.resolve(entry), { floor }),
          workflowsPath: undefined,
          maxCachedWorkflows: 2_000,
        },
      })
    ).worker;
  const worker = await workerFor(taskQueue, '../../workflows', false);
  const baselineWorker = await workerFor(baselineQueue, './baseline-workflows', true);
  const running = Promise.all([worker.run(), baselineWorker.run()]);
  const client = new Client({
    connection: env.client.connection,
    namespace: 'default',
    dataConverter: buildDataConverter(config.encryption),
  });
  const cases = new RefundCases(client, taskQueue);
  const api = await startApi(config, { client, host: '127.0.0.1', port: 0, logger: createLogger('silent') });

  const gateway = SandboxGateway.open(path.join(dataDir, embeddedFiles.gateway));
  let settling = true;
  const settler = (async () => {
    while (settling) {
      const settled = gateway.settleDue(new Date(), () => ({ status: 'succeeded' }), 500);
      await Promise.all(
        settled.map((r) =>
          r.orderId.startsWith('base-')
            ? client.workflow.getHandle(`baseline-${r.orderId}`).signal('baselineSettled', {})
            : cases.paymentUpdate(r.orderId, {
                eventId: `evt-${r.refundId}`,
                refundId: r.refundId,
                status: 'succeeded',
              }),
        ),
      );
      if (settled.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
  })();

  return {
    dataDir,
    taskQueue,
    baselineQueue,
    client,
    cases,
    api,
    async close() {
      settling = false;
      await settler;
      await api.close();
      worker.shutdown();
      baselineWorker.shutdown();
      await running;
      await deps.close();
      await gateway.close();
      await teardownDevServer();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
