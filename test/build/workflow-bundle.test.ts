import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { Client, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { RefundActivities } from '../../activities';
import { buildDataConverter, bundleEncodesFailures } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { POLICY, cleanOrder, workerEnv } from '../reliability/support';
import { devServerEnv, uniqueTaskQueue } from '../support/servers';
import { checkCardUpdate, failsWithCard } from '../codec/fixtures/failure-workflows';

const FAILURE_FIXTURES = require.resolve('../codec/fixtures/failure-workflows');

/** The 1-based line of `file` holding `needle`, once. */
function lineOf(file: string, needle: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((line) => line.includes(needle));
  assert.ok(at >= 0 && lines.findIndex((line, i) => i > at && line.includes(needle)) < 0, needle);
  return at + 1;
}

const WORKFLOWS = path.resolve(__dirname, '..', '..', 'workflows');

/** The inline source map webpack appends to the bundle. */
function inlineSourceMap(code: string): { sources: string[]; mappings: string; sourcesContent?: unknown } {
  const match =
    /\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  assert.ok(match, 'the bundle ends with an inline source map');
  return JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8'));
}

// The production bundle (npm run build): the failure converter inside, a source map with the
// mappings and without the sources, and stack traces that still point at the workflow's own lines.
describe('build: the production workflow bundle', function () {
  this.timeout(300_000);
  let code: string;
  before(async () => {
    code = await buildWorkflowBundle();
  });

  it('carries the failure converter and a source map without embedded sources', () => {
    assert.ok(bundleEncodesFailures(code));
    const map = inlineSourceMap(code);
    assert.equal(map.sourcesContent, undefined, 'no module source is embedded');
    assert.ok(map.mappings.length > 0);
    assert.ok(
      map.sources.some((s) => s.endsWith('workflows/refund-case.ts')),
      'the map names the workflow sources',
    );
  });

  // A bundle built before the compact compilation (with webpack's path comments) still passes.
  it('finds the failure converter with and without webpack path comments, and not an empty module', () => {
    const requiring = (module: string) =>
      `const customFailureConverter = (__webpack_require__(${module}).failureConverter);`;
    assert.ok(
      bundleEncodesFailures(
        requiring('/*! __temporal_custom_failure_converter */ "./codec/failure-converter.ts"'),
      ),
    );
    assert.ok(bundleEncodesFailures(requiring('"./dist/codec/failure-converter.js"')));
    assert.equal(bundleEncodesFailures(requiring('"?7a1c"')), false);
  });

  // Issue 15: the SDK evaluates the workflow's modules again for every workflow, so what the graph
  // holds is paid per case in memory and CPU. zod and the policies' zod schemas stay out: the
  // workflow checks its messages with descriptions generated from their zod/mini schemas
  // (workflows/generated/), and imports the policies' pure modules directly.
  it('holds neither zod, the message schemas nor the policies barrel and its schemas', () => {
    const sources = inlineSourceMap(code).sources;
    const modules = (pattern: RegExp) => sources.filter((s) => pattern.test(s));
    assert.deepEqual(modules(/node_modules\/zod\//), [], 'zod is in the bundle');
    assert.deepEqual(
      modules(/\/workflows\/(messages|message-schemas|zod-setup)\.ts$/),
      [],
      'the message schemas are in the bundle',
    );
    assert.ok(modules(/\/workflows\/generated\/message-specs\.ts$/).length, 'the generated checks are in it');
    assert.deepEqual(
      modules(/\/policies\/(index|input|policy|presets\/.*|holidays)\.ts$/),
      [],
      'the policies barrel, its schemas or date-holidays are in the bundle',
    );
    assert.deepEqual(modules(/node_modules\/date-holidays\//), [], 'date-holidays is in the bundle');
    // The policy calendar steps local dates itself over @date-fns/tz's offsets (263 KB of luxon less).
    assert.deepEqual(modules(/node_modules\/luxon\//), [], 'luxon is in the bundle');
    // workflows/sdk: the SDK's API from its modules, without the package's index and what only it loads.
    assert.deepEqual(
      modules(/node_modules\/@temporalio\/workflow\/lib\/(index|metrics|nexus|random-streams|trigger)\.js$/),
      [],
      "the SDK's index and the APIs only it loads are in the bundle",
    );
    assert.deepEqual(
      modules(/node_modules\/@date-fns\/tz\//).map((s) => s.replace(/.*@date-fns\/tz\//, '')),
      ['tzOffset/index.js'],
      'only the offset function of @date-fns/tz',
    );
  });

  it("a running case's stack trace names the line of workflows/*.ts it waits on", async () => {
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('bundle-stack');
    const config = loadConfig(workerEnv(env.address, taskQueue, tmpdir()));
    const { worker, close } = await createRefundWorker(config, {
      connection: env.nativeConnection,
      activities: {} as RefundActivities,
      overrides: { workflowBundle: { code }, workflowsPath: undefined },
    });
    const client = new Client({
      connection: env.client.connection,
      namespace: 'default',
      dataConverter: buildDataConverter(config.encryption),
    });
    const cases = new RefundCases(client, taskQueue);
    const stack = await worker.runUntil(async () => {
      const order = cleanOrder('bundle-stack');
      const { workflowId } = await cases.start(POLICY, order);
      return client.workflow.getHandle(workflowId).query<string>('__stack_trace');
    });
    await close();
    const frames = [...stack.matchAll(/(\/[^\s():]+\/workflows\/[\w-]+\.ts):(\d+):\d+/g)];
    assert.ok(frames.length > 0, `the stack names workflow files:\n${stack}`);
    for (const [, file, line] of frames) {
      assert.equal(path.dirname(file!), WORKFLOWS);
      const source = readFileSync(file!, 'utf8').split('\n')[Number(line) - 1] ?? '';
      assert.match(
        source,
        /\b(await|condition|sleep|Promise)\b/,
        `${path.basename(file!)}:${line} is a line that waits: ${source.trim()}`,
      );
    }
  });

  // The compacted code (codec/workflow-build.ts) has few lines of its own: a thrown error's stack
  // must still name the workflow file and the line of the throw, through the source map.
  it("a workflow's failures carry stacks that name the file and line they were thrown from", async () => {
    const fixtureCode = await buildWorkflowBundle(FAILURE_FIXTURES);
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('bundle-failure-stack');
    const { encryption } = loadConfig(workerEnv(env.address, taskQueue, tmpdir()));
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { code: fixtureCode },
      dataConverter: buildDataConverter(encryption),
      activities: {
        async chargeCard(card: string) {
          throw new Error(`declined ${card}`);
        },
      },
    });
    const client = new Client({
      connection: env.client.connection,
      dataConverter: buildDataConverter(encryption),
    });
    const { updateError, resultError } = await worker.runUntil(async () => {
      const handle = await client.workflow.start(failsWithCard, {
        taskQueue,
        workflowId: `${taskQueue}-wf`,
        args: ['card-1'],
      });
      return {
        updateError: await handle
          .executeUpdate(checkCardUpdate, { args: ['card-2'] })
          .catch((e: unknown) => e),
        resultError: await handle.result().catch((e: unknown) => e),
      };
    });
    assert.ok(updateError instanceof WorkflowUpdateFailedError);
    assert.ok(resultError instanceof WorkflowFailedError);
    // The handler's `throw ApplicationFailure.create({` is the line above its `type:`.
    const handlerLine = lineOf(FAILURE_FIXTURES, "type: 'CardBlocked'") - 1;
    const workflowLine = lineOf(FAILURE_FIXTURES, "type: 'PayoutAbandoned'") - 1;
    const updateStack = (updateError.cause as Error | undefined)?.stack ?? '';
    const resultStack = (resultError.cause as Error | undefined)?.stack ?? '';
    assert.ok(
      updateStack.includes(`${FAILURE_FIXTURES}:${handlerLine}:`),
      `the handler's throw:\n${updateStack}`,
    );
    assert.ok(
      resultStack.includes(`${FAILURE_FIXTURES}:${workflowLine}:`),
      `the workflow's throw:\n${resultStack}`,
    );
  });
});
