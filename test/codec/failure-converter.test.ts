// Failure messages and stack traces are customer data too ("gateway declined card 4000…"). The
// payload codec alone leaves them in history as plain text; the project's failure converter
// (codec/failure-converter.ts, DefaultFailureConverter with encodeCommonAttributes) moves them
// into an encoded payload that the codec seals. Shown on a real dev server with a workflow that
// fails four ways: update validator, update handler, activity, workflow.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  Client,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  ActivityFailure,
  ApplicationFailure,
  defaultPayloadConverter,
  type DataConverter,
} from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import { apiKeyAuthorizer, codecServer } from '../../client/api/codec-server';
import { EncryptionCodec } from '../../codec/codec';
import {
  FAILURE_CONVERTER_PATH,
  buildDataConverter,
  bundleEncodesFailures,
} from '../../codec/data-converter';
import { failureConverter } from '../../codec/failure-converter';
import type { EncryptionConfig } from '../../config';
import { devServerEnv, TEMPORAL_CLI, uniqueTaskQueue, workflowBundle } from '../support/servers';
import {
  REJECTED_BY_VALIDATOR,
  checkCardUpdate,
  failsWithCard,
  type CardActivities,
} from './fixtures/failure-workflows';
import { failuresIn, plaintextNeedles, readablePayloads } from './history-scan';

type History = temporal.api.history.v1.IHistory;
type Failure = temporal.api.failure.v1.IFailure;

const FIXTURES = require.resolve('./fixtures/failure-workflows');
const keyring: EncryptionConfig = {
  activeKeyId: 'k1',
  keys: new Map([['k1', new Uint8Array(randomBytes(32))]]),
};
const codec = new EncryptionCodec(keyring);
/** A secret-like string that appears in every failure message, and nowhere else but sealed payloads. */
const card = `card-4000-0566-${randomBytes(4).toString('hex')}`;
/** Stack traces name the files the error was thrown from; the activity is this file. */
const STACK_NEEDLE = path.basename(__filename);
const SUPPORT_KEY = 'support-key-failures';

const activities: CardActivities = {
  async chargeCard(candidate) {
    throw new Error(`gateway declined card ${candidate}`);
  },
};

interface Run {
  handle: WorkflowHandle<typeof failsWithCard>;
  history: History;
  validatorError: unknown;
  updateError: unknown;
  resultError: unknown;
}

/**
 * Runs failsWithCard to its failure with one data converter on both sides, and fetches the stored
 * history. The worker takes a prebuilt bundle (as from `npm run build`), with the project's failure
 * converter or the SDK's default, or bundles the workflows at start (as `npm start` does).
 */
async function runFailing(
  label: string,
  dataConverter: DataConverter,
  workflows: 'prebuilt bundle' | 'prebuilt bundle without the failure converter' | 'bundled at start',
): Promise<Run> {
  const env = await devServerEnv();
  const client = new Client({ connection: env.connection, dataConverter });
  const taskQueue = uniqueTaskQueue(label);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...(workflows === 'bundled at start'
      ? { workflowsPath: FIXTURES }
      : {
          workflowBundle: await workflowBundle(FIXTURES, {
            failureConverter: workflows === 'prebuilt bundle' ? 'project' : 'sdk-default',
          }),
        }),
    activities,
    dataConverter,
  });
  return worker.runUntil(async () => {
    const handle = await client.workflow.start(failsWithCard, {
      taskQueue,
      workflowId: `${taskQueue}-wf`,
      args: [card],
    });
    const validatorError = await handle
      .executeUpdate(checkCardUpdate, { args: [`${REJECTED_BY_VALIDATOR}-${card}`] })
      .catch((e: unknown) => e);
    const updateError = await handle
      .executeUpdate(checkCardUpdate, { args: [card] })
      .catch((e: unknown) => e);
    const resultError = await handle.result().catch((e: unknown) => e);
    return { handle, history: await handle.fetchHistory(), validatorError, updateError, resultError };
  });
}

/** What a keyed reader gets from a stored failure: the codec opens the encoded attributes, the converter applies them. */
async function openFailure(failure: Failure): Promise<Failure> {
  return {
    ...failure,
    encodedAttributes: failure.encodedAttributes
      ? (await codec.decode([failure.encodedAttributes]))[0]
      : undefined,
    cause: failure.cause ? await openFailure(failure.cause) : undefined,
  };
}

