// An effect's failure, taken by its route: a retryable one waits on a durable timer with backoff
// and, past its bound, goes to support in plain words (escalateStuck); a non-retryable one has
// its own way on for each kind of effect (rejected). No failure fails, wedges or loses the case.
import { billingRechecked, decideRequest } from './decisions';
import { describeEffect, routeRetryableFailure, type Effect } from './effect-queue';
import type { CaseModel } from './model';
import { payoutAfterWithdrawal, payoutFailed } from './payout';

export type Failure = { retryable: boolean; type: string; message: string };

/** What the timeline may say about a failure: a mail server's words often carry the recipient's address. */
function shown(effect: Effect, failure: Failure): string {
  return effect.kind === 'email' || effect.kind === 'support' ? failure.type : failure.message;
}

export function failed(model: CaseModel, effect: Effect, failure: Failure): void {
  const what = describeEffect(effect);
  if (!failure.retryable) return rejected(model, effect, failure);
  if (effect.kind === 'payout') model.state.payout!.outcomeUnknown = true;
  const route = routeRetryableFailure(effect, model.nowMs(), `${failure.type}: ${failure.message}`);
  if (effect.failures === 1)
    model.record('effect_failed', `Failed, will retry: ${what} (${shown(effect, failure)})`);
  else model.version++;
  if (route.escalate) escalateStuck(model, effect, failure);
  if (!route.retryAt) {
    model.remove(effect);
    model.record('effect_abandoned', `Given up after ${effect.failures} tries: ${what}`);
    if (effect.kind === 'withdraw_access') payoutAfterWithdrawal(model);
  }
}

/** Plain words for support once an effect has failed past its bound: what is stuck and what they can do. */
function escalateStuck(model: CaseModel, effect: Effect, failure: Failure): void {
  const since = effect.firstFailedAt;
  const tail = `failing since ${since} (${shown(effect, failure)})`;
  switch (effect.kind) {
    case 'support':
      // Support cannot be told that support cannot be told: the escalated flag (support's list) and the timeline show it.
      supportUnreachable(model, `Support notices cannot be delivered, ${tail}`);
      return;
    case 'email':
      return model.escalate(
        `stuck-${effect.id}`,
        `The customer could not be sent ${what(effect)}, ${tail}. The case keeps retrying; contact the customer directly if it is urgent.`,
      );
    case 'assess':
      model.startDecisionClock();
      model.setStatus('under_review');
      return model.escalate(
        `stuck-${effect.id}`,
        `Billing could not be read for the refund request, ${tail}. The case keeps retrying and decides when it can; a reviewer may decide now (POST …/decisions).`,
      );
    case 'withdraw_access':
      model.escalate(
        `stuck-${effect.id}`,
        `Access could not be withdrawn in billing, ${tail}. The payout goes ahead; withdraw access by hand.`,
      );
      payoutAfterWithdrawal(model);
      return;
    case 'payout':
      return model.escalate(
        `stuck-${effect.id}`,
        `The refund could not be sent to the gateway, ${tail}. The case keeps retrying with the same idempotency key, so it never pays twice; check the gateway's status.`,
      );
    default:
      return model.escalate(
        `stuck-${effect.id}`,
        `Stuck: ${what(effect)}, ${tail}. The case keeps retrying; act in the system concerned if it is urgent.`,
      );
  }
}

const what = describeEffect;

/** Flags the case escalated without queueing another notice (the notice itself is what fails). */
function supportUnreachable(model: CaseModel, reason: string): void {
  model.state.escalated = true;
  if (!model.state.escalations.some((e) => e.reason === reason))
    model.state.escalations.push({ at: model.now(), reason });
  model.record('support_unreachable', reason);
}

/** A non-retryable answer: no retry will change it, so each effect has its own way on. */
function rejected(model: CaseModel, effect: Effect, failure: Failure): void {
  const { state } = model;
  model.remove(effect);
  const because = `${failure.type}: ${failure.message}`;
  switch (effect.kind) {
    case 'email':
      // The failure's type only: a mail server's own words often carry the recipient's address.
      model.record('email_failed', `Customer email "${effect.email}" could not be sent (${failure.type})`);
      // Only an email the case waits on (the customer must act) needs support; the rest is on the timeline.
      if (effect.email === 'information_requested')
        model.escalate(
          `email-rejected-${effect.id}`,
          `The customer could not be sent ${what(effect)} (${failure.type}); contact them another way.`,
        );
      return;
    case 'support':
      model.record('email_failed', `Support notice "${effect.notice}" could not be sent (${failure.type})`);
      supportUnreachable(
        model,
        `Support notice "${effect.notice}" was refused (${because}): ${effect.reason}`,
      );
      return;
    case 'assess':
      // Billing does not know the order (or refuses the read): decide on the facts the case has.
      model.record(
        'billing_unknown_order',
        failure.type === 'UnknownOrder'
          ? 'Billing does not know this order; deciding on the facts the case has'
          : `Billing refused the read (${because}); deciding on the facts the case has`,
      );
      model.snapshot = {
        chargebackActive: false,
        refundsInLast90Days: 0,
        termsViolation: false,
        abuseSuspected: false,
      };
      decideRequest(model);
      return;
    case 'withdraw_access':
      model.record(
        'access_not_withdrawn',
        `Access could not be withdrawn (${because}); the payout goes ahead`,
      );
      model.tellSupport(
        'escalation',
        `withdraw-rejected-${effect.id}`,
        `Access could not be withdrawn (${because}); check the account by hand`,
      );
      payoutAfterWithdrawal(model);
      return;
    case 'credit':
    case 'extension':
      model.escalate(
        `remedy-rejected-${effect.id}`,
        `Billing refused ${what(effect)} (${because}); choose another route (POST …/decisions).`,
      );
      model.record('remedy_failed', `${what(effect)} failed: ${failure.message}`);
      model.remedyFailed = true;
      return;
    case 'cancel_subscription':
      model.escalate(
        `cancel-rejected-${effect.id}`,
        `Billing refused to cancel the subscription (${because}); cancel it by hand so it does not renew.`,
      );
      return;
    case 'payout':
      payoutFailed(model, failure.type, failure.message);
      return;
    case 'recheck_billing':
      // Billing refuses the read (it no longer knows the order): the decision's facts stand.
      model.record(
        'billing_unknown_order',
        `Billing refused the read before the payout (${because}); paying on the facts the case has`,
      );
      billingRechecked(model);
      return;
    case 'decide':
      model.escalate(
        `decide-rejected-${effect.id}`,
        `The policy could not be evaluated (${because}); decide the request by hand (POST …/decisions).`,
      );
      return;
    case 'settlement_check':
      // The gateway does not know the refund id: the payout limit escalation would come late.
      model.escalate(
        `settlement-check-${effect.id}`,
        `The gateway does not know refund ${state.payout?.refundId} (${because}); check the gateway and decide the route.`,
      );
      return;
  }
}
