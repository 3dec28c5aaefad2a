// The payout route: what happens when money does not reach the customer in time. When the
// policy's payout limit passes without settlement, or the gateway reports the refund failed, the
// customer is told and the case is escalated with support's choices (the `resolvePayout` update):
//   retry          — a new attempt to the original payment method (the gateway is asked first, so
//                    an earlier attempt that went through after all is adopted, never paid twice);
//   record_outside — support paid outside the gateway (reference, amount, method): the case is paid;
//   credit         — account credit instead of money.
// Acting clears `escalated`. Pure state changes; the effects are queued like every other.
import type { UpdateDefinition } from '@temporalio/common';
import { payoutDeadline } from '../../policies/clocks';
import { formatMinor } from '../../policies/money';
import type { CaseAnswer } from '../case-state';
import {
  resolvePayoutUpdate,
  type Actor,
  type MessageMeta,
  type ResolvePayoutInput,
} from '../message-definitions';
import { validate, type Validator } from '../message-validators';
import { startListening } from './after-close';
import { clearEscalation } from './escalation';
import { refuse, type CaseModel } from './model';
import { startPayout } from './payout';

type RegisterUpdate = <I>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: UpdateDefinition<CaseAnswer, any[]>,
  validator: Validator<I>,
  u: {
    check: (msg: I, receivedAt: string) => void;
    apply: (msg: I, receivedAt: string, meta?: MessageMeta) => Promise<void> | void;
  },
) => void;

/** Why the route is open now, or undefined when it is not. */
export function payoutRouteOpen(model: CaseModel): string | undefined {
  const { state } = model;
  if (state.closed || (state.status !== 'approved' && state.status !== 'payout_pending')) return undefined;
  if (state.payout?.status === 'failed') return 'the gateway reported the refund failed';
  if (model.payoutLimitFired) return 'the payout limit passed';
  if (model.remedyFailed) return 'billing refused the remedy';
  return undefined;
}

/** The payout limit passed without settlement: the customer is told, support gets the choices. */
export function payoutLimitPassed(model: CaseModel): void {
  const { state } = model;
  model.payoutLimitFired = true;
  model.escalate(
    'payout-limit',
    `payout limit passed (${state.deadlines.payoutDeadline}) without settlement; choose a route: retry to the original method, record a payout made outside the gateway, or grant credit instead`,
    { choices: ['retry', 'record_outside', 'credit'] },
  );
  if (model.longLived) model.emailCustomer('payout_delayed', 'payout-delayed', payoutDelayedData(model));
}

export function payoutDelayedData(model: CaseModel): Record<string, unknown> {
  const payout = model.state.payout;
  return {
    ...(payout ? { amountMinor: payout.amountMinor, currency: payout.currency } : {}),
    ...(model.state.deadlines.payoutDeadline ? { payoutDeadline: model.state.deadlines.payoutDeadline } : {}),
  };
}

