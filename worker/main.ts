// The worker process: runs refund case workflows and their activities on one task queue.
//   node dist/worker/main.js        (production; configuration from the environment)
//   npm run worker                  (from source)
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type pino from 'pino';
import {
  buildActivityDeps,
  createActivities,
  createAssessActivities,
  createDecisionActivities,
  type ActivityConfig,
  type RefundActivities,
} from '../activities';
import { buildDataConverter, bundleEncodesFailures, workflowBundlerOptions } from '../codec/data-converter';
import { loadConfig, type Config } from '../config';
import { workerConnectionOptions } from '../config/connection';
import { ledgerSinks } from './ledger-sink';
import { installTelemetry } from './telemetry';
import { thisMachine, workflowTaskOptions } from './tuning';
import { deploymentOptions, setCurrentVersion } from './versioning';

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
        ? {
            kind: 'stripe',
            apiKey: payments.apiKey,
            ...(payments.apiBase ? { apiBase: payments.apiBase } : {}),
          }
        : payments.url
          ? { kind: 'sandbox', url: payments.url }
          : { kind: 'sandbox', ...(payments.file ? { file: payments.file } : {}) },
    billing:
      billing.kind === 'http'
        ? { kind: 'http', baseUrl: billing.url, ...(billing.apiKey ? { apiKey: billing.apiKey } : {}) }
        : { kind: 'embedded', ...(billing.file ? { file: billing.file } : {}) },
    ledger: config.ledger,
  };
}

export interface RefundWorker {
  worker: Worker;
  /** The Worker Deployment version it polls as; undefined when versioning is off. */
  version?: WorkerDeploymentVersion;
  /**
   * Makes this version the deployment's current one once the worker polls (REFUNDFLOW_SET_CURRENT_VERSION);
   * call it after run() started. Resolves at once when versioning is off or the pipeline promotes.
   */
  promote(signal?: AbortSignal): Promise<void>;
  /** Closes the adapters (SQLite files, SMTP pool) once the worker has stopped. */
  close(): Promise<void>;
}

export async function createRefundWorker(
  config: Config,
  options: {
    connection: NativeConnection;
    activities?: RefundActivities;
    logger?: pino.Logger;
    overrides?: Partial<WorkerOptions>;
  },
): Promise<RefundWorker> {
  const deps = options.activities
    ? undefined
    : buildActivityDeps(activityConfigFrom(config), { logger: options.logger });
  const activities = options.activities ?? createActivities(deps!);
  // A worker from source bundles with dataConverter.failureConverterPath; a prebuilt bundle carries
  // its own failure converter, or workflow failures would reach history in plain text.
  const prebuilt = fs.existsSync(PREBUILT_BUNDLE) && __filename.endsWith('.js');
  if (prebuilt && !bundleEncodesFailures(fs.readFileSync(PREBUILT_BUNDLE, 'utf8')))
    throw new Error(
      `${PREBUILT_BUNDLE} was built without the failure converter: rebuild it with npm run build`,
    );
  let workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> = prebuilt
    ? { workflowBundle: { codePath: PREBUILT_BUNDLE } }
    : {
        workflowsPath: require.resolve('../workflows'),
        // Bundled here as everywhere else: the shared modules, the same compilation.
        bundlerOptions: {
          preloadModules: workflowBundlerOptions.preloadModules,
          webpackConfigHook: workflowBundlerOptions.webpackConfigHook,
        },
      };
  const versioning = config.versioning;
  if (versioning.enabled && !versioning.buildId && !prebuilt) {
    // The default build id hashes the workflow code, so bundle here (Worker.create would anyway).
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      ...workflowBundlerOptions,
      logger: quietBundler,
    });
    workflowSource = { workflowBundle: { code } };
  }
  const bundled = workflowSource.workflowBundle;
  const deployment = deploymentOptions(versioning, () =>
    bundled && 'code' in bundled ? bundled.code : fs.readFileSync(PREBUILT_BUNDLE, 'utf8'),
  );
  const worker = await Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dataConverter: buildDataConverter(config.encryption),
    // Policy evaluation (pure), and the request's assessment: billing's read and the evaluation in one.
    activities: {
      ...createDecisionActivities(),
      ...createAssessActivities((ref) => activities.getAccountSnapshot(ref)),
      ...activities,
    },
    // The opened row of a new case, written at once to the same store (worker/ledger-sink.ts).
    sinks: ledgerSinks(activities.appendLedger, (fields, message) => options.logger?.warn(fields, message)),
    ...workflowSource,
    // In-flight activities get this long to finish after SIGTERM before they are cancelled.
    shutdownGraceTime: config.process.shutdownGraceMs,
    // Pollers, workflow-task slots and cache size for this machine (worker/tuning.ts).
    ...workflowTaskOptions(thisMachine(), config.process.maxCachedWorkflows),
    ...(deployment ? { workerDeploymentOptions: deployment.options } : {}),
    ...options.overrides,
    // A bundle handed in by the caller is built already (the SDK would warn of unused options).
    ...(options.overrides?.workflowBundle ? { bundlerOptions: undefined } : {}),
  });
  return {
    worker,
    ...(deployment ? { version: deployment.version } : {}),
    promote: async (signal) => {
      if (!deployment || !versioning.enabled || !versioning.setCurrentVersion) return;
      await setCurrentVersion(
        options.connection,
        config.temporal.namespace,
        deployment.version,
        signal ? { signal } : {},
      );
    },
    close: async () => deps?.close(),
  };
}

const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = installTelemetry(config.process);
  const connection = await NativeConnection.connect(workerConnectionOptions(config.temporal));
  const { worker, version, promote, close } = await createRefundWorker(config, { connection, logger });
  logger.info(
    { taskQueue: config.temporal.taskQueue, address: config.temporal.address, version },
    'worker started',
  );
  try {
    // The SDK's Runtime shuts the worker down on SIGINT/SIGTERM; run() resolves once drained.
    const running = worker.run();
    const stopped = new AbortController();
    promote(stopped.signal).then(
      () => version && logger.info({ version }, 'worker version is current'),
      (err: unknown) =>
        stopped.signal.aborted || logger.error({ err, version }, 'could not make the worker version current'),
    );
    await running.finally(() => stopped.abort());
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
