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
  CancellationScope,
  allHandlersFinished,
  condition,
  log,
  makeContinueAsNewFunc,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseOutcome, StartCaseInput } from './case-state';
import { carry, HISTORY_EVENT_BUDGET, restore } from './case/carry';
import { fireDueDeadlines, nextWakeAt } from './case/deadlines';
import { runEffect } from './case/effects';
import { registerHandlers } from './case/handlers';
import { CaseLedger, LEDGER_PATCH } from './case/ledger';
import { publisher } from './case/publish';
import { CaseModel } from './case/model';
import { isRefusedPayload } from './message-definitions';
import { customerKey, policyKey, productKey, purchasedAtKey, statusKey } from './search-attributes';
import { ESCALATION_CLEARS } from './case/escalation';
import { patchesOfRun } from './case/patches';

export async function refundCase(input: StartCaseInput): Promise<CaseOutcome> {
  // A start forged without the encryption key fails at once rather than failing its tasks for ever.
  if (isRefusedPayload(input))
    throw ApplicationFailure.nonRetryable(
      'refused: the start input was not sealed with the encryption key',
      'RefusedPayload',
    );
  // First thing in the run: a new case records one rollup marker for every patch below (case/patches.ts).
  const patchedRun = patchesOfRun();
  const model = new CaseModel(input, workflowInfo().workflowId, () => Date.now());
  // Asked once per run, at its start: a run that began before the patch keeps its old order throughout.
  model.assessFirst = patchedRun('assess-first-locally');
  model.assessAndDecide = patchedRun.rollup >= 2;
  // Decisions as local activities, recorded in history (asked at each decision: a case whose history
  // predates the patch keeps deciding inline on replay, and records from its next new decision on).
  model.recordDecisions = () => patchedRun(DECISIONS_RECORDED);
  // A person's action clears the escalation (asked when there is one to clear; escalation.ts).
  model.clearsOnAct = () => patchedRun(ESCALATION_CLEARS);
  // Continue-as-new, the payout route and the settle period after `paid` came with this patch;
  // a run continued from another always has them.
  if (input.carried) {
    restore(model, input.carried);
    // Servers that drop the memo on continue-as-new (the time-skipping test server does) get it
    // back: a repeated start compares its fingerprint.
    const memo = input.carried.memo;
    if (memo && workflowInfo().memo?.fingerprint !== memo.fingerprint) upsertMemo(memo);
  } else {
    model.longLived = patchedRun(LONG_LIVED_CASES);
    if (patchedRun('term-cover')) model.coverTheTerm();
  }
  // The ledger's rows (asked once per run: a run whose history predates the patch writes none; its
  // successor does, and `refundflow ledger backfill` never finds rows that were not written).
  // A run with the rollup hands the opened row to the worker's sink instead (case/ledger.ts).
  const ledger = patchedRun(LEDGER_PATCH)
    ? new CaseLedger(model, input.carried?.ledger, patchedRun.rolledUp)
    : undefined;
  if (ledger) model.onRecord = (entry) => ledger.observe(entry);
  // Continue-as-new passes the search attributes on; where a server dropped them, set them again.
  const attributesCarried =
    !!input.carried && workflowInfo().typedSearchAttributes.get(statusKey) !== undefined;
  // Search attributes are upserted per key, only when one changed, and never the ones the start
  // (or the run before) already set.
  const slim = patchedRun(SLIM_SEARCH_ATTRIBUTES);
  const publish = publisher(model, attributesCarried, slim);
  registerHandlers(model, publish);

  if (!attributesCarried) {
    const { order, policy } = input;
    const on = workflowInfo().typedSearchAttributes;
    const identity = [
      { key: policyKey, value: policy.id },
      { key: customerKey, value: order.customerId },
      { key: purchasedAtKey, value: new Date(order.purchasedAt) },
      ...(order.productId ? [{ key: productKey, value: order.productId }] : []),
    ] as SearchAttributeUpdatePair[];
    const missing = slim ? identity.filter((pair) => on.get(pair.key) === undefined) : identity;
    if (missing.length > 0) upsertSearchAttributes(missing);
  }
  if (!input.carried) {
    const { policy } = input;
    model.record(
      'case_opened',
      `Case opened under ${policy.id} v${policy.version}`,
      input.startedBy ?? { role: 'checkout' },
      {
        requestWindowEndsAt: model.windowEnd,
      },
    );
  }
  if (model.assessAndDecide) {
    // After this task's first messages (their handlers run once this function awaits): a request
    // that came with the start is published once, after its decision (patch `rollup-2`).
    await Promise.resolve();
    if (!model.assessesNext()) publish();
  } else publish();

  // Hand over to a fresh run once the history is long, between effects and with no handler running.
  const handOverNow = () => model.longLived && historyFull() && allHandlersFinished();
  // One timer per wake time: a message that leaves the next deadline where it was keeps the timer
  // (no cancel and re-arm in history); only a deadline that moves replaces it.
  const steadyTimer = patchedRun(STEADY_WAKE_TIMER);
  let armed: WakeTimer | undefined;
  const disarm = () => {
    armed?.scope.cancel();
    armed = undefined;
  };
  while (!model.finished()) {
    if (handOverNow()) return continueAsNewCase(input, model, ledger);
    const due = model.nextDueEffect();
    if (due) {
      await runEffect(model, due);
      publish();
      continue;
    }
    // The ledger's rows go once the case's own work is done for this task: one call per task.
    if (ledger?.due()) {
      await ledger.flush();
      continue;
    }
    const seen = model.version;
    const wakeAt = earliest(nextWakeAt(model), ledger?.wakeAt());
    if (wakeAt === undefined) {
      if (steadyTimer) disarm();
      await condition(() => model.version !== seen || handOverNow());
      continue;
    }
    const waitMs = Date.parse(wakeAt) - Date.now();
    if (steadyTimer) {
      if (armed && armed.at !== wakeAt) disarm();
      if (waitMs > 0) {
        armed ??= wakeTimer(wakeAt, () => sleep(waitMs));
        const timer = armed;
        await condition(() => model.version !== seen || handOverNow() || timer.fired);
        if (!timer.fired) continue;
        armed = undefined;
      }
    } else if (waitMs > 0 && (await condition(() => model.version !== seen || handOverNow(), waitMs)))
      continue;
    const fired = fireDueDeadlines(model);
    publish();
    if (fired === 0 && !model.nextDueEffect() && !ledger?.due()) {
      // Nothing stood after all (cannot happen by construction); never spin.
      log.warn('woke for nothing', { wakeAt });
      await condition(() => model.version !== seen, 60_000);
    }
  }
  // Let in-flight updates answer their callers before the run closes.
  await condition(allHandlersFinished);
  if (ledger) {
    // One last try: rows a down ledger still lacks are in this history for the backfill.
    ledger.closed(model.now());
    await ledger.flush();
  }
  return model.outcome();
}

