// The embedded stack, one process for one machine (`npm start`, `make start`):
//   the Temporal dev server (a child process, persisted to data/temporal.db, with its Web UI and
//   the refund search attributes), and in this process the worker, the API with the support UI,
//   and the sandbox gateway's settler posting signed webhooks to the API.
// On first run it creates what a newcomer would otherwise have to invent — an encryption key,
// API keys for every role, a webhook secret — and keeps them in the data folder, so a restart
// opens the same history with the same keys. Ctrl-C (or SIGTERM) stops everything in order.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { SandboxGatewaySettler, embeddedFiles } from '../activities';
import { startApi, type RunningApi } from '../client/api/main';
import { buildDataConverter } from '../codec/data-converter';
import { ConfigError, loadConfig } from '../config';
import { workerConnectionOptions } from '../config/connection';
import { createRefundWorker } from '../worker/main';
import { installTelemetry } from '../worker/telemetry';
import { banner } from './banner';
import {
  checkPorts,
  stackFiles,
  startDevServer,
  stopStaleServer,
  waitForFrontend,
  type DevServer,
} from './dev-server';
import { ensureSecrets } from './secrets';

async function main(): Promise<void> {
  const startedAt = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  // One machine: the frontend on the loopback address unless told otherwise.
  if (!env.TEMPORAL_ADDRESS?.trim()) env.TEMPORAL_ADDRESS = '127.0.0.1:7233';
  const dataDir = path.resolve(env.REFUNDFLOW_DATA_DIR?.trim() || './data');
  // Keys, the billing store and the outbox live here: the owner alone may list or read it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const secrets = ensureSecrets(dataDir, env);
  const uiPort = secrets.env.TEMPORAL_UI_PORT?.trim() || '8233';
  // The Web UI's origin may call the codec server (with a staff key).
  secrets.env.REFUNDFLOW_CODEC_CORS_ORIGINS ??= `http://localhost:${uiPort},http://127.0.0.1:${uiPort}`;
  // A versioned worker (Worker Deployments): a restart on changed code is a new build that takes
  // over the cases in flight (AUTO_UPGRADE). REFUNDFLOW_DEPLOYMENT_NAME= (empty) turns it off.
  if (secrets.env.REFUNDFLOW_DEPLOYMENT_NAME === undefined)
    secrets.env.REFUNDFLOW_DEPLOYMENT_NAME = 'refundflow';
  const config = loadConfig(secrets.env);

  // A dev server left by a stack that was killed hard, then the ports; before the Runtime opens
  // the metrics port, which would otherwise count as taken.
  await stopStaleServer(
    path.join(config.process.dataDir, stackFiles.temporalPid),
    path.join(config.process.dataDir, stackFiles.temporalDb),
  );
  await checkPorts(config);
  const logger = installTelemetry(config.process, undefined, { shutdownSignals: [] });
  let server: DevServer | undefined = undefined;
  let stopping: Promise<void> | undefined;
  const cleanup: { name: string; run: () => Promise<unknown> }[] = [];
  /** Stops what has started, newest first, then exits: `exitCode`, or 1 if a step failed. */
  const stop = (reason: string, exitCode = 0): Promise<void> => {
    const stopStarted = Date.now();
    stopping ??= (async () => {
      logger.info({ reason }, 'stack stopping');
      let failed = false;
      // Reverse order of start: settler, API, worker, connections, then the Temporal server.
      for (const step of [...cleanup].reverse()) {
        try {
          await step.run();
        } catch (err) {
          failed = true;
          logger.error({ err, step: step.name }, 'stack step did not stop cleanly');
        }
      }
      logger.info({ ms: Date.now() - stopStarted }, 'stack stopped');
      process.exit(failed ? 1 : exitCode);
    })();
    return stopping;
  };
  process.on('SIGINT', () => {
    if (stopping) {
      // A second Ctrl-C: no more waiting.
      if (server?.child.pid) process.kill(server.child.pid, 'SIGKILL');
      process.exit(130);
    }
    void stop('SIGINT');
  });
  process.once('SIGTERM', () => void stop('SIGTERM'));

  server = await startDevServer(config);
  const devServer = server;
  cleanup.push({
    name: 'temporal dev server',
    run: async () => {
      const code = await devServer.stop();
      logger.info({ code }, 'temporal dev server stopped');
    },
  });
  // The server dying under a running stack leaves nothing useful: stop the rest and say so.
  void server.exited.then((code) => {
    if (!stopping) {
      logger.error(
        { code },
        `the Temporal dev server exited; see ${path.join(dataDir, stackFiles.temporalLog)}`,
      );
      void stop('temporal-exit', 1);
    }
  });

  try {
    const connection = await waitForFrontend(config, server);
    cleanup.push({ name: 'client connection', run: () => connection.close() });
    const nativeConnection = await NativeConnection.connect(workerConnectionOptions(config.temporal));
    cleanup.push({ name: 'worker connection', run: () => nativeConnection.close() });

    const {
      worker,
      version,
      promote,
      close: closeAdapters,
    } = await createRefundWorker(config, {
      connection: nativeConnection,
      logger,
    });
    const running = worker.run();
    // New cases reach a versioned worker only once its version is current.
    await Promise.race([promote(), running]);
    if (version) logger.info({ version }, 'worker version is current');
    cleanup.push({
      name: 'worker',
      run: async () => {
        // In-flight activities get REFUNDFLOW_SHUTDOWN_GRACE_SECONDS to finish.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await closeAdapters();
      },
    });

    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: buildDataConverter(config.encryption),
    });
    const api: RunningApi = await startApi(config, { client, logger });
    cleanup.push({ name: 'api', run: () => api.close() });

    if (config.payments.kind === 'sandbox' && config.payments.webhookSecret) {
      const settler = new SandboxGatewaySettler(
        {
          file: path.join(dataDir, embeddedFiles.gateway),
          ...(config.embedded.sandboxWebhooks
            ? { webhook: { url: `${api.url}/v1/webhooks/payments`, secret: config.payments.webhookSecret } }
            : {}),
        },
        {
          info: (message, meta) => logger.info(meta ?? {}, message),
          warn: (message, meta) => logger.warn(meta ?? {}, message),
        },
      );
      settler.start();
      cleanup.push({ name: 'sandbox settler', run: () => settler.stop() });
    }

    const ms = Date.now() - startedAt;
    logger.info({ ms, api: api.url, temporal: config.temporal.address }, 'stack started');
    process.stdout.write(banner(config, api.url, secrets, ms));
  } catch (err) {
    if (!stopping) {
      console.error(err instanceof Error ? err.message : err);
      await stop('start-failure', 1);
    }
    throw err;
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