export function registerPayoutRoute(model: CaseModel, update: RegisterUpdate): void {
  const { state } = model;
  update(resolvePayoutUpdate, validate.ResolvePayout, {
    check: (msg) => checkRoute(model, msg),
    apply: (msg) => {
      const actor: Actor = msg.actor ?? { role: 'support' };
      const why = payoutRouteOpen(model)!;
      // A refund still pending at the gateway is left behind: a late success for it is flagged (after-close.ts).
      const current = state.payout;
      if (current && msg.action !== 'retry' && current.status === 'pending') {
        current.status = 'canceled';
        current.abandoned = true;
      }
      model.effects
        .filter((e) => e.kind === 'settlement_check' || e.kind === 'payout')
        .forEach((e) => model.remove(e));
      model.remedyFailed = false;
      clearPayoutEscalation(model, actor, why);
      switch (msg.action) {
        case 'retry': {
          const amountMinor = current?.amountMinor ?? state.decision!.amountMinor;
          model.record(
            'payout_rerouted',
            `Support retries the payout to the original method: ${msg.note}`,
            actor,
            {
              action: msg.action,
            },
          );
          model.setStatus('approved');
          // The new attempt gets the policy's payout limit afresh, so a retry that stalls escalates again.
          state.deadlines.payoutDeadline = payoutDeadline(model.policy, {
            requestedAt: model.now(),
            approvedAt: model.now(),
          });
          model.payoutLimitFired = false;
          startPayout(model, amountMinor);
          return;
        }
        case 'record_outside': {
          if (current) state.earlierPayouts = [...(state.earlierPayouts ?? []), current];
          const attempt = (current?.attempt ?? 0) + 1;
          state.payout = {
            attempt,
            idempotencyKey: model.key(`outside:${attempt}`),
            status: 'succeeded',
            amountMinor: msg.amountMinor,
            currency: model.order.currency,
            createdAt: model.now(),
            settledAt: model.now(),
            outside: { reference: msg.reference, method: msg.method, recordedBy: actor },
          };
          model.record(
            'payout_recorded_outside',
            `Payout of ${formatMinor(msg.amountMinor, model.order.currency)} made outside the gateway (${msg.method.replace(/_/g, ' ')}, ${msg.reference})${msg.note ? `: ${msg.note}` : ''}`,
            actor,
            { reference: msg.reference, method: msg.method, amountMinor: msg.amountMinor },
          );
          model.setStatus('paid');
          state.closed = true;
          model.emailCustomer('payout_settled', `payout-settled-${attempt}`, {
            amountMinor: msg.amountMinor,
            currency: model.order.currency,
          });
          startListening(model);
          return;
        }
        case 'credit': {
          const amountMinor = msg.amountMinor ?? current?.amountMinor ?? state.decision!.amountMinor;
          if (current && current.status !== 'failed' && current.status !== 'canceled')
            current.status = 'canceled';
          state.decision = {
            ...state.decision!,
            outcome: 'credit',
            amountMinor,
            creditMinor: amountMinor,
            note: msg.note,
            decidedAt: model.now(),
            decidedBy: actor,
          };
          model.record(
            'payout_rerouted',
            `Support grants ${formatMinor(amountMinor, model.order.currency)} of account credit instead: ${msg.note}`,
            actor,
            { action: msg.action, amountMinor },
          );
          model.setStatus('approved');
          model.queue({ kind: 'credit', amountMinor });
          return;
        }
      }
    },
  });
}

function checkRoute(model: CaseModel, msg: ResolvePayoutInput): void {
  const { state } = model;
  model.whileIn(['approved', 'payout_pending'], 'resolve the payout');
  if (!payoutRouteOpen(model))
    refuse(
      'the payout route opens when the payout limit passes, the gateway reports the refund failed or billing refuses the remedy',
    );
  const payout = state.payout;
  if (payout?.status === 'creating')
    refuse(
      'a payout attempt is being sent to the gateway; wait for its answer (the case retries it on its own)',
    );
  if (model.has('credit')) refuse('account credit is being issued; wait for billing');
  if (msg.action === 'retry') {
    if (payout?.status === 'pending')
      refuse(
        `refund ${payout.refundId} is still pending at the gateway: a retry would pay twice; record a payout made outside the gateway or grant credit once the gateway has cancelled it`,
      );
    if (!payout && !state.decision?.amountMinor) refuse('there is no refund amount to retry');
  }
  const cash = model.cashPaidMinor;
  if (msg.action !== 'retry' && msg.amountMinor !== undefined && msg.amountMinor > cash)
    refuse(`amountMinor: must be at most the cash paid (${cash})`);
}

/** Someone acted on the escalation: the flag clears (the escalations stay as history). */
function clearPayoutEscalation(model: CaseModel, actor: Actor, why: string): void {
  clearEscalation(model, actor, `Escalation cleared: support took the payout route (${why})`);
}
