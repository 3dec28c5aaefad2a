// A real refund stack for API, CLI and browser tests: the shared Temporal dev server, a worker
// from createRefundWorker on a unique task queue, the embedded adapters in a temp folder, the
// sandbox gateway's settler posting signed webhooks to the API, and the API on port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { SandboxGatewaySettler, embeddedFiles } from '../../activities';
import { createLogger } from '../../config/logger';
import { startApi, type RunningApi } from '../../client/api/main';
import { generateEncryptionKey } from '../../codec/codec';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig, type Config } from '../../config';
import { createRefundWorker } from '../../worker/main';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';
import { eventually } from '../support/wait';

export { eventually };

export const KEYS = {
  checkout: 'ck_test_checkout_0001',
  support: 'sk_test_support_0002',
  reviewer: 'rk_test_reviewer_0003',
  admin: 'ak_test_admin_0004',
} as const;
export type Role = keyof typeof KEYS;
export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';
// One keyring for every stack of a mocha run: they share a dev server, and listing cases decodes
// the memos of other suites' cases too.
const ENCRYPTION_KEYS = generateEncryptionKey('k1');
/** The run's shared keyring as the codec takes it, for suites that build their own clients on the shared dev server. */
export function sharedKeyring(): { activeKeyId: string; keys: Map<string, Uint8Array> } {
  const [id, secret] = ENCRYPTION_KEYS.split(':') as [string, string];
  return { activeKeyId: id, keys: new Map([[id, new Uint8Array(Buffer.from(secret, 'base64'))]]) };
}

export interface TestStack {
  url: string;
  config: Config;
  cases: RefundCases;
  dataDir: string;
  api: RunningApi;
  settler: SandboxGatewaySettler;
  close(): Promise<void>;
}

/**
 * `env` adds or overrides configuration. The suites share one address (127.0.0.1) and make
 * hundreds of calls, many with wrong keys on purpose, so their rate limits are set out of reach;
 * test/security measures the real limits on a stack of its own.
 */
export async function startStack(label: string, env: Record<string, string> = {}): Promise<TestStack> {
  const server = await devServerEnv();
  const dataDir = mkdtempSync(path.join(tmpdir(), `refundflow-${label}-`));
  const config = loadConfig({
    REFUNDFLOW_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
    REFUNDFLOW_DATA_DIR: dataDir,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue(label),
    REFUNDFLOW_API_KEYS: Object.entries(KEYS)
      .map(([role, key]) => `${role}:${key}`)
      .join(','),
    REFUNDFLOW_WEBHOOK_SECRET: WEBHOOK_SECRET,
    REFUNDFLOW_METRICS_PORT: '0',
    REFUNDFLOW_RATE_LIMIT: '1000000',
    REFUNDFLOW_AUTH_FAILURE_LIMIT: '1000000',
    LOG_LEVEL: 'error',
    ...env,
  });
  const { worker, close: closeWorker } = await createRefundWorker(config, {
    connection: server.nativeConnection,
    overrides: { workflowBundle: await workflowBundle(), workflowsPath: undefined },
  });
  const running = worker.run();
  const client = new Client({
    connection: server.client.connection,
    namespace: config.temporal.namespace,
    dataConverter: buildDataConverter(config.encryption),
  });
  const api = await startApi(config, {
    client,
    host: '127.0.0.1',
    port: 0,
    logger: createLogger(process.env.API_TEST_LOG ?? 'silent'),
  });
  const settler = new SandboxGatewaySettler({
    file: path.join(dataDir, embeddedFiles.gateway),
    settleAfterMs: 300,
    pollIntervalMs: 100,
    webhook: {
      url: `${api.url}/v1/webhooks/payments`,
      secret: WEBHOOK_SECRET,
      initialBackoffMs: 200,
      maxBackoffMs: 1_000,
    },
  });
  settler.start();
  return {
    url: api.url,
    config,
    cases: new RefundCases(client, config.temporal.taskQueue),
    dataDir,
    api,
    settler,
    close: async () => {
      await settler.stop();
      await api.close();
      await shutdown(worker, running);
      await closeWorker();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function shutdown(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One HTTP call with the role's key (or a given raw Authorization value, or none). */
export async function call<T = Record<string, unknown>>(
  stack: Pick<TestStack, 'url'>,
  method: string,
  path: string,
  options: {
    as?: Role;
    authorization?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${KEYS[options.as]}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (metrics, HTML): the text itself.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

let counter = 0;
/** A unique order, purchased `daysAgo` days ago, for a preset with refundable defaults. */
export function order(overrides: Record<string, unknown> = {}, daysAgo = 1): Record<string, unknown> {
  counter += 1;
  return {
    orderId: `ord-${Date.now().toString(36)}-${counter}`,
    customerId: `cus-${counter}`,
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 1999,
    currency: 'USD',
    purchasedAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
    productId: 'proxy-dc-1',
    billing: { kind: 'one_time' },
    quota: { unit: 'requests', included: 1000 },
    ...overrides,
  };
}
