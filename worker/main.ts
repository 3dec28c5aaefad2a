// The worker process: runs refund case workflows and their activities on one task queue.
//   node dist/worker/main.js        (production; configuration from the environment)
//   npm run worker                  (from source)
import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type pino from 'pino';
import { buildActivityDeps, createActivities, type ActivityConfig, type RefundActivities } from '../activities';
import { buildDataConverter, bundleEncodesFailures } from '../client/data-converter';
import { loadConfig, type Config } from './config';
import { workerConnectionOptions } from './connection';
import { installTelemetry } from './telemetry';
import { thisMachine, workflowTaskOptions } from './tuning';

/** The prebuilt bundle `npm run build` writes; a worker from source bundles at start instead. */
const PREBUILT_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');

/** Maps the process configuration onto the activity adapters' configuration. */
export function activityConfigFrom(config: Config): ActivityConfig {
  const { email, payments, billing } = config;
  return {
    dataDir: config.process.dataDir,
    supportAddress: email.supportAddress,
    fromAddress: email.from,
    email:
      email.kind === 'smtp'
        ? { kind: 'smtp', url: email.url, ...(email.sentLogUrl ? { sentLogUrl: email.sentLogUrl } : {}) }
        : { kind: 'outbox' },
    payments:
      payments.kind === 'stripe'
        ? { kind: 'stripe', apiKey: payments.apiKey, ...(payments.apiBase ? { apiBase: payments.apiBase } : {}) }
        : {
            kind: 'sandbox',
            ...(payments.file ? { file: payments.file } : {}),
            ...(payments.url ? { url: payments.url } : {}),
          },
    billing:
      billing.kind === 'http'
        ? { kind: 'http', baseUrl: billing.url, ...(billing.apiKey ? { apiKey: billing.apiKey } : {}) }
        : { kind: 'embedded', ...(billing.file ? { file: billing.file } : {}) },
  };
}

export interface RefundWorker {
  worker: Worker;
  /** Closes the adapters (SQLite files, SMTP pool) once the worker has stopped. */
  close(): Promise<void>;
}

export async function createRefundWorker(
  config: Config,
  options: { connection: NativeConnection; activities?: RefundActivities; logger?: pino.Logger; overrides?: Partial<WorkerOptions> },
): Promise<RefundWorker> {
  const deps = options.activities ? undefined : buildActivityDeps(activityConfigFrom(config), { logger: options.logger });
  const activities = options.activities ?? createActivities(deps!);
  // A worker from source bundles with dataConverter.failureConverterPath; a prebuilt bundle carries
  // its own failure converter, or workflow failures would reach history in plain text.
  const prebuilt = fs.existsSync(PREBUILT_BUNDLE) && __filename.endsWith('.js');
  if (prebuilt && !bundleEncodesFailures(fs.readFileSync(PREBUILT_BUNDLE, 'utf8')))
    throw new Error(`${PREBUILT_BUNDLE} was built without the failure converter: rebuild it with npm run build`);
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = prebuilt
    ? { workflowBundle: { codePath: PREBUILT_BUNDLE } }
    : { workflowsPath: require.resolve('../workflows') };
  const worker = await Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dataConverter: buildDataConverter(config.encryption),
    activities,
    ...workflowSource,
    // In-flight activities get this long to finish after SIGTERM before they are cancelled.
    shutdownGraceTime: config.process.shutdownGraceMs,
    // Pollers, workflow-task slots and cache size for this machine (worker/tuning.ts).
    ...workflowTaskOptions(thisMachine(), config.process.maxCachedWorkflows),
    ...options.overrides,
  });
  return { worker, close: async () => deps?.close() };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = installTelemetry(config.process);
  const connection = await NativeConnection.connect(workerConnectionOptions(config.temporal));
  const { worker, close } = await createRefundWorker(config, { connection, logger });
  logger.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker started');
  try {
    // The SDK's Runtime shuts the worker down on SIGINT/SIGTERM; run() resolves once drained.
    await worker.run();
  } finally {
    await close();
    await connection.close();
    logger.info('worker stopped');
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
