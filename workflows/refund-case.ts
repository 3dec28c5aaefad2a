// The refund case: one durable workflow per purchase. It keeps the policy's clocks as absolute
// deadlines, takes every decision from policies/evaluate, and moves money through activities.
//
// The design (workflows/case/): message handlers validate, change the case in one synchronous
// step and queue the effects the change owes (emails, billing changes, payouts, settlement
// checks, support notices); this main loop runs due effects one at a time and otherwise sleeps
// until the next deadline or queued retry. Every effect has a failure route (a durable retry with
// backoff, then support in plain words), so no activity failure ends the case. Deadlines are
// recomputed from the state when the loop wakes, so one a message moved or paused never fires.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseOutcome, StartCaseInput } from './case-state';
import { fireDueDeadlines, nextWakeAt } from './case/deadlines';
import { runEffect } from './case/effects';
import { publisher, registerHandlers } from './case/handlers';
import { CaseModel } from './case/model';
import { isRefusedPayload } from './messages';
import { customerKey, policyKey, productKey, purchasedAtKey } from './search-attributes';

export async function refundCase(input: StartCaseInput): Promise<CaseOutcome> {
  // A start forged without the encryption key fails at once rather than failing its tasks for ever.
  if (isRefusedPayload(input))
    throw ApplicationFailure.nonRetryable(
      'refused: the start input was not sealed with the encryption key',
      'RefusedPayload',
    );
  const model = new CaseModel(input, workflowInfo().workflowId, () => Date.now());
  // Asked once, at the start: a run that began before the patch keeps its old order throughout.
  model.assessFirst = patched('assess-first-locally');
  const publish = publisher(model);
  registerHandlers(model, publish);

  const { order, policy } = input;
  upsertSearchAttributes([
    { key: policyKey, value: policy.id },
    { key: customerKey, value: order.customerId },
    { key: purchasedAtKey, value: new Date(order.purchasedAt) },
    ...(order.productId ? [{ key: productKey, value: order.productId }] : []),
  ] as SearchAttributeUpdatePair[]);
  model.record(
    'case_opened',
    `Case opened under ${policy.id} v${policy.version}`,
    input.startedBy ?? { role: 'checkout' },
    {
      requestWindowEndsAt: model.windowEnd,
    },
  );
  publish();

  while (!model.finished()) {
    const due = model.nextDueEffect();
    if (due) {
      await runEffect(model, due);
      publish();
      continue;
    }
    const seen = model.version;
    const wakeAt = nextWakeAt(model);
    if (wakeAt === undefined) {
      await condition(() => model.version !== seen);
      continue;
    }
    const waitMs = Date.parse(wakeAt) - Date.now();
    if (waitMs > 0 && (await condition(() => model.version !== seen, waitMs))) continue;
    const fired = fireDueDeadlines(model);
    publish();
    if (fired === 0 && !model.nextDueEffect()) {
      // Nothing stood after all (cannot happen by construction); never spin.
      log.warn('woke for nothing', { wakeAt });
      await condition(() => model.version !== seen, 60_000);
    }
  }
  // Let in-flight updates answer their callers before the run closes.
  await condition(allHandlersFinished);
  return model.outcome();
}
