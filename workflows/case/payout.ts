// Money out: payout attempts and their settlement, as pure state changes. One rule above all:
// never pay twice. An attempt whose outcome is unknown keeps its idempotency key; before any new
// attempt (or a retry of an unknown one) the case looks at the gateway's refunds for the order;
// a late event for an earlier attempt is recognised and settles the case.
import { formatMinor } from '../../policies/money';
import type { GatewayRefund, RefundResult } from '../../activities/contract';
import type { PayoutState } from '../case-state';
import type { Actor } from '../message-definitions';
import { startListening } from './after-close';
import type { CaseModel } from './model';
import { payoutDelayedData } from './payout-route';

/** When the case checks the gateway itself if no webhook arrived: soon, then rarely. */
export const SETTLEMENT_CHECKS_MS = [30_000, 5 * 60_000, 60 * 60_000];
export const SETTLEMENT_CHECK_STEADY_MS = 6 * 60 * 60_000;
const GATEWAY: Actor = { role: 'gateway' };

/** Opens a new payout attempt with its own key and queues it. */
export function startPayout(model: CaseModel, amountMinor: number): void {
  const { state } = model;
  const previous = state.payout;
  if (previous) state.earlierPayouts = [...(state.earlierPayouts ?? []), previous];
  const attempt = (previous?.attempt ?? 0) + 1;
  state.payout = {
    attempt,
    idempotencyKey: model.key(`refund:${attempt}`),
    status: 'creating',
    amountMinor,
    currency: model.order.currency,
    createdAt: model.now(),
  };
  model.queue({ kind: 'payout' });
}

/** Every attempt of this case, the current one last. */
export function attempts(model: CaseModel): PayoutState[] {
  const { state } = model;
  return [...(state.earlierPayouts ?? []), ...(state.payout ? [state.payout] : [])];
}

/** Whether the payout effect must look at the gateway's refunds before creating one. */
export function mustLookFirst(model: CaseModel): boolean {
  const payout = model.state.payout;
  return !!payout && (payout.attempt > 1 || !!payout.outcomeUnknown);
}

/**
 * What the gateway already holds for this case's attempts: a refund that succeeded or is still
 * pending under one of our keys (or refund ids) is adopted instead of creating another.
 */
export function adoptable(model: CaseModel, found: GatewayRefund[]): GatewayRefund | undefined {
  const ours = attempts(model);
  const keys = new Set(ours.map((p) => p.idempotencyKey));
  const ids = new Set(ours.flatMap((p) => (p.refundId ? [p.refundId] : [])));
  const mine = found.filter((r) => (r.idempotencyKey && keys.has(r.idempotencyKey)) || ids.has(r.refundId));
  return mine.find((r) => r.status === 'succeeded') ?? mine.find((r) => r.status === 'pending');
}

/** The gateway took the refund (created now, or found from an earlier call). */
export function payoutSent(model: CaseModel, result: RefundResult, adoptedKey?: string): void {
  const payout = model.state.payout!;
  payout.refundId = result.refundId;
  if (adoptedKey) payout.idempotencyKey = adoptedKey;
  delete payout.outcomeUnknown;
  payout.status = 'pending';
  model.record(
    'payout_sent',
    `Refund of ${formatMinor(payout.amountMinor, payout.currency)} sent to the original payment method`,
    undefined,
    {
      refundId: result.refundId,
      attempt: payout.attempt,
      ...(adoptedKey ? { foundAtGateway: true } : {}),
    },
  );
  model.setStatus('payout_pending');
  model.settlementChecks = 0;
  model.queue({ kind: 'settlement_check' }, SETTLEMENT_CHECKS_MS[0]);
  model.emailCustomer('payout_sent', `payout-sent-${payout.attempt}`, {
    amountMinor: payout.amountMinor,
    currency: payout.currency,
  });
  settle(model, result, 'create');
  // An event that overtook this answer is applied now.
  const early = model.earlyEvents.filter((e) => e.refundId === result.refundId);
  model.earlyEvents = model.earlyEvents.filter((e) => e.refundId !== result.refundId);
  for (const event of early) settle(model, event, 'webhook');
}

/** A settlement (webhook, status check or the create call's answer) for one of the case's refunds. */
export function settle(
  model: CaseModel,
  result: RefundResult,
  source: 'create' | 'check' | 'webhook',
  actor: Actor = GATEWAY,
): void {
  const { state } = model;
  const payout = state.payout;
  const earlier = state.earlierPayouts?.find((p) => p.refundId === result.refundId);
  if (earlier) return settleEarlier(model, earlier, result, actor);
  if (!payout || payout.refundId !== result.refundId) {
    model.record(
      'payment_update_ignored',
      `Gateway event for refund ${result.refundId}, which is not one of this case's payouts`,
      actor,
    );
    return;
  }
  if (payout.status === 'succeeded' || payout.status === 'failed' || payout.status === 'canceled') return;
  if (result.status === 'pending') return;
  if (result.status === 'succeeded') {
    payout.status = 'succeeded';
    payout.settledAt = model.now();
    model.record('payout_settled', 'Refund settled at the gateway', actor, {
      refundId: result.refundId,
      via: source,
    });
    paid(model, payout);
    return;
  }
  payoutFailed(
    model,
    result.failureReason ?? result.status,
    `the gateway reported the refund ${result.status}`,
  );
}

