// The case's message handlers. Each one validates (the validator runs the same checks, so a
// refused update never reaches history), changes the case in one synchronous step, queues the
// effects the change owes and answers. No handler awaits an activity; the one wait is the
// refund request's, for billing's facts (a condition on the queue, not a lock): it answers with
// the decision, or with the status when billing is slow and the case decides later.
import {
  ApplicationFailure,
  condition,
  log,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod/mini';
import { cancellationEffectiveAt, payoutDeadline, remediationDeadline } from '../../policies/clocks';
import { checkReviewerChoice, type Decision, type DecisionRoute } from '../../policies/evaluate';
import {
  CancelSubscriptionSchema,
  ChargebackSchema,
  DecideSchema,
  IncidentConfirmedSchema,
  PaymentUpdateSchema,
  ProvideInformationSchema,
  ReportIssueSchema,
  RequestInformationSchema,
  RequestRefundSchema,
  SubmitTechnicalReviewSchema,
  WithdrawSchema,
  cancelSubscriptionUpdate,
  caseStateQuery,
  chargebackSignal,
  decideUpdate,
  disputeUpdate,
  DisputeSchema,
  incidentConfirmedSignal,
  paymentUpdateSignal,
  usageReportedSignal,
  UsageReportedSchema,
  provideInformationUpdate,
  reportIssueUpdate,
  requestInformationUpdate,
  requestRefundUpdate,
  submitTechnicalReviewUpdate,
  withdrawUpdate,
  isRefusedPayload,
  type Actor,
  type DecideInput,
  type IncidentConfirmed,
  type MessageMeta,
  type SignalMeta,
} from '../messages';
import type { CaseAnswer } from '../case-state';
import { escalatedKey, nextDeadlineKey, outcomeKey, statusKey } from '../search-attributes';
import { chargebackAfterClose, paymentEventAfterResolution } from './after-close';
import type { DecisionTerms } from '../../activities/decide';
import { decider } from './decider';
import { applyDecision, decideAgain } from './decisions';
import { plusDays, refuse, Refusal, type CaseModel } from './model';
import { settle, startPayout } from './payout';
import { payoutRouteOpen, registerPayoutRoute } from './payout-route';

/** Unsealed signals recorded on a case's timeline; later ones are only logged. */
const MAX_REFUSED_RECORDED = 20;

const parse = <S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> => {
  if (isRefusedPayload(value)) refuse('refused: the message was not sealed with the encryption key');
  const result = schema.safeParse(value);
  if (!result.success)
    refuse(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data as z.infer<S>;
};

/**
 * The search attributes support lists by, upserted only when one changed (fewer history events).
 * `primed`: a run continued from another starts from the values that run published (continue-as-new
 * carries the search attributes), so it upserts nothing until one changes.
 */
export function publisher(model: CaseModel, primed = false, slim = false): () => void {
  if (slim) return slimPublisher(model);
  const current = () => {
    const { state } = model;
    state.nextDeadline = model.businessDeadline();
    return [
      state.status,
      state.escalated,
      state.nextDeadline ?? null,
      state.decision?.outcome ?? null,
    ] as const;
  };
  let last = primed ? JSON.stringify(current()) : '';
  return () => {
    const values = current();
    const key = JSON.stringify(values);
    if (key === last) return;
    last = key;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: statusKey, value: values[0] },
      { key: escalatedKey, value: values[1] },
      { key: nextDeadlineKey, value: values[2] ? new Date(values[2]) : null },
      { key: outcomeKey, value: values[3] },
    ];
    upsertSearchAttributes(pairs);
  };
}

/**
 * Patch `slim-search-attributes` (README, "Changing the workflow safely"): each search attribute is
 * upserted only when its own value changed, and the values already on the execution (set by the
 * client's start, or carried by continue-as-new) count as published, so no upsert repeats them.
 */
