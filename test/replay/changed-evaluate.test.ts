// Decisions already taken are immune to later changes of policies/: the case evaluates the policy
// in a local activity, so its history carries the decision, and replay reads it back instead of
// evaluating again. Proof: a history recorded with the real evaluate replays against a workflow
// bundle whose evaluate denies everything; a history from before (evaluated inline, no marker)
// fails against the same bundle — the change is real, and it would have rewritten that case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import webpack = require('webpack');
import { getPreset, type Order } from '../../policies';
import { workflowBundlerOptions } from '../../codec/data-converter';
import { orderId, recordHistory, stubActivities, waitForCase, withCaseWorker } from '../workflows/support';
import { workflowBundle } from '../support/servers';

const CHANGED_EVALUATE = require.resolve('./fixtures/changed-evaluate');
const POLICIES_EVALUATE = path.resolve(__dirname, '..', '..', 'policies', 'evaluate');

let changed: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow code with policies/evaluate swapped for the fixture (webpack replaces the module). */
function changedEvaluateBundle(): Promise<WorkflowBundleWithSourceMap> {
  changed ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    ...workflowBundlerOptions,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    // Compiled as every other bundle (workflowBundlerOptions), with the module swapped.
    webpackConfigHook: (sdkConfig) => {
      const config = workflowBundlerOptions.webpackConfigHook(sdkConfig);
      return {
        ...config,
        plugins: [
          ...(config.plugins ?? []),
          // Whoever imports it (the policies barrel's './evaluate', the workflow's '../../policies/evaluate').
          new webpack.NormalModuleReplacementPlugin(
            /(^|\/)evaluate$/,
            (resource: { context: string; request: string }) => {
              // …but the fixture itself, which wraps the real one.
              const fromFixture = resource.context === path.dirname(CHANGED_EVALUATE);
              if (!fromFixture && path.resolve(resource.context, resource.request) === POLICIES_EVALUATE)
                resource.request = CHANGED_EVALUATE;
            },
          ),
        ],
      };
    },
  });
  return changed;
}

/** The local activities a history recorded under `type`, with their results (markers' JSON payloads). */
function localActivities(history: temporal.api.history.v1.IHistory, type: string): { result: unknown }[] {
  const json = (p?: temporal.api.common.v1.IPayloads | null) =>
    p?.payloads?.[0]?.data ? JSON.parse(Buffer.from(p.payloads[0].data).toString('utf8')) : undefined;
  return history
    .events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
    .map((e) => e.markerRecordedEventAttributes!.details!)
    .filter((d) => json(d['data'])?.activity_type === type)
    .map((d) => ({ result: json(d['result']) }));
}

const loadCommitted = (name: string) =>
  temporal.api.history.v1.History.fromObject(
    JSON.parse(readFileSync(path.join(__dirname, 'histories', `${name}.json`), 'utf8')),
  );

describe('replay: a decision taken is immune to a later change of evaluate', function () {
  this.timeout(180_000);

  it('the changed bundle really evaluates differently: a history evaluated inline fails against it', async () => {
    // approved-and-paid.json was recorded before decisions were recorded (no marker): replayed with an
    // evaluate that denies, the workflow would not pay — the silent change this design removes.
    const bundle = await changedEvaluateBundle();
    assert.match(bundle.code, /DISCRETIONARY_REVIEW/);
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: bundle }, loadCommitted('approved-and-paid'), 'inline'),
      /[Nn]ondeterminism|DeterminismViolation/,
    );
  });

  it('a case decided with the recorded evaluation replays as decided: same refund, same amount', async () => {
    const stubs = stubActivities({ usage: { used: 2_500 } }, { mode: 'succeeded' });
    let payoutDeadline: string | undefined;
    const history = await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('decision-recorded');
      const at = (await now()).toISOString();
      await cases.start(getPreset('usage-prorata')!, {
        orderId: id,
        customerId: `cust-${id}`,
        channel: 'official',
        paymentMethod: 'card',
        amountMinor: 4_900,
        currency: 'USD',
        purchasedAt: at,
        invoicedAt: at,
        productId: 'api-pro',
        billing: { kind: 'one_time' },
        quota: { unit: 'requests', included: 10_000 },
      } as Order);
      const answer = await cases.requestRefund(id, { reason: 'dissatisfied' });
      assert.deepEqual(
        [answer.decision?.outcome, answer.decision?.amountMinor],
        ['partial_refund', 3_675],
        'the answer carries the evaluated decision',
      );
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(paid.payout?.amountMinor, 3_675);
      payoutDeadline = paid.deadlines.payoutDeadline;
      await cases.handle(id).result();
      await recordHistory(cases, id, 'decision-recorded');
      return cases.handle(id).fetchHistory();
    });
    // The request's assessment reads billing and evaluates in one local activity (rollup-2): its
    // marker carries the decision, and no separate evaluation was needed.
    const assessments = localActivities(history, 'assessRequest');
    assert.equal(assessments.length, 1, 'one assessment, recorded as a local activity marker');
    assert.equal(localActivities(history, 'evaluatePolicy').length, 0, 'no second evaluation');
    // The deadline the decision set is the recorded one (the calendar is policies/ code too).
    const recorded = (assessments[0]!.result as { evaluated: { terms: { payoutDeadline: string } } })
      .evaluated;
    assert.equal(payoutDeadline, recorded.terms.payoutDeadline);
    // Against the current code, and against the code whose evaluate now denies everything.
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'current');
    await Worker.runReplayHistory({ workflowBundle: await changedEvaluateBundle() }, history, 'changed');
  });

  it("a reviewer's decision replays as taken when the policy's bounds change: no refusal on replay", async () => {
    // No usage figure: the policy sends the request to a person (USAGE_UNKNOWN), who decides.
    const stubs = stubActivities({}, { mode: 'succeeded' });
    const history = await withCaseWorker(stubs, async ({ cases, now }) => {
      const id = orderId('reviewer-recorded');
      const at = (await now()).toISOString();
      await cases.start(getPreset('usage-prorata')!, {
        orderId: id,
        customerId: `cust-${id}`,
        channel: 'official',
        paymentMethod: 'card',
        amountMinor: 4_900,
        currency: 'USD',
        purchasedAt: at,
        invoicedAt: at,
        productId: 'api-pro',
        billing: { kind: 'one_time' },
        quota: { unit: 'requests', included: 10_000 },
      } as Order);
      await cases.requestRefund(id, { reason: 'dissatisfied' });
      await waitForCase(cases, id, (s) => s.status === 'under_review');
      await cases.decide(id, {
        outcome: 'partial_refund',
        amountMinor: 2_000,
        note: 'half used',
        actor: { role: 'reviewer' },
      } as never);
      const paid = await waitForCase(cases, id, (s) => s.status === 'paid');
      assert.equal(paid.payout?.amountMinor, 2_000);
      const terms = localActivities(await cases.handle(id).fetchHistory(), 'decisionTerms');
      assert.equal(
        terms.length,
        1,
        "the reviewer's decision dates its deadlines by a recorded local activity",
      );
      assert.equal(
        paid.deadlines.payoutDeadline,
        (terms[0]!.result as { payoutDeadline: string }).payoutDeadline,
      );
      return cases.handle(id).fetchHistory();
    });
    // The changed bundle's checkReviewerChoice refuses every choice: judged again on replay, the
    // accepted decision would fail; recorded, it stands.
    await Worker.runReplayHistory({ workflowBundle: await changedEvaluateBundle() }, history, 'changed');
  });
});
