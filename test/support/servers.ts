import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundlerOptions } from '../../client/data-converter';
import { refundSearchAttributes } from '../../workflows/search-attributes';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const V = temporal.api.enums.v1.IndexedValueType;
const indexedValueType: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: V.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: V.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: V.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: V.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: V.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: V.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: V.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

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
  timeSkipping ??= TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEST_SERVER } },
  }).then(async (env) => {
    // The Java server has no --search-attribute flag; register them the way a cluster operator would.
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(refundSearchAttributes.map((k) => [k.name, indexedValueType[k.type]])),
    });
    return env;
  });
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
