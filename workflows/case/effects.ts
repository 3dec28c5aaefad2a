// Running the effect queue: one activity call per try, and every failure taken by its route
// (effect-queue.ts, effect-failures.ts): retry on a durable timer with backoff, then support in plain words. No
// activity failure leaves this module; the result of a call is applied to the case as it is when
// the call returns (a message may have moved it meanwhile).
import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import { formatMinor } from '../../policies/money';
import type { GatewayRefund, RefundActivities, RefundResult } from '../../activities/contract';
import type { AssessActivities, Assessment, EvaluatedDecision } from '../../activities/decide';
import type { EvaluationInput } from '../../policies/input';
import { NonRetryableErrors } from '../../activities/contract';
import {
  applyEvaluated,
  billingRechecked,
  decideRequest,
  decisionEmail,
  evaluationThatHolds,
} from './decisions';
import { decider } from './decider';
import { failed, type Failure } from './effect-failures';
import { describeEffect, type Effect } from './effect-queue';
import type { CaseModel } from './model';
import {
  adoptable,
  mustLookFirst,
  nextSettlementCheck,
  payoutAfterWithdrawal,
  payoutSent,
  settle,
} from './payout';

const nonRetryableErrorTypes = Object.values(NonRetryableErrors);
// Each call retries briefly inside Temporal (a blip); longer outages are the case's own retries,
// on durable timers with the backoff kept in its state. The retry policies list no
// nonRetryableErrorTypes: every adapter raises those failures as non-retryable ApplicationFailures
// itself (activities/errors.ts permanentFailure), and a list here would be copied into every
// activity's scheduled event (issue 15). failureOf() below still classifies by type.
const notify = proxyActivities<RefundActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});
const billing = proxyActivities<RefundActivities>({
  startToCloseTimeout: '20 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});
// Reading billing's facts for a waiting request: a local activity runs in the workflow task that
// took the request, so the caller gets the decision without an activity task's round trips. Short
// bounds: a slow billing answers the caller with the status and the queue retries as usual.
// With `rollup-2` the same call evaluates the policy on the facts it read (assessRequest).
const billingRead = proxyLocalActivities<RefundActivities & AssessActivities>({
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 2 },
});
const payments = proxyActivities<RefundActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '20 seconds',
  scheduleToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

function failureOf(err: unknown): Failure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : 'ActivityFailed';
  const retryable =
    !(cause instanceof ApplicationFailure && cause.nonRetryable) &&
    !nonRetryableErrorTypes.includes(type as never);
  const message = cause instanceof Error ? cause.message : String(cause);
  return { retryable, type, message };
}

/** Runs one due effect: the call, then its result or its failure route. */
export async function runEffect(model: CaseModel, effect: Effect): Promise<void> {
  const ref = { orderId: model.order.orderId, customerId: model.order.customerId };
  let outcome: { ok: true; value: unknown } | { ok: false; failure: Failure };
  // Marked in flight so a second pass of the loop does not run it again while it is awaited.
  effect.dueAt = '9999-12-31T00:00:00.000Z';
  effect.inFlight = true;
  try {
    outcome = { ok: true, value: await call(model, effect, ref) };
  } catch (err) {
    outcome = { ok: false, failure: failureOf(err) };
  }
  delete effect.inFlight;
  if (!model.effects.includes(effect)) return; // cancelled while in flight (e.g. the payout settled another way)
  if (outcome.ok) {
    if (effect.failures > 0)
      model.record(
        'effect_recovered',
        `Done after ${effect.failures} failed tries: ${describeEffect(effect)}`,
      );
    model.remove(effect);
    succeeded(model, effect, outcome.value);
    return;
  }
  failed(model, effect, outcome.failure);
}

