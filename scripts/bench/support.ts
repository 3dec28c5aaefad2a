// What every measurement of `npm run bench` shares: the dev server, the orders and billing they
// run on, the worker's environment, bundling with the production options, and the statistics.
// The bench imports nothing from test/ (issue 18): what it needs of the tests' helpers is here,
// written for the bench.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { generateEncryptionKey } from '../../codec/codec';
import { getPreset, type Policy } from '../../policies';
import { refundSearchAttributes } from '../../workflows/search-attributes';
import { productionBundleOptions } from '../build-workflow-bundle';

export const ROOT = path.resolve(__dirname, '..', '..');
const TEMPORAL_CLI = path.join(ROOT, '.tools', 'bin', 'temporal');

/** usage-prorata refunds a clean order in full, mechanically: the paid path every figure runs. */
export const POLICY: Policy = getPreset('usage-prorata')!;
export const ADMIN_KEY = 'ak_bench_admin_0001';
const ENCRYPTION_KEYS = generateEncryptionKey('bench1');
const WEBHOOK_SECRET = 'whsec_bench_0123456789abcdef';

export const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
export const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
/** Milliseconds since `start` (process.hrtime.bigint()). */
export const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
export const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
export const p50p99 = (values: number[]) => ({ p50: round(pct(values, 50)), p99: round(pct(values, 99)) });
export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
};

/**
 * An entry module bundled on its own with the options `npm run build` uses. A floor (sleeper,
 * baseline, trivial, probes) leaves out the case's shared modules (`preloadModules`), which would
 * put the case's module graph in the floor's bundle.
 */
export const bundleEntry = (workflowsPath: string, { floor = false }: { floor?: boolean } = {}) =>
  bundleWorkflowCode({
    workflowsPath,
    logger: quietBundler,
    ...productionBundleOptions,
    ...(floor ? { preloadModules: [] } : {}),
  });

let devServer: Promise<TestWorkflowEnvironment> | undefined;
/** One Temporal CLI dev server per bench process, in memory, with the Refund* search attributes. */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  devServer ??= TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      searchAttributes: [...refundSearchAttributes],
      extraArgs: ['--log-level', 'error'],
    },
  });
  return devServer;
}
export async function teardownDevServer(): Promise<void> {
  const env = devServer;
  devServer = undefined;
  if (env) await (await env).teardown();
}

export const uniqueTaskQueue = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

export { cleanOrder, inPool, seedBilling } from '../load-fixtures';

/** The worker's environment (loadConfig) for a task queue and data folder, with the embedded adapters. */
export function workerEnv(address: string, taskQueue: string, dataDir: string): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    REFUNDFLOW_DATA_DIR: dataDir,
    REFUNDFLOW_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
    REFUNDFLOW_WEBHOOK_SECRET: WEBHOOK_SECRET,
    REFUNDFLOW_METRICS_PORT: '0',
    REFUNDFLOW_SHUTDOWN_GRACE_SECONDS: '0',
    // The bench calls the API far faster than any one key may in production.
    REFUNDFLOW_RATE_LIMIT: '1000000',
    REFUNDFLOW_API_KEYS: `admin:${ADMIN_KEY}`,
    LOG_LEVEL: 'error',
  };
}