function slimPublisher(model: CaseModel): () => void {
  const keys = [statusKey, escalatedKey, nextDeadlineKey, outcomeKey] as const;
  const on = workflowInfo().typedSearchAttributes;
  const published = keys.map((key) => {
    const value: unknown = on.get(key);
    return JSON.stringify(value instanceof Date ? value.toISOString() : (value ?? null));
  });
  return () => {
    const { state } = model;
    state.nextDeadline = model.businessDeadline();
    const values = [
      state.status,
      state.escalated,
      state.nextDeadline ?? null,
      state.decision?.outcome ?? null,
    ];
    const pairs: SearchAttributeUpdatePair[] = [];
    values.forEach((value, i) => {
      const json = JSON.stringify(value);
      if (json === published[i]) return;
      published[i] = json;
      const key = keys[i]!;
      pairs.push({
        key,
        value: key === nextDeadlineKey && value ? new Date(value as string) : value,
      } as SearchAttributeUpdatePair);
    });
    if (pairs.length > 0) upsertSearchAttributes(pairs);
  };
}

type Update<I> = {
  /** `inHandler`: the handler's own run of the checks (the validator's is not replayed). */
  check: (msg: I, receivedAt: string, inHandler: boolean) => void;
  apply: (msg: I, receivedAt: string, meta?: MessageMeta) => Promise<void> | void;
};

