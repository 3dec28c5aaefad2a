// The dev-server sections' stack: one Temporal CLI dev server, the refund case and the baseline
// each on a worker of their own (from their own bundle: the baseline's carries nothing of the
// case) on the same server, connection and activities, the API, and the gateway's back office
// settling every refund at once and telling the workflow (a signal, as the webhook would).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
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
import { openLedger } from '../../ledger/store';
import { createRefundWorker } from '../../worker/main';
import { bundleEntry, devServerEnv, teardownDevServer, uniqueTaskQueue, workerEnv } from './support';

export interface BenchStack {
  dataDir: string;
  taskQueue: string;
  baselineQueue: string;
  client: Client;
  cases: RefundCases;
  api: RunningApi;
  /** Another refund worker on `queue`: the case's own bundle, or the one given (ledger-write.ts). */
  addWorker(queue: string, bundle: 'refund' | WorkflowBundleWithSourceMap): Promise<void>;
  /** Rows in the stack's ledger (SQLite in the data folder). */
  ledgerRows(): Promise<number>;
  /** Waits until no worker has an activation or activity in flight for a while (up to 20 s). */
  quiet(): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const env = await devServerEnv();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-bench-'));
  const taskQueue = uniqueTaskQueue('bench');
  const baselineQueue = uniqueTaskQueue('bench-baseline');
  const config = loadConfig(workerEnv(env.address, taskQueue, dataDir));
  // The case ledger as the embedded stack keeps it: SQLite in the data folder.
  const deps = buildActivityDeps(embeddedActivityConfig(dataDir, { ledger: config.ledger }));
  const activities = createActivities(deps) as RefundActivities;
  const workerWith = async (queue: string, workflowBundle: WorkflowBundleWithSourceMap) =>
    (
      await createRefundWorker(config, {
        connection: env.nativeConnection,
        activities,
        overrides: { taskQueue: queue, workflowBundle, workflowsPath: undefined, maxCachedWorkflows: 2_000 },
      })
    ).worker;
  const workerFor = async (queue: string, entry: string, floor: boolean) =>
    workerWith(queue, await bundleEntry(require.resolve(entry), { floor }));
  const worker = await workerFor(taskQueue, '../../workflows', false);
  const baselineWorker = await workerFor(baselineQueue, './baseline-workflows', true);
  const extra: Worker[] = [];
  const runs: Promise<void>[] = [worker.run(), baselineWorker.run()];
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
    async addWorker(queue, bundle) {
      const added =
        bundle === 'refund'
          ? await workerFor(queue, '../../workflows', false)
          : await workerWith(queue, bundle);
      extra.push(added);
      runs.push(added.run());
    },
    async quiet() {
      const QUIET_MS = 300;
      const busy = () =>
        [worker, baselineWorker, ...extra].some((w) => {
          const s = w.getStatus();
          return s.numInFlightWorkflowActivations > 0 || s.numInFlightActivities > 0;
        });
      const until = Date.now() + 20_000;
      let quietSince = Date.now();
      while (Date.now() - quietSince < QUIET_MS && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 25));
        if (busy()) quietSince = Date.now();
      }
    },
    async ledgerRows() {
      const ledger = await openLedger(config.ledger);
      try {
        const { n } = await ledger.db
          .selectFrom('ledger_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return Number(n);
      } finally {
        await ledger.close();
      }
    },
    async close() {
      settling = false;
      await settler;
      await api.close();
      for (const w of [worker, baselineWorker, ...extra]) w.shutdown();
      await Promise.all(runs);
      await deps.close();
      await gateway.close();
      await teardownDevServer();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
