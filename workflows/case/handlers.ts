// The case's message handlers. Each one validates (the validator runs the same checks, so a
// refused update never reaches history), changes the case in one synchronous step, queues the
// effects the change owes and answers. No handler awaits an activity; the one wait is the
// refund request's, for billing's facts (a condition on the queue, not a lock): it answers with
// the decision, or with the status when billing is slow and the case decides later.
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { cancellationEffectiveAt, payoutDeadline, remediationDeadline } from '../../policies/clocks';
import {
  cancelSubscriptionUpdate,
  caseStateQuery,
  disputeUpdate,
  provideInformationUpdate,
  reportIssueUpdate,
  requestInformationUpdate,
  requestRefundUpdate,
  submitTechnicalReviewUpdate,
  withdrawUpdate,
  isRefusedPayload,
  type Actor,
  type MessageMeta,
} from '../message-definitions';
import { describeIssues, validate, type Validator } from '../message-validators';
import type { CaseAnswer } from '../case-state';
import { registerDecide } from './decide-update';
import { decideAgain } from './decisions';
import { refuse, Refusal, type CaseModel } from './model';
import { payoutRouteOpen, registerPayoutRoute } from './payout-route';
import { registerSignals } from './signals';
import { stateRefusal, type CaseAction } from './allowed';
import { actedOn } from './escalation';

const parse = <I>(validator: Validator<I>, value: unknown): I => {
  if (isRefusedPayload(value)) refuse('refused: the message was not sealed with the encryption key');
  const result = validator(value);
  return result.success ? result.data : refuse(describeIssues(result.issues));
};

export type Update<I> = {
  /** `inHandler`: the handler's own run of the checks (the validator's is not replayed). */
  check: (msg: I, receivedAt: string, inHandler: boolean) => void;
  apply: (msg: I, receivedAt: string, meta?: MessageMeta) => Promise<void> | void;
};

/** Registers one update (the `update` inside registerHandlers), for the modules that add theirs. */
export type RegisterUpdate = <I>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: UpdateDefinition<CaseAnswer, any[]>,
  validator: Validator<I>,
  u: Update<I>,
) => void;

