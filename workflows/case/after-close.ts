// Events after `paid`. Money that settled can still move: a refund the gateway reports failed
// after it had succeeded, a chargeback, a late success for a refund support had given up on. A
// paid case therefore keeps listening for the policy's settle period (`payout.settleDays`,
// default SETTLE_PERIOD_DEFAULT_DAYS) with every event on its own timeline and the ordinary
// routes (a reversed refund reopens the payout route). After the period the run ends; an event
// that arrives later is recorded by the API in the order's late-event record (workflows/late-events.ts)
// and support is told — never dropped. Pure state changes.
import type { RefundResult } from '../../activities/contract';
import type { PayoutState } from '../case-state';
import type { Actor } from '../message-definitions';
import type { CaseModel } from './model';
import { plusDays } from './time';
import { attempts, payoutFailed } from './payout';

/** Days a paid case keeps taking gateway events and chargebacks when its policy names none. */
export const SETTLE_PERIOD_DEFAULT_DAYS = 30;

export function settlePeriodDays(model: CaseModel): number {
  return model.policy.payout.settleDays ?? SETTLE_PERIOD_DEFAULT_DAYS;
}

/** The case is paid: it listens until the settle period ends (only under the long-lived rules). */
export function startListening(model: CaseModel): void {
  if (!model.longLived) return;
  const until = plusDays(model.now(), settlePeriodDays(model), model.policy);
  model.listeningUntil = until;
  model.state.deadlines.settlePeriodEndsAt = until;
  model.version++;
}

export function stopListening(model: CaseModel): void {
  model.listeningUntil = undefined;
  delete model.state.deadlines.settlePeriodEndsAt;
  model.version++;
}

/** The settle period is over: the run may end (the deadline stays on the case as when it ended). */
export function settlePeriodOver(model: CaseModel): void {
  model.listeningUntil = undefined;
  model.version++;
}

/**
 * A gateway event the ordinary settlement does not cover; true when it was handled here:
 * a refund support had abandoned that succeeds after all (a double payment), or the paid
 * refund turning failed (the payout route opens again).
 */
export function paymentEventAfterResolution(model: CaseModel, event: RefundResult, actor: Actor): boolean {
  if (!model.longLived) return false;
  const { state } = model;
  const attempt = attempts(model).find((p) => p.refundId === event.refundId);
  if (!attempt) return false;
  if (attempt.abandoned) return abandonedRefundSettled(model, attempt, event, actor);
  const reversed = event.status === 'failed' || event.status === 'canceled';
  if (state.status === 'paid' && attempt === state.payout && attempt.status === 'succeeded' && reversed) {
    model.record(
      'payout_reversed',
      `The gateway reports refund ${event.refundId} ${event.status} after it had settled`,
      actor,
      { refundId: event.refundId, status: event.status },
    );
    stopListening(model);
    state.closed = false;
    payoutFailed(
      model,
      event.failureReason ?? event.status,
      `the gateway reported refund ${event.refundId} ${event.status} after it had settled`,
    );
    return true;
  }
  return false;
}

function abandonedRefundSettled(
  model: CaseModel,
  attempt: PayoutState,
  event: RefundResult,
  actor: Actor,
): boolean {
  if (event.status !== 'succeeded' || attempt.settledAt) {
    model.record(
      'payment_update_ignored',
      `Gateway event (${event.status}) for refund ${event.refundId}, which support had left for another route`,
      actor,
    );
    return true;
  }
  attempt.settledAt = model.now();
  model.record(
    'payout_settled',
    `Refund ${event.refundId} settled at the gateway after support had chosen another route`,
    actor,
    { refundId: event.refundId, abandoned: true },
  );
  model.escalate(
    `double-payout-abandoned-${attempt.attempt}`,
    `refund ${event.refundId} settled at the gateway after the case was resolved another way (${model.state.status}): the customer may have been paid twice; recover one`,
  );
  return true;
}

/** A chargeback on a case whose money already went back: support must answer it with the refund. */
export function chargebackAfterClose(model: CaseModel, active: boolean, reference: string | undefined): void {
  const { state } = model;
  if (!model.longLived || !active) return;
  if (state.status !== 'paid' && state.status !== 'credited') return;
  model.escalate(
    `chargeback-after-${state.status}-${state.timeline.length}`,
    `a chargeback${reference ? ` (${reference})` : ''} was opened on an order already ${state.status === 'paid' ? 'refunded' : 'credited'}; contest it with the refund's record`,
  );
}