function eventFailure(
  history: History,
  attributes: 'activityTaskFailedEventAttributes' | 'workflowExecutionFailedEventAttributes',
): Failure {
  const failure = history.events?.find((e) => e[attributes])?.[attributes]?.failure;
  assert.ok(failure, `history has ${attributes}`);
  return failure;
}

describe('codec: failure messages and stack traces are sealed too', function () {
  this.timeout(120_000);
  let sealed: Run;
  let sealedFromSource: Run;
  let codecOnly: Run;

  before(async () => {
    // The project's converter on both sides, as the worker, the API and the stack build it.
    sealed = await runFailing('failures-sealed', buildDataConverter(keyring), 'prebuilt bundle');
    sealedFromSource = await runFailing(
      'failures-sealed-from-source',
      buildDataConverter(keyring),
      'bundled at start',
    );
    // What the project had before: the payload codec alone, and the SDK's default failure converter.
    codecOnly = await runFailing(
      'failures-codec-only',
      { payloadCodecs: [new EncryptionCodec(keyring)] },
      'prebuilt bundle without the failure converter',
    );
  });

  it('builds every data converter and the workflow bundles with the failure converter', async () => {
    assert.equal(buildDataConverter(keyring).failureConverterPath, FAILURE_CONVERTER_PATH);
    assert.equal(require(FAILURE_CONVERTER_PATH).failureConverter, failureConverter);
    assert.equal(failureConverter.options.encodeCommonAttributes, true);
    assert.ok(
      bundleEncodesFailures((await workflowBundle()).code),
      'the refund workflows’ test bundle, as npm run build makes it',
    );
    assert.ok(bundleEncodesFailures((await workflowBundle(FIXTURES)).code));
    assert.equal(
      bundleEncodesFailures((await workflowBundle(FIXTURES, { failureConverter: 'sdk-default' })).code),
      false,
    );
  });

  it('with the payload codec alone, failure messages and stack traces are readable in history (the gap)', () => {
    assert.deepEqual(readablePayloads(codecOnly.history), [], 'every payload is sealed, and still …');
    assert.deepEqual(plaintextNeedles(codecOnly.history, [card, STACK_NEEDLE]), [card, STACK_NEEDLE]);
    const readable = failuresIn(codecOnly.history).filter((f) => f.message.includes(card));
    assert.ok(
      readable.length >= 3,
      `activity, update and workflow failures carry the card: ${JSON.stringify(readable.map((f) => f.path))}`,
    );
  });

  const assertNothingReadable = (history: History) => {
    assert.deepEqual(
      plaintextNeedles(history, [card, STACK_NEEDLE]),
      [],
      'the card and the stack trace are nowhere in the stored bytes',
    );
    assert.deepEqual(
      readablePayloads(history),
      [],
      'the encoded failure attributes are sealed like every payload',
    );
    const failures = failuresIn(history);
    // The activity's failure, the update's, the workflow's, and their causes.
    assert.ok(failures.length >= 5, `failures in history: ${failures.length}`);
    for (const failure of failures) {
      assert.equal(failure.message, 'Encoded failure', failure.path);
      assert.equal(failure.stackTrace, '', failure.path);
      assert.ok(failure.sealed, `${failure.path}: message and stack trace travel sealed`);
    }
    // What stays readable is the failure's structure: its type, and whether it may be retried.
    const workflowFailure = eventFailure(history, 'workflowExecutionFailedEventAttributes');
    assert.equal(workflowFailure.applicationFailureInfo?.type, 'PayoutAbandoned');
    assert.equal(workflowFailure.cause?.activityFailureInfo?.activityType?.name, 'chargeCard');
  };

  it('with the failure converter, no failure message or stack trace is readable in history (prebuilt bundle)', () => {
    assertNothingReadable(sealed.history);
  });

  it('the same from a worker that bundles its workflows at start (failureConverterPath reaches the bundler)', () => {
    assertNothingReadable(sealedFromSource.history);
  });

  it('the keyed client reads the original messages: update rejection, update failure, workflow failure and its causes', () => {
    const { validatorError, updateError, resultError } = sealed;
    assert.ok(validatorError instanceof WorkflowUpdateFailedError, String(validatorError));
    assert.equal(
      (validatorError.cause as Error).message,
      `validator: card ${REJECTED_BY_VALIDATOR}-${card} is malformed`,
    );
    assert.ok(updateError instanceof WorkflowUpdateFailedError, String(updateError));
    assert.ok(updateError.cause instanceof ApplicationFailure);
    assert.equal(updateError.cause.message, `update: card ${card} is blocked`);
    assert.equal(updateError.cause.type, 'CardBlocked');
    assert.ok(resultError instanceof WorkflowFailedError, String(resultError));
    const workflowFailure = resultError.cause;
    assert.ok(workflowFailure instanceof ApplicationFailure);
    assert.equal(workflowFailure.message, `workflow: gave up on card ${card}`);
    assert.ok(workflowFailure.cause instanceof ActivityFailure);
    const activityError = workflowFailure.cause.cause;
    assert.ok(activityError instanceof ApplicationFailure);
    assert.equal(activityError.message, `gateway declined card ${card}`);
    assert.match(
      activityError.stack ?? '',
      new RegExp(STACK_NEEDLE.replace(/\./g, '\\.')),
      'the stack trace comes back too',
    );
  });

  it('the failure in history opens with the key: message and stack trace as thrown', async () => {
    const stored = eventFailure(sealed.history, 'activityTaskFailedEventAttributes');
    const error = failureConverter.failureToError(await openFailure(stored), defaultPayloadConverter);
    assert.equal(error.message, `gateway declined card ${card}`);
    assert.match(error.stack ?? '', /chargeCard/);
    assert.ok(error.stack?.includes(STACK_NEEDLE));
  });

  it('the codec server opens encoded failures for the Temporal CLI (as for the Web UI)', async () => {
    const env = await devServerEnv();
    const app: FastifyInstance = Fastify();
    await app.register(codecServer, {
      codec,
      authorize: apiKeyAuthorizer([{ role: 'support', key: SUPPORT_KEY }]),
      corsOrigins: [],
    });
    const endpoint = `${await app.listen({ host: '127.0.0.1', port: 0 })}/codec`;
    try {
      // Asynchronously: the codec server answers from this process's event loop.
      const show = async (...extra: string[]) =>
        (
          await promisify(execFile)(
            TEMPORAL_CLI,
            [
              'workflow',
              'show',
              '--address',
              env.address,
              '--namespace',
              'default',
              '-w',
              sealed.handle.workflowId,
              '--output',
              'json',
              ...extra,
            ],
            { encoding: 'utf8', timeout: 30_000 },
          )
        ).stdout;
      const opened = await show('--codec-endpoint', endpoint, '--codec-auth', `Bearer ${SUPPORT_KEY}`);
      const closed = await show();
      // The CLI prints payloads in their proto3 JSON form: decoded encoded attributes are JSON in base64.
      const texts = (json: string) => {
        const found: string[] = [];
        const visit = (value: unknown) => {
          if (typeof value === 'string') found.push(value, Buffer.from(value, 'base64').toString('utf8'));
          else if (value && typeof value === 'object') Object.values(value).forEach(visit);
        };
        visit(JSON.parse(json));
        return found.join('\n');
      };
      for (const message of [
        `gateway declined card ${card}`,
        `update: card ${card} is blocked`,
        `workflow: gave up on card ${card}`,
      ])
        assert.ok(texts(opened).includes(message), `the CLI with the codec server shows "${message}"`);
      assert.ok(texts(opened).includes(STACK_NEEDLE), 'and the stack trace');
      assert.ok(!texts(closed).includes(card), 'the CLI without it shows none of it');
    } finally {
      await app.close();
    }
  });

  it('the sealed history replays on a worker with the project converter, and so does the one written before', async () => {
    const bundle = await workflowBundle(FIXTURES);
    for (const run of [sealed, sealedFromSource, codecOnly])
      await Worker.runReplayHistory(
        { workflowBundle: bundle, dataConverter: buildDataConverter(keyring) },
        run.history,
        run.handle.workflowId,
      );
  });
});