export function registerHandlers(model: CaseModel, publish: () => void): void {
  const { state, policy, order } = model;

  /** One update: the validator and the handler run the same checks; the handler applies and answers. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function update<I>(def: UpdateDefinition<CaseAnswer, any[]>, schema: z.ZodMiniType<I>, u: Update<I>): void {
    const validate = (
      raw: unknown,
      meta?: MessageMeta,
      inHandler = false,
    ): { msg: I; receivedAt: string } => {
      const msg = parse(schema, raw);
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
        publish();
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

  // The state, plus what only the model knows: whether support's payout route is open now (so the
  // UI offers it exactly when the update would take it). A query adds nothing to history.
  setHandler(caseStateQuery, () => {
    const reason = payoutRouteOpen(model);
    return reason ? { ...state, payoutRoute: { reason } } : state;
  });

  update(requestRefundUpdate, RequestRefundSchema, {
    check: () => {
      if (state.request) refuse('a refund request is already on this case');
      model.whileIn(['open', 'remediation', 'expired', 'not_refundable'], 'request a refund');
    },
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

  update(reportIssueUpdate, ReportIssueSchema, {
    check: (_msg, receivedAt) => {
      if (state.issue) refuse('an issue is already reported on this case');
      model.whileIn(['open', 'under_review'], 'report an issue');
      if (Date.parse(model.windowClosesAt()) <= Date.parse(receivedAt))
        refuse(`the request window closed at ${model.windowClosesAt()}`);
    },
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

  update(requestInformationUpdate, RequestInformationSchema, {
    check: () => {
      model.whileIn(['under_review', 'remediation'], 'ask for information');
      if (state.informationRequest && !state.informationRequest.providedAt)
        refuse('information was already requested and has not arrived');
    },
    apply: (msg, requestedAt) => {
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

  update(provideInformationUpdate, ProvideInformationSchema, {
    check: () => {
      if (!state.informationRequest || state.informationRequest.providedAt)
        refuse('no information was requested on this case');
    },
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

  update(submitTechnicalReviewUpdate, SubmitTechnicalReviewSchema, {
    check: () => model.whileIn(['under_review', 'remediation'], 'submit a technical review'),
    apply: (msg, at) => {
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

  const rerouting = (): boolean =>
    state.status === 'approved' && (state.payout?.status === 'failed' || model.remedyFailed);
  /** The decide update's checks: the case's state, then the policy's bounds on the reviewer's choice. */
  function checkDecide(msg: DecideInput, inHandler: boolean): void {
    const reroute = rerouting();
    if (!reroute) model.whileIn(['under_review'], 'decide');
    if (reroute && msg.outcome === 'denied')
      refuse('an approved refund whose payout failed needs another route, not a denial');
    checkAmount(msg);
    // The policy's bounds, on every route and whatever decision the case holds (DESIGN: "A
    // reviewer's bounds are the policy's"): derived from the policy and the case's facts now.
    if (!state.request) refuse('no refund request on this case');
    if (reroute) return checkReroute(msg);
    // The validator checked the policy's bounds on this very state; the handler's replay must not
    // judge an accepted decision again with whatever policies/ code runs then (a later change of
    // the bounds would refuse, on replay, what was decided). Old histories check as they did.
    if (inHandler && model.recordDecisions()) return;
    const input = model.evaluationInput();
    // A billing error is corrected up to the amount support found charged in error, never more.
    if (msg.billingErrorMinor !== undefined)
      input.facts = { ...input.facts, billingErrorMinor: msg.billingErrorMinor };
    const problem = checkReviewerChoice(policy, input, decisionRoute(), {
      outcome: msg.outcome,
      ...(msg.amountMinor !== undefined ? { amountMinor: msg.amountMinor } : {}),
      ...(msg.extensionDays !== undefined ? { extensionDays: msg.extensionDays } : {}),
    });
    if (problem) refuse(problem);
  }
  update(decideUpdate, DecideSchema, {
    check: (msg, _receivedAt, inHandler) => checkDecide(msg, inHandler),
    apply: async (msg) => {
      // The deadlines this decision sets (payout limit, dispute window) come from the policy's
      // calendar: read by the recorded local activity, then checked again (a message may have
      // moved the case meanwhile; nothing is changed before).
      let terms: DecisionTerms | undefined;
      if (!rerouting() && model.recordDecisions()) {
        const at = model.now();
        terms = await decider.decisionTerms({ policy, requestedAt: state.request!.requestedAt, at });
        checkDecide(msg, true);
      }
      const actor = msg.actor ?? { role: 'reviewer' };
      const amountMinor =
        msg.outcome === 'full_refund'
          ? model.cashPaidMinor
          : msg.outcome === 'denied' || msg.outcome === 'service_extension'
            ? 0
            : msg.amountMinor!;
      model.remedyFailed = false;
      if (
        state.payout?.status === 'failed' &&
        state.status === 'approved' &&
        (msg.outcome === 'full_refund' || msg.outcome === 'partial_refund')
      ) {
        model.record('payout_rerouted', `Support retries the payout: ${msg.note}`, actor);
        state.decision = {
          ...state.decision!,
          amountMinor,
          note: msg.note,
          decidedAt: model.now(),
          decidedBy: actor,
        };
        startPayout(model, amountMinor);
        return;
      }
      const base: Decision = state.decision ?? {
        outcome: 'needs_review',
        amountMinor: 0,
        currency: order.currency,
        reasons: [],
        policyId: policy.id,
        policyVersion: policy.version,
        explanations: [],
      };
      const reasons: Decision['reasons'] = base.reasons.includes('DISCRETIONARY_REVIEW')
        ? [...base.reasons]
        : [...base.reasons, 'DISCRETIONARY_REVIEW'];
      const explanations = base.reasons.includes('DISCRETIONARY_REVIEW')
        ? base.explanations
        : [...base.explanations, 'Decided by a reviewer'];
      applyDecision(
        model,
        {
          ...base,
          outcome: msg.outcome,
          amountMinor,
          reasons,
          explanations,
          ...(msg.outcome === 'credit' ? { creditMinor: amountMinor } : {}),
          ...(msg.extensionDays ? { extensionDays: msg.extensionDays } : {}),
        },
        actor,
        msg.note,
        terms,
        msg.customerMessage,
      );
    },
  });
  /**
   * Another route for an approved remedy whose payout or billing change failed: the value decided
   * stands (a refund or credit of at most the approved amount, or a service extension instead);
   * the policy's bounds were checked when it was approved.
   */
  function checkReroute(msg: DecideInput): void {
    const approved = state.decision!.amountMinor || (state.decision!.creditMinor ?? 0);
    const amount = msg.outcome === 'full_refund' ? model.cashPaidMinor : (msg.amountMinor ?? 0);
    if (msg.outcome !== 'service_extension' && amount > approved)
      refuse(`amountMinor: at most ${approved}, the amount approved, on another route`);
  }
  /** Where a person's decision comes from: a dispute of a denial, an escalated case, or the review. */
  function decisionRoute(): DecisionRoute {
    if (state.dispute) return 'dispute';
    return state.escalated ? 'escalation' : 'review';
  }
  function checkAmount(msg: DecideInput): void {
    const amount = msg.amountMinor;
    const cash = model.cashPaidMinor;
    if ((msg.outcome === 'partial_refund' || msg.outcome === 'credit') && amount === undefined)
      refuse(`amountMinor: required for ${msg.outcome}`);
    if (msg.outcome === 'partial_refund' && amount !== undefined && (amount <= 0 || amount > cash))
      refuse(`amountMinor: must be between 1 and the cash paid (${cash})`);
    if (msg.outcome === 'full_refund' && amount !== undefined && amount !== cash)
      refuse(`amountMinor: a full refund is the cash paid (${cash})`);
    if (msg.outcome === 'service_extension' && !msg.extensionDays)
      refuse('extensionDays: required for a service extension');
    if (msg.outcome === 'denied' && amount) refuse('amountMinor: a denial moves no money');
  }

  update(withdrawUpdate, WithdrawSchema, {
    check: () => model.whileIn(['remediation', 'under_review'], 'withdraw'),
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

  update(cancelSubscriptionUpdate, CancelSubscriptionSchema, {
    check: (_msg, receivedAt) => {
      if (order.billing.kind !== 'subscription') refuse('billing: this order is not a subscription');
      // A closed case owes nothing more in billing; its subscription is billing's own business now.
      if (state.closed) refuse(`the case is closed (${state.status}); cancel the subscription in billing`);
      if (state.subscription?.cancelRequestedAt) refuse('the subscription is already cancelled');
      if (model.subscriptionEnd && Date.parse(model.subscriptionEnd) <= Date.parse(receivedAt))
        refuse(`the billing period already ended at ${model.subscriptionEnd}`);
    },
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

  update(disputeUpdate, DisputeSchema, {
    check: (_msg, receivedAt) => {
      if (state.dispute) refuse('the denial was already disputed');
      if (state.decision?.outcome !== 'denied')
        refuse(`only a denial can be disputed (the case is ${state.status})`);
      const until = state.deadlines.disputeWindowEndsAt;
      if (!until || Date.parse(receivedAt) > Date.parse(until))
        refuse(`the dispute period ended${until ? ` at ${until}` : ''}`);
    },
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

  // Signals never fail the workflow task: a malformed one is refused on the timeline, repeats are recognised.
  function signal<I>(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    def: SignalDefinition<any[]>,
    schema: z.ZodMiniType<I>,
    name: string,
    keyOf: (msg: I) => string | undefined,
    apply: (msg: I, actor: Actor) => void,
    defaultActor: Actor = { role: 'gateway' },
  ): void {
    setHandler(
      def as never,
      ((raw: unknown, meta?: SignalMeta) => {
        // An unsealed payload (a plain signal sent straight to Temporal, decoded by the codec into
        // its refusal marker) is dropped; the first MAX_REFUSED_RECORDED are kept on the timeline,
        // so a flood cannot grow the case without bound.
        if (isRefusedPayload(raw)) {
          log.warn('unsealed signal refused', { signal: name });
          if (++model.refusedSignals <= MAX_REFUSED_RECORDED) {
            model.record(
              'message_refused',
              `A ${name} signal was refused: it was not sealed with the encryption key`,
              { role: 'system' },
              { signal: name },
            );
            publish();
          }
          return;
        }
        const parsed = schema.safeParse(raw);
        const actor = ((parsed.success ? (parsed.data as { actor?: Actor }).actor : undefined) ??
          defaultActor) as Actor;
        if (!parsed.success) {
          log.warn(`malformed ${name} refused`, { issues: parsed.error.issues.length });
          model.record(
            'message_refused',
            `A ${name} message was refused: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
            actor,
          );
          publish();
          return;
        }
        const dedupe = meta?.dedupeKey ? `${name}:key:${meta.dedupeKey}` : undefined;
        const own = keyOf(parsed.data);
        if (!model.firstSight(dedupe) || !model.firstSight(own ? `${name}:${own}` : undefined)) return;
        apply(parsed.data, actor);
        publish();
      }) as never,
    );
  }

  signal(
    paymentUpdateSignal,
    PaymentUpdateSchema,
    'paymentUpdate',
    (u) => u.eventId,
    (u, actor) => {
      const payout = state.payout;
      if (payout?.status === 'creating' && !payout.refundId) {
        // The event overtook the create call's answer (or the answer was lost): keep it for when
        // the refund id is known, and hurry a waiting retry, which asks the gateway first.
        model.record(
          'payment_update_early',
          `Gateway event (${u.status}) for refund ${u.refundId} before the payout's answer; kept`,
          actor,
        );
        model.earlyEvents = [
          ...model.earlyEvents.slice(-9),
          {
            refundId: u.refundId,
            status: u.status,
            ...(u.failureReason ? { failureReason: u.failureReason } : {}),
          },
        ];
        if (payout.outcomeUnknown)
          model.effects
            .filter((e) => e.kind === 'payout' && !e.inFlight)
            .forEach((e) => (e.dueAt = model.now()));
        return;
      }
      if (paymentEventAfterResolution(model, settlementOf(u), actor)) return;
      settleSignal(u, actor);
    },
  );
  const settlementOf = (u: z.infer<typeof PaymentUpdateSchema>) => ({
    refundId: u.refundId,
    status: u.status,
    ...(u.failureReason ? { failureReason: u.failureReason } : {}),
  });
  const settleSignal = (u: z.infer<typeof PaymentUpdateSchema>, actor: Actor): void =>
    settle(model, settlementOf(u), 'webhook', actor);

  signal(
    chargebackSignal,
    ChargebackSchema,
    'chargeback',
    () => undefined,
    ({ active, reference }, actor) => {
      if (state.chargebackActive === active) return;
      state.chargebackActive = active;
      model.record(
        active ? 'chargeback_opened' : 'chargeback_withdrawn',
        active ? `Chargeback opened${reference ? ` (${reference})` : ''}` : 'Chargeback withdrawn',
        actor,
      );
      if (active)
        model.tellSupport(
          'chargeback',
          `chargeback-${state.timeline.length}`,
          'A chargeback was opened on this order',
        );
      if (active && (state.status === 'under_review' || state.status === 'remediation'))
        decideAgain(model, 'An active chargeback blocks the refund');
      chargebackAfterClose(model, active, reference);
    },
  );

  signal(
    incidentConfirmedSignal,
    IncidentConfirmedSchema,
    'incidentConfirmed',
    (i) => i.incidentId,
    (incident, actor) => {
      if (!incidentCovers(incident))
        return model.record('incident_ignored', `Incident ${incident.incidentId} does not cover this order`);
      const confirmedAt = model.now();
      state.incidents.push({
        incidentId: incident.incidentId,
        confirmedAt,
        description: incident.description,
      });
      model.record(
        'incident_confirmed',
        `Confirmed incident ${incident.incidentId}: ${incident.description}`,
        actor,
      );
      if (state.status === 'expired' && !state.request) {
        // A confirmed incident reopens the window: the pro-rata clause applies beyond the 7 days.
        state.deadlines.requestWindowEndsAt = plusDays(confirmedAt, policy.window.days, policy);
        state.closed = false;
        model.setStatus('open');
      } else if ((state.status === 'under_review' || state.status === 'remediation') && state.request) {
        model.setStatus('under_review');
        decideAgain(model, 'A confirmed incident gives the technical-availability ground');
      }
    },
    { role: 'reviewer' },
  );

  signal(
    usageReportedSignal,
    UsageReportedSchema,
    'usageReported',
    () => undefined,
    ({ used }) => {
      // Before billing's first read there is nothing to update: that read finds the figure itself.
      if (!model.snapshot) return;
      model.snapshot = { ...model.snapshot, usage: { used } };
      // DESIGN: "Money never moves on unknown facts" — and once the fact is known, the case decides.
      if (state.status === 'under_review' && state.decision?.reasons.includes('USAGE_UNKNOWN')) {
        model.record(
          'usage_reported',
          `Billing reports usage: ${used}${order.quota ? ` ${order.quota.unit}` : ''}`,
        );
        decideAgain(model, 'The usage figure the decision waited for arrived');
      }
    },
    { role: 'checkout' },
  );
  registerPayoutRoute(model, update);

  function incidentCovers(incident: IncidentConfirmed): boolean {
    if (incident.productId && order.productId && incident.productId !== order.productId) return false;
    const serviceTo = Date.parse(
      model.subscriptionEnd ?? state.deadlines.incidentCoverEndsAt ?? model.windowEnd,
    );
    return Date.parse(incident.from) <= serviceTo && Date.parse(incident.to) >= Date.parse(order.purchasedAt);
  }
}
