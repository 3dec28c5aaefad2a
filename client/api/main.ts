// The API process:  node dist/client/api/main.js  (or npm run api from source).
// startApi() is also what the embedded stack calls in-process with its own client.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { EmbeddedBillingStore, embeddedFiles } from '../../activities';
import { loadConfig, type Config } from '../../config';
import { clientConnectionOptions } from '../../config/connection';
import { EncryptionCodec } from '../../codec/codec';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../refund-client';
import { buildApi } from './app';
import { createLogger } from '../../config/logger';
import { keyIdSecret } from './auth';
import { openLedger } from '../../ledger/store';

export interface RunningApi {
  app: FastifyInstance;
  /** The base URL it listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  close(): Promise<void>;
}

/** Builds the API from configuration on an existing Temporal client and starts listening. */
export async function startApi(
  config: Config,
  options: { client: Client; logger?: pino.Logger; host?: string; port?: number },
): Promise<RunningApi> {
  const logger = options.logger ?? createLogger(config.process.logLevel);
  const dataDir = config.process.dataDir;
  // The API feeds checkout's orders (and customer emails) and usage reports to the embedded billing
  // store that the worker's activities read; with HTTP billing, checkout feeds billing itself.
  const billing =
    config.billing.kind === 'embedded'
      ? EmbeddedBillingStore.open(config.billing.file ?? path.join(dataDir, embeddedFiles.billing))
      : undefined;
  const ledger = await openLedger(config.ledger);
  const app = await buildApi({
    ledger,
    cases: new RefundCases(options.client, config.temporal.taskQueue),
    apiKeys: config.api.keys,
    webhookSecret: config.payments.webhookSecret,
    webhookGateway: config.payments.kind,
    keyIdSecret: keyIdSecret(config.api.keyIdSecret, config.encryption),
    codecNamespaces: [config.temporal.namespace],
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    authFailuresPerMinute: config.api.authFailuresPerMinute,
    ...(config.api.metricsKey ? { metricsKey: config.api.metricsKey } : {}),
    ...(billing ? { billing } : {}),
    ...(config.email.kind === 'outbox' ? { outboxFile: path.join(dataDir, embeddedFiles.outbox) } : {}),
    codec: new EncryptionCodec(config.encryption),
    codecCorsOrigins: config.api.codecCorsOrigins,
    logger,
  });
  if (config.api.keys.length === 0)
    logger.warn('REFUNDFLOW_API_KEYS lists no key: every /v1 route will answer 401');
  const url = await app.listen({ host: options.host ?? '0.0.0.0', port: options.port ?? config.api.port });
  return {
    app,
    url: url.replace('0.0.0.0', '127.0.0.1'),
    close: async () => {
      await app.close();
      await billing?.close();
      await ledger.close();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.process.logLevel);
  const connection = await Connection.connect(clientConnectionOptions(config.temporal));
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: buildDataConverter(config.encryption),
  });
  const api = await startApi(config, { client, logger });
  logger.info({ url: api.url, taskQueue: config.temporal.taskQueue }, 'api listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api stopping');
    // In-flight requests finish; new connections are refused.
    void api
      .close()
      .then(() => connection.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'api did not stop cleanly');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
