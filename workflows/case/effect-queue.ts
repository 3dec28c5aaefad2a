// The effects a case owes the outside world, kept in the case's state and run by the main loop.
// Pure: what an effect is, when it is due, and what its failure route is. Handlers only queue;
// nothing here calls an activity (effects.ts does).
import type { CustomerEmailKind, SupportNoticeKind } from '../../activities/contract';

export type EffectSpec =
  | { kind: 'email'; email: CustomerEmailKind; tag: string; data: Record<string, unknown> }
  | { kind: 'support'; notice: SupportNoticeKind; tag: string; reason: string; data: Record<string, unknown> }
  /** Read billing's facts and decide the pending request. */
  | { kind: 'assess' }
  | { kind: 'withdraw_access' }
  | { kind: 'credit'; amountMinor: number }
  | { kind: 'extension'; days: number }
  | { kind: 'cancel_subscription'; periodEnd: string }
  /** Send the current payout attempt (looking up the gateway's refunds first when needed). */
  | { kind: 'payout' }
  | { kind: 'settlement_check' }
  /**
   * Evaluate the policy (a local activity, so the result is recorded in history) and apply the
   * decision: `request` decides a pending request, `again` re-evaluates after a fact changed,
   * `deadline` applies the policy's rule at the decision deadline (auto-deny or auto-approve).
   * `decidedAt` is the case's decision when it was queued: one taken meanwhile is not overridden.
   */
  | { kind: 'decide'; mode: 'request' | 'again' | 'deadline'; decidedAt?: string }
  /** Read billing's facts again before paying a refund decided long after they were read. */
  | { kind: 'recheck_billing' };

export type EffectKind = EffectSpec['kind'];

export type Effect = EffectSpec & {
  id: string;
  /** Failed tries so far (a success removes the effect). */
  failures: number;
  dueAt: string;
  firstFailedAt?: string;
  lastError?: string;
  /** Support was told this effect is stuck (once). */
  escalated?: boolean;
  /** Its call is awaited now. */
  inFlight?: boolean;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Retry delays after the 1st, 2nd, … failure (a durable timer each); the last repeats. */
export const RETRY_BACKOFF_MS = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR] as const;

/**
 * How long an effect may keep failing before support is told in plain words (the effect keeps
 * retrying after that): money and billing changes an hour; emails a day (they never block a case).
 * A support notice cannot escalate to support; it is recorded on the timeline instead.
 */
export const ESCALATE_AFTER_MS: Record<EffectKind, number> = {
  email: DAY,
  support: DAY,
  assess: HOUR,
  withdraw_access: HOUR,
  credit: HOUR,
  extension: HOUR,
  cancel_subscription: HOUR,
  payout: HOUR,
  settlement_check: DAY,
  decide: HOUR,
  recheck_billing: HOUR,
};

/**
 * After how long of failures an effect is given up (it was escalated long before). Money owed
 * and the settlement of money sent are never given up: they retry every 6 hours until support
 * re-routes them or the gateway answers. Nor are notices to support: each is an alarm (an SLA
 * passed, a payout stuck, a review waiting) that no one else raises, so it retries until delivered.
 */
export const GIVE_UP_AFTER_MS: Record<EffectKind, number | undefined> = {
  email: 7 * DAY,
  support: undefined,
  assess: undefined,
  withdraw_access: 7 * DAY,
  credit: undefined,
  extension: undefined,
  cancel_subscription: 7 * DAY,
  payout: undefined,
  settlement_check: undefined,
  decide: undefined,
  recheck_billing: undefined,
};

export function backoffMs(failures: number): number {
  return RETRY_BACKOFF_MS[Math.min(failures, RETRY_BACKOFF_MS.length) - 1] ?? RETRY_BACKOFF_MS[0];
}

export interface FailureRoute {
  /** When to try again; undefined: give up. */
  retryAt?: string;
  /** Tell support now (first time the bound is passed). */
  escalate: boolean;
}

/** Records a retryable failure on the effect and says what happens next. */
export function routeRetryableFailure(effect: Effect, nowMs: number, error: string): FailureRoute {
  effect.failures++;
  effect.lastError = error;
  effect.firstFailedAt ??= new Date(nowMs).toISOString();
  const failingFor = nowMs - Date.parse(effect.firstFailedAt);
  const giveUp = GIVE_UP_AFTER_MS[effect.kind];
  const escalate = !effect.escalated && failingFor >= ESCALATE_AFTER_MS[effect.kind];
  if (escalate) effect.escalated = true;
  if (giveUp !== undefined && failingFor >= giveUp) return { escalate };
  // On the next whole minute: a retry's time does not carry how long the failed call took, so
  // the same failures always retry at the same moments (and a simulation gives the same result).
  const retryAt = new Date(Math.ceil((nowMs + backoffMs(effect.failures)) / MINUTE) * MINUTE).toISOString();
  effect.dueAt = retryAt;
  return { retryAt, escalate };
}

/** A one-line description for support and the timeline. */
export function describeEffect(effect: EffectSpec): string {
  switch (effect.kind) {
    case 'email':
      return `the customer email "${effect.email.replace(/_/g, ' ')}"`;
    case 'support':
      return `the support notice "${effect.notice.replace(/_/g, ' ')}"`;
    case 'assess':
      return "reading billing's facts for the decision";
    case 'withdraw_access':
      return 'withdrawing access in billing';
    case 'credit':
      return 'issuing the account credit';
    case 'extension':
      return 'granting the service extension';
    case 'cancel_subscription':
      return 'cancelling the subscription in billing';
    case 'payout':
      return 'sending the refund to the gateway';
    case 'settlement_check':
      return "checking the refund's settlement at the gateway";
    case 'decide':
      return 'evaluating the policy for the decision';
    case 'recheck_billing':
      return "reading billing's facts again before the payout";
  }
}