export function registerHandlers(model: CaseModel, publish: () => void): void {
  const { state, policy, order } = model;

  /** One update: the validator and the handler run the same checks; the handler applies and answers. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function update<I>(def: UpdateDefinition<CaseAnswer, any[]>, validator: Validator<I>, u: Update<I>): void {
    const validate = (
      raw: unknown,
      meta?: MessageMeta,
      inHandler = false,
    ): { msg: I; receivedAt: string } => {
      const msg = parse(validator, raw);
      const receivedAt = model.receivedAt(meta?.receivedAt);
      u.check(msg, receivedAt, inHandler);
      return { msg, receivedAt };
    };
    const wrongState = (err: unknown): unknown =>
      err instanceof Refusal
        ? ApplicationFailure.create({ type: 'WrongState', message: err.message, nonRetryable: true })
        : err;
    setHandler(
      def as never,
      (async (raw: unknown, meta?: MessageMeta): Promise<CaseAnswer> => {
        let checked: { msg: I; receivedAt: string };
        try {
          checked = validate(raw, meta, true);
        } catch (err) {
          throw wrongState(err);
        }
        const applied = u.apply(checked.msg, checked.receivedAt, meta);
        // A request the main loop assesses next, in this task (due now, nothing in flight ahead of
        // it), is published once, after its decision (patch `rollup-2`: one upsert fewer per request;
        // the loop publishes after every effect, whatever its outcome).
        if (!model.assessesNext()) publish();
        // An apply that reads something first (a decision's recorded terms) checks again after it.
        if (applied) await applied.catch((err: unknown) => Promise.reject(wrongState(err)));
        // A change that re-evaluates the policy answers with the decision it gives.
        if (model.has('decide')) await condition(() => !model.has('decide'));
        publish();
        return model.answer(meta?.requestHash);
      }) as never,
      { validator: ((raw: unknown, meta?: MessageMeta) => void validate(raw, meta)) as never },
    );
  }

  /** The state's rule for `action` (allowed.ts, which the API's `actions` read too), judged at receivedAt. */
  const rule = (action: CaseAction, receivedAt: string): void => {
    const why = stateRefusal(action, { state, at: Date.parse(receivedAt) });
    if (why) refuse(why);
  };

  // The state, plus what only the model knows: whether support's payout route is open now (so the
  // UI offers it exactly when the update would take it). A query adds nothing to history.
  setHandler(caseStateQuery, () => {
    const reason = payoutRouteOpen(model);
    return reason ? { ...state, payoutRoute: { reason } } : state;
  });

  update(requestRefundUpdate, validate.RequestRefund, {
    check: (_msg, receivedAt) => rule('refund-request', receivedAt),
    apply: async (msg, receivedAt) => {
      state.request = {
        reason: msg.reason,
        ...(msg.description ? { description: msg.description } : {}),
        requestedAt: receivedAt,
      };
      if (policy.payout.anchor === 'request')
        state.deadlines.payoutDeadline = payoutDeadline(policy, { requestedAt: receivedAt });
      model.record(
        'refund_requested',
        `Refund requested: ${msg.reason.replace(/_/g, ' ')}`,
        msg.actor ?? { role: 'customer' },
        { reason: msg.reason, receivedAt },
      );
      model.emailCustomer('request_received', 'request-received', { reason: msg.reason });
      // A request to cancel the subscription cancels it too (billing must not renew what the customer ends).
      if (msg.reason === 'cancel_subscription' && cancellable(receivedAt))
        cancelSubscription(receivedAt, msg.actor ?? { role: 'customer' });
      const assess = model.queue({ kind: 'assess' });
      // Answer with the decision once billing's facts are read, or with the status after the first failed try.
      await condition(() => (!model.effects.includes(assess) && !model.has('decide')) || assess.failures > 0);
    },
  });

  update(reportIssueUpdate, validate.ReportIssue, {
    check: (_msg, receivedAt) => rule('issue', receivedAt),
    apply: (msg, reportedAt) => {
      state.issue = { description: msg.description, reportedAt };
      model.record(
        'issue_reported',
        `Technical issue reported: ${msg.description}`,
        msg.actor ?? { role: 'customer' },
      );
      const deadline = remediationDeadline(policy, reportedAt);
      if (deadline) {
        state.deadlines.remediationDeadline = deadline;
        if (state.status === 'open') model.setStatus('remediation');
      }
      if (state.status === 'under_review') decideAgain(model, 'An issue report changes the facts');
    },
  });

  update(requestInformationUpdate, validate.RequestInformation, {
    check: (_msg, receivedAt) => rule('information-request', receivedAt),
    apply: (msg, requestedAt) => {
      actedOn(model, msg.actor ?? { role: 'reviewer' }, 'information was requested from the customer');
      state.informationRequest = { items: msg.items, requestedAt, ...(msg.note ? { note: msg.note } : {}) };
      // The decision clock waits for complete materials (paused from when support asked).
      model.pauseDecisionClock(requestedAt);
      model.record(
        'information_requested',
        `Support asked for: ${msg.items.join(', ')}`,
        msg.actor ?? { role: 'reviewer' },
        { items: msg.items },
      );
      model.emailCustomer('information_requested', `info-${state.timeline.length}`, {
        items: msg.items,
        note: msg.note,
      });
    },
  });

  update(provideInformationUpdate, validate.ProvideInformation, {
    check: (_msg, receivedAt) => rule('information', receivedAt),
    apply: (msg, at) => {
      state.informationRequest!.providedAt = at;
      model.record(
        'information_provided',
        `Customer provided: ${msg.items.join(', ')}`,
        msg.actor ?? { role: 'customer' },
        { items: msg.items },
      );
      if (model.decisionClock) model.resumeDecisionClock(at);
      else if (state.status === 'under_review') model.startDecisionClock(at);
    },
  });

  update(submitTechnicalReviewUpdate, validate.SubmitTechnicalReview, {
    check: (_msg, receivedAt) => rule('technical-review', receivedAt),
    apply: (msg, at) => {
      actedOn(model, msg.actor ?? { role: 'reviewer' }, 'a technical review was recorded');
      state.technicalReview = { outcome: msg.outcome, ...(msg.notes ? { notes: msg.notes } : {}), at };
      model.record(
        'technical_review',
        `Technical review: ${msg.outcome.replace(/_/g, ' ')}`,
        msg.actor ?? { role: 'reviewer' },
        { outcome: msg.outcome },
      );
      if (msg.outcome === 'remediated' && state.issue && !state.issue.remediatedAt)
        state.issue.remediatedAt = at;
      if (state.status === 'remediation') {
        if (msg.outcome === 'remediated' && !state.request) {
          // Fixed in time: no technical ground; the ordinary window goes on if it is still open.
          delete state.deadlines.remediationDeadline;
          model.setStatus(Date.parse(model.windowClosesAt()) > model.nowMs() ? 'open' : 'expired');
          return;
        }
        if (!state.request) return;
        model.setStatus('under_review');
      }
      decideAgain(model, 'Technical review received');
    },
  });

  registerDecide(model, update);

  update(withdrawUpdate, validate.Withdraw, {
    check: (_msg, receivedAt) => rule('withdrawal', receivedAt),
    apply: (msg) => {
      model.record(
        'withdrawn',
        `The customer withdrew the request${msg.note ? `: ${msg.note}` : ''}`,
        msg.actor ?? { role: 'customer' },
      );
      model.effects.filter((e) => e.kind === 'assess').forEach((e) => model.remove(e));
      model.setStatus('withdrawn');
      state.closed = true;
    },
  });

  update(cancelSubscriptionUpdate, validate.CancelSubscription, {
    // A closed case owes nothing more in billing; its subscription is billing's own business now.
    check: (_msg, receivedAt) => rule('subscription-cancellation', receivedAt),
    apply: (msg, at) => cancelSubscription(at, msg.actor ?? { role: 'customer' }),
  });

  /** A subscription that can still be cancelled: not cancelled yet, its paid period still running. */
  const cancellable = (at: string): boolean =>
    order.billing.kind === 'subscription' &&
    !state.subscription?.cancelRequestedAt &&
    !!model.subscriptionEnd &&
    Date.parse(model.subscriptionEnd) > Date.parse(at);

  /**
   * Cancels the subscription when the policy says (cancelAtPeriodEnd: at the period's end, access
   * until then; otherwise at once, access ending now) and tells billing not to renew it.
   */
  function cancelSubscription(at: string, actor: Actor): void {
    const effectiveAt = cancellationEffectiveAt(policy, order, at);
    const now = Date.parse(effectiveAt) <= Date.parse(at);
    state.subscription = { cancelRequestedAt: at, effectiveAt };
    model.record(
      'subscription_cancel_requested',
      now
        ? 'Subscription cancelled at once, as the policy says; access ends now'
        : `Subscription cancelled; access continues until ${effectiveAt}`,
      actor,
    );
    model.queue({ kind: 'cancel_subscription', periodEnd: effectiveAt });
    model.emailCustomer('subscription_cancelled', 'subscription-cancelled', {
      effectiveAt,
      ...(now ? { immediately: true } : {}),
    });
  }

  update(disputeUpdate, validate.Dispute, {
    check: (_msg, receivedAt) => rule('dispute', receivedAt),
    apply: (msg, disputedAt) => {
      state.dispute = { disputedAt, description: msg.description };
      delete state.deadlines.disputeWindowEndsAt;
      state.closed = false;
      model.record(
        'disputed',
        `The customer disputed the denial: ${msg.description}`,
        msg.actor ?? { role: 'customer' },
      );
      // A new question before a person: its own decision clock (the request's has run or never ran).
      model.restartDecisionClock();
      model.setStatus('under_review');
      decideAgain(model, 'A dispute puts the denial before a person');
    },
  });

  registerSignals(model, publish);
  registerPayoutRoute(model, update);
}