/** A late event for an earlier attempt: a success pays the case (and a second live refund goes to support). */
function settleEarlier(model: CaseModel, earlier: PayoutState, result: RefundResult, actor: Actor): void {
  const { state } = model;
  if (result.status !== 'succeeded' || earlier.status === 'succeeded') {
    model.record(
      'payment_update_ignored',
      `Gateway event (${result.status}) for refund ${result.refundId} of earlier attempt ${earlier.attempt}`,
      actor,
    );
    return;
  }
  earlier.status = 'succeeded';
  earlier.settledAt = model.now();
  model.record(
    'payout_settled',
    `Refund ${result.refundId} of earlier attempt ${earlier.attempt} settled at the gateway`,
    actor,
    { refundId: result.refundId },
  );
  const current = state.payout!;
  if (current.status === 'succeeded' || current.status === 'pending') {
    model.escalate(
      `double-payout-${current.attempt}`,
      `two refunds may settle for this order (${result.refundId} and ${current.refundId ?? 'the current attempt'}); reverse one at the gateway`,
    );
  }
  if (current.status !== 'succeeded') {
    // The money reached the customer through the earlier attempt; the current one is dropped.
    current.status = 'canceled';
    model.effects.filter((e) => e.kind === 'payout').forEach((e) => model.remove(e));
    paid(model, earlier);
  }
}

function paid(model: CaseModel, payout: PayoutState): void {
  model.effects.filter((e) => e.kind === 'settlement_check').forEach((e) => model.remove(e));
  model.setStatus('paid');
  model.state.closed = true;
  model.emailCustomer('payout_settled', `payout-settled-${payout.attempt}`, {
    amountMinor: payout.amountMinor,
    currency: payout.currency,
  });
  startListening(model);
}

/** The payout failed for good: support chooses another route (decide), the case waits for them. */
export function payoutFailed(model: CaseModel, reasonCode: string, message: string): void {
  const { state } = model;
  const payout = state.payout!;
  payout.status = 'failed';
  payout.failureReason = reasonCode;
  delete payout.outcomeUnknown;
  model.effects
    .filter((e) => e.kind === 'settlement_check' || e.kind === 'payout')
    .forEach((e) => model.remove(e));
  model.record(
    'payout_failed',
    `Payout failed (${reasonCode}): ${message}. Support must choose another route.`,
    GATEWAY,
  );
  model.setStatus('approved');
  state.escalated = true;
  state.escalations.push({ at: model.now(), reason: `payout failed: ${reasonCode}`, code: 'payout-failed' });
  model.tellSupport(
    'payout_failed',
    `payout-failed-${payout.attempt}`,
    `Payout failed (${reasonCode}); choose another route`,
    {
      failureReason: reasonCode,
      amountMinor: payout.amountMinor,
    },
  );
  // The customer hears that the money is late, and support's choices are the payout route's.
  if (model.longLived)
    model.emailCustomer('payout_delayed', `payout-failed-${payout.attempt}`, payoutDelayedData(model));
}

/**
 * A refund still pending this long after it was sent is checked once a day: the webhook still
 * settles it at once, and a check costs about a dozen history events, so a payout that never
 * settles costs a few thousand events a year (continue-as-new keeps each run bounded).
 */
export const SETTLEMENT_CHECK_SLOW_AFTER_MS = 7 * 24 * 60 * 60_000;
export const SETTLEMENT_CHECK_SLOW_MS = 24 * 60 * 60_000;

/** After a settlement check that found the refund still pending: the next one, sooner first. */
export function nextSettlementCheck(model: CaseModel): void {
  model.settlementChecks++;
  const sentAt = model.state.payout?.createdAt;
  const slow =
    model.longLived &&
    sentAt !== undefined &&
    model.nowMs() - Date.parse(sentAt) >= SETTLEMENT_CHECK_SLOW_AFTER_MS;
  model.queue(
    { kind: 'settlement_check' },
    slow
      ? SETTLEMENT_CHECK_SLOW_MS
      : (SETTLEMENT_CHECKS_MS[model.settlementChecks] ?? SETTLEMENT_CHECK_STEADY_MS),
  );
}

/** Once access is withdrawn (or could not be), an approved refund is paid. */
export function payoutAfterWithdrawal(model: CaseModel): void {
  const decision = model.state.decision;
  if (model.state.status === 'approved' && !model.state.payout && decision)
    startPayout(model, decision.amountMinor);
}