/** The patch that keeps the main loop's timer while its wake time stands (issue 15: no timer churn). */
export const STEADY_WAKE_TIMER = 'steady-wake-timer';

interface WakeTimer {
  at: string;
  fired: boolean;
  scope: CancellationScope;
}

/** A durable timer (`start`, a sleep) for `at` that a message does not cancel; only `scope.cancel()` does. */
function wakeTimer(at: string, start: () => Promise<void>): WakeTimer {
  const scope = new CancellationScope();
  const timer: WakeTimer = { at, fired: false, scope };
  const fire = () => void (timer.fired = true);
  // Rejected when cancelled (the deadline moved): nothing to do then.
  const sleeping: Promise<void> = scope.run(start).then(fire, () => undefined);
  void sleeping;
  return timer;
}

/** The patch that upserts each search attribute only when it changed (workflows/case/publish.ts slimPublisher). */
export const SLIM_SEARCH_ATTRIBUTES = 'slim-search-attributes';

/** The patch that brought continue-as-new, the payout route and the settle period (README, "Changing the workflow safely"). */
export const LONG_LIVED_CASES = 'long-lived-cases';

/** The patch that evaluates decisions in a local activity, recorded in history (README, "Changing the workflow safely"). */
export const DECISIONS_RECORDED = 'decisions-recorded';

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** The server suggests a new run, or this run reached the case's own event budget. */
function historyFull(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= HISTORY_EVENT_BUDGET;
}

/**
 * Continues the case in a fresh run: the same order, policy and fingerprint, and the case as this
 * run leaves it. Memo (the start's fingerprint) and search attributes are passed on explicitly, so
 * a repeated start still recognises the case and support's lists do not change.
 */
async function continueAsNewCase(
  input: StartCaseInput,
  model: CaseModel,
  ledger: CaseLedger | undefined,
): Promise<never> {
  await condition(allHandlersFinished);
  const info = workflowInfo();
  log.info('continuing as new', { historyLength: info.historyLength, run: model.runs });
  // The fingerprint is the case's own; the rest of the memo (the customer email's digest) as the start set it.
  const memo = { ...(input.carried?.memo ?? info.memo ?? {}), fingerprint: input.fingerprint };
  const next = makeContinueAsNewFunc<typeof refundCase>({
    memo,
    typedSearchAttributes: info.typedSearchAttributes,
  });
  return next({
    policy: input.policy,
    order: input.order,
    fingerprint: input.fingerprint,
    ...(input.startedBy ? { startedBy: input.startedBy } : {}),
    carried: { ...carry(model), memo, ...(ledger ? { ledger: ledger.queue } : {}) },
  });
}
