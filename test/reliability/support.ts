// Shared pieces of the reliability suites: orders that usage-prorata settles mechanically
// (full refund, paid through the gateway), billing seeded for them, one keyring per run, and
// the polling helpers every suite uses instead of fixed sleeps.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  SandboxGatewaySettler,
  embeddedFiles,
  listGatewayRefunds,
  type SandboxRefund,
} from '../../activities';
import { createLogger } from '../../config/logger';
import { startApi, type RunningApi } from '../../client/api/main';
import { generateEncryptionKey } from '../../codec/codec';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig, type Config } from '../../config';
import { getPreset, type Order, type Policy } from '../../policies';
import { TEMPORAL_CLI, workflowBundle } from '../support/servers';
import { eventually, freePort } from '../support/wait';

export { eventually, freePort };
import { devServerArgs } from '../../stack/dev-server';

export const ENCRYPTION_KEYS = generateEncryptionKey('rel1');
export const POLICY: Policy = getPreset('usage-prorata')!;

export { cleanOrder, inPool, seedBilling } from '../../scripts/load-fixtures';

export function tempDataDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `refundflow-rel-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The workflow bundle written to a file, so child workers load it instead of bundling at start. */
export async function bundleFile(dir: string): Promise<string> {
  const bundle = await workflowBundle();
  const file = path.join(dir, 'workflow-bundle.js');
  writeFileSync(file, bundle.code);
  return file;
}

export function gatewayRefunds(dataDir: string): SandboxRefund[] {
  return listGatewayRefunds(path.join(dataDir, embeddedFiles.gateway), { limit: 10_000 });
}

/** Statuses of many cases at once (queries), missing ones as 'unreadable'. */
export async function statuses(cases: RefundCases, orders: readonly Order[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  await Promise.all(
    orders.map(async (o) => {
      try {
        result.set(o.orderId, (await cases.read(o.orderId)).status);
      } catch {
        result.set(o.orderId, 'unreadable');
      }
    }),
  );
  return result;
}

export function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/**
 * Asks for a refund, riding out a worker or server outage: a request that fails in transit is
 * retried, and "already on this case" means an earlier attempt got through.
 */
export async function requestRefundSurely(
  cases: RefundCases,
  orderId: string,
  deadlineMs: number,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      await cases.requestRefund(orderId, { reason: 'changed_mind', description: 'reliability run' });
      return;
    } catch (err) {
      // An attempt cut off by a kill may have gone through: the case then already has the request,
      // or has even been paid and closed by the time the retry arrives.
      if (
        /already on this case|cannot request a refund while|the case is closed/.test(
          String((err as Error).message),
        )
      )
        return;
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Environment for a worker process (and the matching in-test config) on a task queue and data folder. */
export function workerEnv(
  address: string,
  taskQueue: string,
  dataDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    REFUNDFLOW_DATA_DIR: dataDir,
    REFUNDFLOW_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
    REFUNDFLOW_WEBHOOK_SECRET: WEBHOOK_SECRET,
    REFUNDFLOW_METRICS_PORT: '0',
    REFUNDFLOW_SHUTDOWN_GRACE_SECONDS: '0',
    // Load and fault runs call the API far faster than any one key may in production.
    REFUNDFLOW_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'error',
    ...extra,
  };
}

export const WEBHOOK_SECRET = 'whsec_reliability_0123456789';
export const ADMIN_KEY = 'ak_reliability_admin_0001';

/** The gateway's back office as the embedded stack runs it: the API (for webhooks) and the settler. */
export async function startBackOffice(
  config: Config,
  client: Client,
  dataDir: string,
  options: { webhook?: boolean } = {},
): Promise<{ api: RunningApi; settler: SandboxGatewaySettler; close: () => Promise<void> }> {
  const api = await startApi(config, { client, host: '127.0.0.1', port: 0, logger: createLogger('silent') });
  const settler = new SandboxGatewaySettler({
    file: path.join(dataDir, embeddedFiles.gateway),
    settleAfterMs: 200,
    pollIntervalMs: 100,
    ...(options.webhook === false
      ? {}
      : {
          webhook: {
            url: `${api.url}/v1/webhooks/payments`,
            secret: WEBHOOK_SECRET,
            initialBackoffMs: 250,
            maxBackoffMs: 2_000,
          },
        }),
  });
  settler.start();
  return {
    api,
    settler,
    close: async () => {
      await settler.stop();
      await api.close();
    },
  };
}

/** A Temporal client with the run's keyring and the refund client on the task queue. */
export function refundClient(connection: Client['connection'], taskQueue: string): RefundCases {
  const config = loadConfig(workerEnv('localhost:7233', taskQueue, tmpdir()));
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter: buildDataConverter(config.encryption),
  });
  return new RefundCases(client, taskQueue);
}

export interface WorkerChild {
  readonly pid: number;
  /** SIGKILL, and wait for the process to be gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

/** Starts test/reliability/worker-process.ts and waits for it to print "ready". */
export async function spawnWorker(env: Record<string, string>, timeoutMs = 60_000): Promise<WorkerChild> {
  const child = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'worker-process.ts')],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await eventually(
    () => {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}: ${out}`);
      return out.includes('ready');
    },
    'the worker process to be ready',
    timeoutMs,
    100,
  ).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    output: () => out,
  };
}

export interface PersistedDevServer {
  readonly address: string;
  /** Starts (or restarts) the server on the same port and database file. */
  start(): Promise<void>;
  /** SIGTERM, and wait for the process to exit. */
  stop(): Promise<void>;
}

/** A Temporal CLI dev server persisted to a SQLite file, with the refund search attributes. */
export async function persistedDevServer(dbFile: string): Promise<PersistedDevServer> {
  const port = await freePort();
  const uiPort = await freePort();
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = '';
  const args = devServerArgs({ dbFile, ip: '127.0.0.1', port, uiPort, headless: true });
  return {
    address,
    async start() {
      child = spawn(TEMPORAL_CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
      const started = child;
      await eventually(
        async () => {
          if (started.exitCode !== null) throw new Error(`dev server exited: ${log}`);
          const connection = await Connection.connect({ address, connectTimeout: 1_000 });
          try {
            await connection.workflowService.getSystemInfo({});
            return true;
          } finally {
            await connection.close();
          }
        },
        'the persisted dev server to answer',
        60_000,
        200,
      );
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (running.exitCode === null) running.kill('SIGKILL');
      await exited;
    },
  };
}

/** The sandbox gateway's settler with no webhook: refunds settle, and only the cases' timers learn of it. */
export class SandboxSettler {
  private readonly settler: SandboxGatewaySettler;
  constructor(dataDir: string) {
    this.settler = new SandboxGatewaySettler({
      file: path.join(dataDir, embeddedFiles.gateway),
      settleAfterMs: 200,
      pollIntervalMs: 100,
    });
    this.settler.start();
  }
  stop(): Promise<void> {
    return this.settler.stop();
  }
}