async function call(
  model: CaseModel,
  effect: Effect,
  ref: { orderId: string; customerId: string },
): Promise<unknown> {
  switch (effect.kind) {
    case 'email':
      return notify.sendCustomerEmail({
        ...ref,
        kind: effect.email,
        idempotencyKey: model.key(`email:${effect.tag}`),
        data: renderContext(model, effect.data),
      });
    case 'support':
      return notify.notifySupport({
        ...ref,
        kind: effect.notice,
        reason: effect.reason,
        idempotencyKey: model.key(`support:${effect.tag}`),
        data: renderContext(model, effect.data),
      });
    case 'assess': {
      if (!model.assessAndDecide) return (model.assessFirst ? billingRead : billing).getAccountSnapshot(ref);
      const input = model.baseEvaluationInput();
      const assessment = await billingRead.assessRequest({
        ref,
        policy: model.policy,
        input,
        at: model.now(),
      });
      return { assessment, input } satisfies Assessed;
    }
    case 'recheck_billing':
      return billing.getAccountSnapshot(ref);
    case 'withdraw_access':
      return billing.withdrawAccess({ ...ref, idempotencyKey: model.key('withdraw-access') });
    case 'credit':
      return billing.issueCredit({
        ...ref,
        amountMinor: effect.amountMinor,
        currency: model.order.currency,
        idempotencyKey: model.key('credit'),
      });
    case 'extension':
      return billing.grantServiceExtension({
        ...ref,
        days: effect.days,
        idempotencyKey: model.key('extension'),
      });
    case 'cancel_subscription':
      return billing.cancelSubscriptionAtPeriodEnd({
        ...ref,
        periodEnd: effect.periodEnd,
        idempotencyKey: model.key('cancel-subscription'),
      });
    case 'payout': {
      const payout = model.state.payout!;
      if (mustLookFirst(model)) {
        const found = adoptable(model, await payments.findRefunds({ orderId: ref.orderId }));
        if (found) return { adopted: found };
      }
      const paymentReference = (model.order as { paymentReference?: string }).paymentReference;
      return {
        created: await payments.createRefund({
          ...ref,
          amountMinor: payout.amountMinor,
          currency: payout.currency,
          paymentMethod: model.order.paymentMethod,
          ...(paymentReference ? { paymentReference } : {}),
          idempotencyKey: payout.idempotencyKey,
        }),
      };
    }
    case 'settlement_check':
      return payments.getRefundStatus({ refundId: model.state.payout!.refundId! });
    case 'decide':
      return decider.evaluatePolicy({
        policy: model.policy,
        input: model.evaluationInput(),
        at: model.now(),
      });
  }
}

/** The request's assessment (patch `rollup-2`) with the input it was sent, to see whether it still holds. */
interface Assessed {
  assessment: Assessment;
  input: EvaluationInput;
}

function succeeded(model: CaseModel, effect: Effect, value: unknown): void {
  const { state } = model;
  switch (effect.kind) {
    case 'email':
      model.record('customer_emailed', `Customer told: ${effect.email.replace(/_/g, ' ')}`, undefined, {
        kind: effect.email,
      });
      return;
    case 'support':
      model.record('support_notified', `Support told: ${effect.reason}`, undefined, { kind: effect.notice });
      return;
    case 'assess': {
      if (!model.assessAndDecide) {
        model.snapshot = value as typeof model.snapshot;
        model.snapshotAt = model.now();
        decideRequest(model);
        return;
      }
      // Billing's facts and the decision on them (rollup-2), applied if it still holds.
      const { assessment, input } = value as Assessed;
      model.snapshot = assessment.snapshot;
      model.snapshotAt = model.now();
      decideRequest(model, evaluationThatHolds(model, input, assessment));
      return;
    }
    case 'recheck_billing':
      model.snapshot = value as typeof model.snapshot;
      model.snapshotAt = model.now();
      model.record('billing_reread', "Billing's facts read again before the payout");
      billingRechecked(model);
      return;
    case 'withdraw_access':
      model.record('access_withdrawn', 'Access to the service withdrawn, as the policy requires on approval');
      payoutAfterWithdrawal(model);
      return;
    case 'credit':
      model.record(
        'credit_issued',
        `Account credit of ${formatMinor(effect.amountMinor, model.order.currency)} issued`,
        undefined,
        value as Record<string, unknown>,
      );
      remedied(model, 'credited');
      return;
    case 'extension':
      model.record(
        'service_extended',
        `Service extended by ${effect.days} days`,
        undefined,
        value as Record<string, unknown>,
      );
      remedied(model, 'extended');
      return;
    case 'cancel_subscription':
      model.record('subscription_cancelled_in_billing', 'Billing will not renew the subscription');
      return;
    case 'payout': {
      const answer = value as { adopted?: GatewayRefund; created?: RefundResult };
      if (state.payout?.status !== 'creating') return;
      if (answer.adopted) payoutSent(model, answer.adopted, answer.adopted.idempotencyKey);
      else payoutSent(model, answer.created!);
      return;
    }
    case 'settlement_check': {
      const result = value as RefundResult;
      if (state.status !== 'payout_pending' || state.payout?.refundId !== result.refundId) return;
      if (result.status !== 'pending')
        model.record('settlement_checked', `Gateway reports the refund ${result.status}`);
      settle(model, result, 'check');
      if (state.status === 'payout_pending' && state.payout?.status === 'pending') nextSettlementCheck(model);
      return;
    }
    case 'decide':
      applyEvaluated(model, effect.mode, effect.decidedAt, value as EvaluatedDecision);
      return;
  }
}

function remedied(model: CaseModel, status: 'credited' | 'extended'): void {
  model.setStatus(status);
  model.state.closed = true;
  if (model.state.decision)
    model.emailCustomer(
      'decision',
      `decision-${model.state.timeline.length}`,
      decisionEmail(model.state.decision),
    );
}

/**
 * What every template needs besides the facts: the policy's time zone (its calendar sets the
 * deadlines, so dates read in it) and the order's currency (a notice's amount in major units). Added
 * to the activity's input only, not to the queued effect: the commands and the state stay as they were.
 */
function renderContext(model: CaseModel, data: Record<string, unknown>): Record<string, unknown> {
  return { timeZone: model.policy.timeZone, currency: model.order.currency, ...data };
}
