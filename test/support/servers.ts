import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundlerOptions } from '../../codec/data-converter';
import { refundSearchAttributes } from '../../workflows/search-attributes';
import { startTestServer } from '../../client/simulate/server';

// The servers come from scripts/setup-tools.sh (run by `make test`), never from the SDK's
// downloader, which cannot reach its download host on our machines.
export const ROOT = path.resolve(__dirname, '..', '..');
export const TEMPORAL_CLI = path.join(ROOT, '.tools', 'bin', 'temporal');
export const TEST_SERVER = path.join(ROOT, 'scripts', 'temporal-test-server');

let timeSkipping: Promise<TestWorkflowEnvironment> | undefined;
let devServer: Promise<TestWorkflowEnvironment> | undefined;
const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** One Java time-skipping test server per mocha run; suites share it (mocha runs serially). */
export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  // The simulator's launcher: the same server, with the Refund* search attributes registered.
  timeSkipping ??= startTestServer();
  return timeSkipping;
}

/** One Temporal CLI dev server per mocha run, in memory, with our search attributes registered. */
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

/**
 * Workflow code bundled once per mocha run, per entry module, with the project's failure converter
 * as `npm run build` bundles it; `{ failureConverter: 'sdk-default' }` leaves it out (the SDK's
 * default, which writes failure messages in plain text), for tests that show the difference.
 */
export function workflowBundle(
  workflowsPath = require.resolve('../../workflows'),
  options: { failureConverter?: 'project' | 'sdk-default' } = {},
) {
  const failureConverter = options.failureConverter ?? 'project';
  const cacheKey = `${workflowsPath}#${failureConverter}`;
  let bundle = bundles.get(cacheKey);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      logger: quietBundlerLogger,
      ...(failureConverter === 'project' ? workflowBundlerOptions : {}),
    });
    bundles.set(cacheKey, bundle);
  }
  return bundle;
}

/** A task queue (and id prefix) no other test shares, so tests never steal each other's tasks. */
export function uniqueTaskQueue(label: string): string {
  return `${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${randomUUID().slice(0, 8)}`;
}

/**
 * A fresh time-skipping server for the next test file: the server does not skip time while any
 * workflow task or activity is outstanding anywhere on it, so a workflow one file leaves behind
 * (a case listening for its settle period, a late-event record, a local activity cut off by a
 * worker's shutdown) must not hold the clock of the files after it.
 */
export async function resetTimeSkippingEnv(): Promise<void> {
  const env = timeSkipping;
  timeSkipping = undefined;
  if (env) await (await env).teardown();
}

export async function teardownServers(): Promise<void> {
  const envs = [timeSkipping, devServer].filter((e): e is Promise<TestWorkflowEnvironment> => !!e);
  timeSkipping = devServer = undefined;
  await Promise.all(envs.map(async (env) => (await env).teardown()));
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};
