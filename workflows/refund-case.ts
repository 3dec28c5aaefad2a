// The refund case: one durable workflow per purchase. It keeps the policy's clocks as absolute
// deadlines, takes every decision from policies/evaluate, and moves money through activities.
//
// Handlers are transactions: each message runs under one mutex, so an update that calls
// activities never interleaves with another message or with a deadline firing. The main loop
// only waits for the earliest deadline (a condition with a timeout, never a polling loop) and
// runs what falls due.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { Mutex } from 'async-mutex';
import type { z } from 'zod';
import {
  checkReviewerDecision,
  decisionDeadline,
  evaluate,
  formatMinor,
  payoutDeadline,
  remediationDeadline,
  requestWindowEndsAt,
  type Decision,
  type EvaluationInput,
} from '../policies';
import type { AccountSnapshot, RefundActivities, RefundResult } from '../activities/contract';
import { NonRetryableErrors } from '../activities/contract';
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
  incidentConfirmedSignal,
  paymentUpdateSignal,
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
  type PaymentUpdate,
} from './messages';
import type { CaseState, CaseStatus, StartCaseInput } from './case-state';
import {
  customerKey,
  escalatedKey,
  nextDeadlineKey,
  outcomeKey,
  policyKey,
  productKey,
  purchasedAtKey,
  statusKey,
} from './search-attributes';

const nonRetryableErrorTypes = Object.values(NonRetryableErrors);

// Emails and support notices: cheap, idempotent by key; keep trying for a while, never block the case.
const notify = proxyActivities<RefundActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes },
});
// Billing reads and writes: short calls; the company's billing system may be briefly down.
const billing = proxyActivities<RefundActivities>({
  startToCloseTimeout: '20 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes },
});
// Money movement: idempotency keys make every retry safe, so retry until the gateway answers.
const payments = proxyActivities<RefundActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '20 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes },
});

/** When the case checks the gateway itself if no webhook arrived: soon, then rarely. */
const SETTLEMENT_CHECKS_MS = [30_000, 5 * 60_000, 60 * 60_000];
const SETTLEMENT_CHECK_STEADY_MS = 6 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
/** How long after purchase a confirmed incident can still reach a case, when the policy has incidents. */
const DEFAULT_INCIDENT_COVER_DAYS = 30;
/** A final-sale case has no window (0 days) but still answers a request with its reasons for this long. */
const FINAL_SALE_ANSWER_DAYS = 7;

const SYSTEM: Actor = { role: 'system' };
/** Unsealed signals recorded on a case's timeline; later ones are only logged. */
const MAX_REFUSED_RECORDED = 20;

type Wake = { at: string; label: string; run: () => Promise<void> };

export async function refundCase(input: StartCaseInput): Promise<CaseState> {
  // A start forged without the encryption key fails at once rather than failing its tasks for ever.
  if (isRefusedPayload(input)) throw ApplicationFailure.nonRetryable('refused: the start input was not sealed with the encryption key', 'RefusedPayload');
  const { policy, order } = input;
  const { workflowId } = workflowInfo();
  const lock = new Mutex();
  const now = (): string => new Date().toISOString();
  const cashPaidMinor = order.amountMinor - (order.promoCreditMinor ?? 0);
  const seenPaymentEvents = new Set<string>();
  let snapshot: AccountSnapshot | undefined;
  let version = 0;
  let settlementChecks = 0;
  let nextSettlementCheckAt: string | undefined;

  const windowEnd = requestWindowEndsAt(policy, order);
  const subscriptionEnd = order.billing.kind === 'subscription' ? order.billing.periodEnd : undefined;
  const state: CaseState = {
    orderId: order.orderId,
    workflowId,
    customerId: order.customerId,
    productId: order.productId,
    status: policy.allSalesFinal ? 'not_refundable' : 'open',
    policyId: policy.id,
    policyVersion: policy.version,
    fingerprint: input.fingerprint,
    currency: order.currency,
    paidMinor: cashPaidMinor,
    deadlines: {
      requestWindowEndsAt: windowEnd,
      subscriptionEndsAt: subscriptionEnd,
      incidentCoverEndsAt: policyHasIncidents()
        ? laterOf(windowEnd, subscriptionEnd ?? plusDays(order.purchasedAt, DEFAULT_INCIDENT_COVER_DAYS))
        : undefined,
    },
    escalated: false,
    escalations: [],
    chargebackActive: false,
    incidents: [],
    timeline: [],
    closed: false,
  };

  // ---- state helpers ------------------------------------------------------------------

  function record(type: string, summary: string, actor: Actor = SYSTEM, data?: Record<string, unknown>): void {
    state.timeline.push({ at: now(), type, actor, summary, ...(data ? { data } : {}) });
    version++;
  }

  function setStatus(status: CaseStatus): void {
    if (state.status === status) return;
    const from = state.status;
    state.status = status;
    record('status_changed', `${from} → ${status}`, SYSTEM, { from, to: status });
  }

  function publish(): void {
    state.nextDeadline = businessDeadline();
    const pairs: SearchAttributeUpdatePair[] = [
      { key: statusKey, value: state.status },
      { key: escalatedKey, value: state.escalated },
      { key: nextDeadlineKey, value: state.nextDeadline ? new Date(state.nextDeadline) : null },
      { key: outcomeKey, value: state.decision?.outcome ?? null },
    ];
    upsertSearchAttributes(pairs);
  }

  function policyHasIncidents(): boolean {
    const refund = policy.refund;
    return !policy.allSalesFinal && refund.basis === 'technical_ground' && (refund.incidentsCount || !!refund.incidentBeyondWindow);
  }

  function windowClosesAt(): string {
    // An issue reported inside the window carries the request until its remediation clock runs out.
    return laterOf(state.deadlines.requestWindowEndsAt, state.deadlines.remediationDeadline) ?? now();
  }

  function evaluationInput(extra: Partial<NonNullable<EvaluationInput['facts']>> = {}): EvaluationInput {
    const request = state.request!;
    return {
      order,
      request: { requestedAt: request.requestedAt, reason: request.reason as EvaluationInput['request']['reason'] },
      ...(snapshot?.usage ? { usage: snapshot.usage } : {}),
      asOf: now(),
      facts: {
        issueReportedAt: state.issue?.reportedAt,
        remediatedAt: state.issue?.remediatedAt,
        incidentConfirmed: state.incidents.length > 0,
        chargebackActive: state.chargebackActive || (snapshot?.chargebackActive ?? false),
        termsViolation: snapshot?.termsViolation ?? false,
        abuseSuspected: snapshot?.abuseSuspected ?? false,
        refundsInLast90Days: snapshot?.refundsInLast90Days ?? 0,
        ...(state.technicalReview ? { technicalReview: state.technicalReview.outcome as never } : {}),
        ...extra,
      },
    } as EvaluationInput;
  }

  // ---- effects ------------------------------------------------------------------------

  const key = (what: string): string => `${workflowId}:${what}`;
  const ref = { orderId: order.orderId, customerId: order.customerId };

  async function emailCustomer(kind: Parameters<RefundActivities['sendCustomerEmail']>[0]['kind'], tag: string, data: Record<string, unknown>): Promise<void> {
    try {
      await notify.sendCustomerEmail({ ...ref, kind, idempotencyKey: key(`email:${tag}`), data: { ...data, orderId: order.orderId } });
      record('customer_emailed', `Customer told: ${kind.replace(/_/g, ' ')}`, SYSTEM, { kind });
    } catch (err) {
      // A message that cannot be delivered never blocks the case; support sees it in the timeline.
      // The failure's type only: an SMTP server's own words often carry the recipient's address.
      record('email_failed', `Customer email "${kind}" could not be sent (${failureType(err) ?? 'delivery failed'})`);
    }
  }

  async function tellSupport(kind: Parameters<RefundActivities['notifySupport']>[0]['kind'], tag: string, reason: string, data: Record<string, unknown> = {}): Promise<void> {
    try {
      await notify.notifySupport({ ...ref, kind, reason, idempotencyKey: key(`support:${tag}`), data: { ...data, status: state.status } });
      record('support_notified', `Support told: ${reason}`, SYSTEM, { kind });
    } catch (err) {
      record('email_failed', `Support notice "${kind}" could not be sent (${failureType(err) ?? 'delivery failed'})`);
    }
  }

  async function escalate(tag: string, reason: string): Promise<void> {
    if (state.escalations.some((e) => e.reason === reason)) return;
    state.escalated = true;
    state.escalations.push({ at: now(), reason });
    record('escalated', reason);
    publish();
    await tellSupport('escalation', tag, reason, { deadlines: state.deadlines });
  }

  async function fetchSnapshot(): Promise<void> {
    try {
      snapshot = await billing.getAccountSnapshot(ref);
    } catch (err) {
      if (failureType(err) !== NonRetryableErrors.UnknownOrder) throw err;
      record('billing_unknown_order', 'Billing does not know this order; deciding on the facts the case has');
      snapshot = { chargebackActive: false, refundsInLast90Days: 0, termsViolation: false, abuseSuspected: false };
    }
  }

  function startDecisionClock(from: string): void {
    state.deadlines.decisionDeadline = decisionDeadline(policy, from);
  }

  /** Applies a decision: mechanical ones at once, needs_review waits for a person. */
  async function applyDecision(decision: Decision, decidedBy: Actor, note?: string): Promise<void> {
    state.decision = { ...decision, decidedAt: now(), decidedBy, ...(note ? { note } : {}) };
    record('decision', `${decision.outcome.replace(/_/g, ' ')}${decision.reasons.length ? ` (${decision.reasons.join(', ')})` : ''}`, decidedBy, {
      outcome: decision.outcome,
      amountMinor: decision.amountMinor,
      reasons: decision.reasons,
    });

    if (decision.outcome === 'needs_review') {
      const waitingForRemediation = decision.reasons.includes('REMEDIATION_PENDING') && state.status === 'remediation';
      if (!waitingForRemediation) {
        setStatus('under_review');
        if (!state.informationRequest || state.informationRequest.providedAt) startDecisionClock(now());
        await tellSupport('needs_review', `review-${state.timeline.length}`, `Review needed: ${decision.reasons.join(', ')}`, {
          reasons: decision.reasons,
        });
      }
      publish();
      return;
    }

    const emailData = {
      outcome: decision.outcome,
      amountMinor: decision.amountMinor,
      currency: decision.currency,
      reasons: decision.reasons,
      explanations: decision.explanations,
      extensionDays: decision.extensionDays,
    };
    const decisionTag = `decision-${state.timeline.length}`;
    switch (decision.outcome) {
      case 'denied':
        if (state.status !== 'not_refundable') setStatus('denied');
        state.closed = true;
        publish();
        await emailCustomer('decision', decisionTag, emailData);
        return;
      case 'credit': {
        setStatus('approved');
        publish();
        const credit = await billing.issueCredit({ ...ref, amountMinor: decision.creditMinor ?? decision.amountMinor, currency: order.currency, idempotencyKey: key('credit') });
        record('credit_issued', `Account credit of ${formatMinor(decision.creditMinor ?? decision.amountMinor, order.currency)} issued`, SYSTEM, credit);
        setStatus('credited');
        state.closed = true;
        publish();
        await emailCustomer('decision', decisionTag, emailData);
        return;
      }
      case 'service_extension': {
        setStatus('approved');
        publish();
        const days = decision.extensionDays ?? 0;
        const extension = await billing.grantServiceExtension({ ...ref, days, idempotencyKey: key('extension') });
        record('service_extended', `Service extended by ${days} days`, SYSTEM, extension);
        setStatus('extended');
        state.closed = true;
        publish();
        await emailCustomer('decision', decisionTag, emailData);
        return;
      }
      case 'full_refund':
      case 'partial_refund': {
        const approvedAt = now();
        setStatus('approved');
        state.deadlines.payoutDeadline = payoutDeadline(policy, { requestedAt: state.request?.requestedAt ?? approvedAt, approvedAt });
        publish();
        await emailCustomer('decision', decisionTag, emailData);
        if (policy.access.withdrawOnApproval) {
          await billing.withdrawAccess({ ...ref, idempotencyKey: key('withdraw-access') });
          record('access_withdrawn', 'Access to the service withdrawn, as the policy requires on approval');
        }
        await startPayout(decision.amountMinor);
        return;
      }
    }
  }

  async function startPayout(amountMinor: number): Promise<void> {
    const attempt = (state.payout?.attempt ?? 0) + 1;
    const idempotencyKey = key(`refund:${attempt}`);
    state.payout = { attempt, idempotencyKey, status: 'creating', amountMinor, currency: order.currency, createdAt: now() };
    let result: RefundResult;
    try {
      result = await payments.createRefund({ ...ref, amountMinor, currency: order.currency, paymentMethod: order.paymentMethod, idempotencyKey });
    } catch (err) {
      await payoutFailed(failureType(err) ?? 'gateway_error', failureMessage(err));
      return;
    }
    state.payout.refundId = result.refundId;
    record('payout_sent', `Refund of ${formatMinor(amountMinor, order.currency)} sent to the original payment method`, SYSTEM, { refundId: result.refundId, attempt });
    setStatus('payout_pending');
    settlementChecks = 0;
    nextSettlementCheckAt = plusMs(now(), SETTLEMENT_CHECKS_MS[0]!);
    publish();
    await emailCustomer('payout_sent', `payout-sent-${attempt}`, { amountMinor, currency: order.currency });
    await settle(result);
  }

  async function settle(result: RefundResult): Promise<void> {
    const payout = state.payout;
    if (!payout || payout.refundId !== result.refundId || payout.status === 'succeeded' || payout.status === 'failed') return;
    if (result.status === 'pending') {
      payout.status = 'pending';
      return;
    }
    if (result.status === 'succeeded') {
      payout.status = 'succeeded';
      payout.settledAt = now();
      record('payout_settled', `Refund settled at the gateway`, { role: 'gateway' }, { refundId: result.refundId });
      setStatus('paid');
      state.closed = true;
      publish();
      await emailCustomer('payout_settled', `payout-settled-${payout.attempt}`, { amountMinor: payout.amountMinor, currency: payout.currency });
      return;
    }
    await payoutFailed(result.failureReason ?? result.status, `the gateway reported the refund ${result.status}`);
  }

  async function payoutFailed(reasonCode: string, message: string): Promise<void> {
    const payout = state.payout!;
    payout.status = 'failed';
    payout.failureReason = reasonCode;
    nextSettlementCheckAt = undefined;
    record('payout_failed', `Payout failed (${reasonCode}): ${message}. Support must choose another route.`, { role: 'gateway' });
    setStatus('approved');
    state.escalated = true;
    state.escalations.push({ at: now(), reason: `payout failed: ${reasonCode}` });
    publish();
    await tellSupport('payout_failed', `payout-failed-${payout.attempt}`, `Payout failed (${reasonCode}); choose another route`, {
      failureReason: reasonCode,
      amountMinor: payout.amountMinor,
    });
  }

  async function decideAgain(reason: string): Promise<void> {
    if (!state.request) return;
    record('reevaluated', reason);
    await applyDecision(evaluate(policy, evaluationInput()), SYSTEM);
  }

  // ---- deadlines ----------------------------------------------------------------------

  /** The earliest policy deadline the case is waiting on (for support and the search attribute). */
  function businessDeadline(): string | undefined {
    const d = state.deadlines;
    switch (state.status) {
      case 'open':
        return windowClosesAt();
      case 'remediation':
        return d.remediationDeadline;
      case 'under_review':
        return state.escalated ? undefined : d.decisionDeadline;
      case 'approved':
      case 'payout_pending':
        return state.escalations.some((e) => e.reason.startsWith('payout limit')) ? undefined : d.payoutDeadline;
      default:
        return undefined;
    }
  }

  function nextWake(): Wake | undefined {
    const wakes: Wake[] = [];
    const d = state.deadlines;
    // A closed case waits only for its subscription to end; status clocks are over.
    switch (state.closed ? 'closed' : state.status) {
      case 'open':
        wakes.push({ at: windowClosesAt(), label: 'request window', run: onWindowClosed });
        break;
      case 'not_refundable':
        if (!state.decision)
          wakes.push({ at: laterOf(windowClosesAt(), plusDays(order.purchasedAt, FINAL_SALE_ANSWER_DAYS))!, label: 'final-sale answer period', run: async () => void close('final-sale answer period over') });
        break;
      case 'remediation':
        if (d.remediationDeadline) wakes.push({ at: d.remediationDeadline, label: 'remediation deadline', run: onRemediationDeadline });
        break;
      case 'under_review':
        if (d.decisionDeadline && !state.escalations.some((e) => e.reason.startsWith('decision deadline')))
          wakes.push({ at: d.decisionDeadline, label: 'decision deadline', run: onDecisionDeadline });
        break;
      case 'payout_pending':
        if (nextSettlementCheckAt) wakes.push({ at: nextSettlementCheckAt, label: 'settlement check', run: checkSettlement });
        if (d.payoutDeadline && !state.escalations.some((e) => e.reason.startsWith('payout limit')))
          wakes.push({ at: d.payoutDeadline, label: 'payout limit', run: onPayoutLimit });
        break;
      case 'expired':
        if (d.incidentCoverEndsAt) wakes.push({ at: d.incidentCoverEndsAt, label: 'incident cover', run: async () => void close('incident cover ended') });
        break;
      default:
        break;
    }
    if (state.subscription?.effectiveAt && !state.subscription.ended)
      wakes.push({ at: state.subscription.effectiveAt, label: 'subscription end', run: onSubscriptionEnd });
    wakes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    return wakes[0];
  }

  async function onWindowClosed(): Promise<void> {
    if (state.status !== 'open' || Date.parse(windowClosesAt()) > Date.now()) return;
    setStatus('expired');
    record('window_closed', 'The request window closed with nothing asked');
    if (!state.deadlines.incidentCoverEndsAt || Date.parse(state.deadlines.incidentCoverEndsAt) <= Date.now()) close('window closed');
    publish();
  }

  async function onRemediationDeadline(): Promise<void> {
    if (state.status !== 'remediation') return;
    record('remediation_deadline_passed', 'The issue was not remediated within the remediation deadline');
    if (state.request) {
      setStatus('under_review');
      await decideAgain('Remediation deadline passed: the technical-availability ground is met');
      return;
    }
    // Nobody asked for money while the clock ran; the window (carried by the issue) is over.
    setStatus('expired');
    if (!state.deadlines.incidentCoverEndsAt || Date.parse(state.deadlines.incidentCoverEndsAt) <= Date.now()) close('window closed');
    publish();
  }

  async function onDecisionDeadline(): Promise<void> {
    if (state.status !== 'under_review') return;
    const onDeadline = policy.decision.onDeadline;
    await escalate('decision-deadline', `decision deadline passed (${state.deadlines.decisionDeadline})`);
    if (onDeadline === 'auto_deny') {
      const base = evaluate(policy, evaluationInput());
      await applyDecision({ ...base, outcome: 'denied', amountMinor: 0, reasons: base.reasons.length ? base.reasons : ['DISCRETIONARY_REVIEW'] }, SYSTEM, 'auto-denied at the decision deadline');
    } else if (onDeadline === 'auto_approve') {
      const base = evaluate(policy, evaluationInput());
      await applyDecision({ ...base, outcome: 'full_refund', amountMinor: cashPaidMinor }, SYSTEM, 'auto-approved at the decision deadline');
    }
  }

  async function checkSettlement(): Promise<void> {
    if (state.status !== 'payout_pending' || !state.payout?.refundId) return;
    settlementChecks++;
    nextSettlementCheckAt = plusMs(now(), SETTLEMENT_CHECKS_MS[settlementChecks] ?? SETTLEMENT_CHECK_STEADY_MS);
    const result = await payments.getRefundStatus({ refundId: state.payout.refundId });
    if (result.status !== 'pending') record('settlement_checked', `Gateway reports the refund ${result.status}`);
    await settle(result);
    version++;
  }

  async function onPayoutLimit(): Promise<void> {
    if (state.status !== 'payout_pending' && state.status !== 'approved') return;
    await escalate('payout-limit', `payout limit passed (${state.deadlines.payoutDeadline}) without settlement`);
  }

  async function onSubscriptionEnd(): Promise<void> {
    if (!state.subscription || state.subscription.ended) return;
    state.subscription.ended = true;
    record('subscription_ended', 'The cancelled subscription ended at the close of its billing period; access ends now');
    publish();
  }

  function close(why: string): void {
    if (state.closed) return;
    state.closed = true;
    record('case_closed', why);
  }

  // ---- message handlers ---------------------------------------------------------------

  const parse = <S extends z.ZodType>(schema: S, value: unknown): z.infer<S> => {
    if (isRefusedPayload(value)) throw new Error('refused: the message was not sealed with the encryption key');
    const result = schema.safeParse(value);
    if (!result.success) throw new Error(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    return result.data;
  };
  const refuse = (message: string): never => {
    throw new Error(message);
  };
  const whileIn = (allowed: CaseStatus[], what: string): void => {
    if (state.closed && !(state.status === 'expired' && allowed.includes('expired'))) refuse(`the case is closed (${state.status}); cannot ${what}`);
    if (!allowed.includes(state.status)) refuse(`cannot ${what} while the case is ${state.status}`);
  };
  // Re-check inside the lock: another message may have moved the case since validation.
  const transaction = <T>(validate: () => void, body: () => Promise<T>): Promise<T> =>
    lock.runExclusive(async () => {
      try {
        validate();
      } catch (err) {
        throw ApplicationFailure.create({ type: 'WrongState', message: (err as Error).message, nonRetryable: true });
      }
      const result = await body();
      publish();
      return result;
    });

  setHandler(caseStateQuery, () => state);

  const requestRefundAllowed = (): void => {
    if (state.request) refuse('a refund request is already on this case');
    whileIn(['open', 'remediation', 'expired', 'not_refundable'], 'request a refund');
  };
  setHandler(
    requestRefundUpdate,
    (raw) =>
      transaction(requestRefundAllowed, async () => {
        const msg = parse(RequestRefundSchema, raw);
        const actor = msg.actor ?? { role: 'customer' };
        state.request = { reason: msg.reason, ...(msg.description ? { description: msg.description } : {}), requestedAt: now() };
        record('refund_requested', `Refund requested: ${msg.reason.replace(/_/g, ' ')}`, actor, { reason: msg.reason });
        await emailCustomer('request_received', 'request-received', { reason: msg.reason });
        await fetchSnapshot();
        await applyDecision(evaluate(policy, evaluationInput()), SYSTEM);
        return state;
      }),
    { validator: (raw) => void (parse(RequestRefundSchema, raw), requestRefundAllowed()) },
  );

  const reportIssueAllowed = (): void => {
    if (state.issue) refuse('an issue is already reported on this case');
    whileIn(['open', 'under_review'], 'report an issue');
    if (Date.parse(windowClosesAt()) <= Date.now()) refuse(`the request window closed at ${windowClosesAt()}`);
  };
  setHandler(
    reportIssueUpdate,
    (raw) =>
      transaction(reportIssueAllowed, async () => {
        const msg = parse(ReportIssueSchema, raw);
        const reportedAt = now();
        state.issue = { description: msg.description, reportedAt };
        record('issue_reported', `Technical issue reported: ${msg.description}`, msg.actor ?? { role: 'customer' });
        const deadline = remediationDeadline(policy, reportedAt);
        if (deadline) {
          state.deadlines.remediationDeadline = deadline;
          if (state.status === 'open') setStatus('remediation');
        }
        if (state.status === 'under_review') await decideAgain('An issue report changes the facts');
        return state;
      }),
    { validator: (raw) => void (parse(ReportIssueSchema, raw), reportIssueAllowed()) },
  );

  const requestInformationAllowed = (): void => {
    whileIn(['under_review', 'remediation'], 'ask for information');
    if (state.informationRequest && !state.informationRequest.providedAt) refuse('information was already requested and has not arrived');
  };
  setHandler(
    requestInformationUpdate,
    (raw) =>
      transaction(requestInformationAllowed, async () => {
        const msg = parse(RequestInformationSchema, raw);
        state.informationRequest = { items: msg.items, requestedAt: now(), ...(msg.note ? { note: msg.note } : {}) };
        // The decision clock waits for complete materials.
        delete state.deadlines.decisionDeadline;
        record('information_requested', `Support asked for: ${msg.items.join(', ')}`, msg.actor ?? { role: 'reviewer' }, { items: msg.items });
        await emailCustomer('information_requested', `info-${state.timeline.length}`, { items: msg.items, note: msg.note });
        return state;
      }),
    { validator: (raw) => void (parse(RequestInformationSchema, raw), requestInformationAllowed()) },
  );

  const provideInformationAllowed = (): void => {
    if (!state.informationRequest || state.informationRequest.providedAt) refuse('no information was requested on this case');
  };
  setHandler(
    provideInformationUpdate,
    (raw) =>
      transaction(provideInformationAllowed, async () => {
        const msg = parse(ProvideInformationSchema, raw);
        const at = now();
        state.informationRequest!.providedAt = at;
        record('information_provided', `Customer provided: ${msg.items.join(', ')}`, msg.actor ?? { role: 'customer' }, { items: msg.items });
        if (state.status === 'under_review') startDecisionClock(at);
        return state;
      }),
    { validator: (raw) => void (parse(ProvideInformationSchema, raw), provideInformationAllowed()) },
  );

  const reviewAllowed = (): void => whileIn(['under_review', 'remediation'], 'submit a technical review');
  setHandler(
    submitTechnicalReviewUpdate,
    (raw) =>
      transaction(reviewAllowed, async () => {
        const msg = parse(SubmitTechnicalReviewSchema, raw);
        const at = now();
        state.technicalReview = { outcome: msg.outcome, ...(msg.notes ? { notes: msg.notes } : {}), at };
        record('technical_review', `Technical review: ${msg.outcome.replace(/_/g, ' ')}`, msg.actor ?? { role: 'reviewer' }, { outcome: msg.outcome });
        if (msg.outcome === 'remediated' && state.issue && !state.issue.remediatedAt) state.issue.remediatedAt = at;
        if (state.status === 'remediation') {
          if (msg.outcome === 'remediated' && !state.request) {
            // Fixed in time: no technical ground; the ordinary window goes on if it is still open.
            delete state.deadlines.remediationDeadline;
            if (Date.parse(windowClosesAt()) > Date.now()) setStatus('open');
            else {
              setStatus('expired');
              if (!state.deadlines.incidentCoverEndsAt || Date.parse(state.deadlines.incidentCoverEndsAt) <= Date.now()) close('window closed');
            }
            return state;
          }
          if (!state.request) return state;
          setStatus('under_review');
        }
        await decideAgain('Technical review received');
        return state;
      }),
    { validator: (raw) => void (parse(SubmitTechnicalReviewSchema, raw), reviewAllowed()) },
  );

  const decideAllowed = (raw: unknown): void => {
    const msg = parse(DecideSchema, raw);
    const payoutFailedNow = state.status === 'approved' && state.payout?.status === 'failed';
    if (!payoutFailedNow) whileIn(['under_review'], 'decide');
    if (payoutFailedNow && msg.outcome === 'denied') refuse('an approved refund whose payout failed needs another route, not a denial');
    checkAmount(msg);
    // The policy's bounds on a discretionary decision (which outcomes, how much).
    if (!payoutFailedNow && state.decision?.outcome === 'needs_review') {
      const problem = checkReviewerDecision(state.decision, { outcome: msg.outcome, amountMinor: msg.outcome === 'full_refund' ? cashPaidMinor : msg.amountMinor });
      if (problem) refuse(problem);
    }
  };
  function checkAmount(msg: DecideInput): void {
    const amount = msg.amountMinor;
    if ((msg.outcome === 'partial_refund' || msg.outcome === 'credit') && amount === undefined) refuse(`amountMinor: required for ${msg.outcome}`);
    if (msg.outcome === 'partial_refund' && amount !== undefined && (amount <= 0 || amount > cashPaidMinor))
      refuse(`amountMinor: must be between 1 and the cash paid (${cashPaidMinor})`);
    if (msg.outcome === 'full_refund' && amount !== undefined && amount !== cashPaidMinor) refuse(`amountMinor: a full refund is the cash paid (${cashPaidMinor})`);
    if (msg.outcome === 'service_extension' && !msg.extensionDays) refuse('extensionDays: required for a service extension');
    if (msg.outcome === 'denied' && amount) refuse('amountMinor: a denial moves no money');
  }
  setHandler(
    decideUpdate,
    (raw) =>
      transaction(
        () => decideAllowed(raw),
        async () => {
          const msg = parse(DecideSchema, raw);
          const actor = msg.actor ?? { role: 'reviewer' };
          const base = state.decision ?? evaluate(policy, evaluationInput());
          const amountMinor =
            msg.outcome === 'full_refund' ? cashPaidMinor : msg.outcome === 'denied' || msg.outcome === 'service_extension' ? 0 : msg.amountMinor!;
          if (state.payout?.status === 'failed' && (msg.outcome === 'full_refund' || msg.outcome === 'partial_refund')) {
            record('payout_rerouted', `Support retries the payout: ${msg.note}`, actor);
            state.decision = { ...state.decision!, amountMinor, note: msg.note, decidedAt: now(), decidedBy: actor };
            await startPayout(amountMinor);
            return state;
          }
          const reasons: Decision['reasons'] = base.reasons.includes('DISCRETIONARY_REVIEW') ? [...base.reasons] : [...base.reasons, 'DISCRETIONARY_REVIEW'];
          await applyDecision(
            {
              ...base,
              outcome: msg.outcome,
              amountMinor,
              reasons,
              ...(msg.outcome === 'credit' ? { creditMinor: amountMinor } : {}),
              ...(msg.extensionDays ? { extensionDays: msg.extensionDays } : {}),
            },
            actor,
            msg.note,
          );
          return state;
        },
      ),
    { validator: decideAllowed },
  );

  const withdrawAllowed = (): void => {
    whileIn(['remediation', 'under_review'], 'withdraw');
  };
  setHandler(
    withdrawUpdate,
    (raw) =>
      transaction(withdrawAllowed, async () => {
        const msg = parse(WithdrawSchema, raw);
        record('withdrawn', `The customer withdrew the request${msg.note ? `: ${msg.note}` : ''}`, msg.actor ?? { role: 'customer' });
        setStatus('withdrawn');
        state.closed = true;
        return state;
      }),
    { validator: (raw) => void (parse(WithdrawSchema, raw), withdrawAllowed()) },
  );

  const cancelAllowed = (): void => {
    if (order.billing.kind !== 'subscription') refuse('billing: this order is not a subscription');
    if (state.subscription?.cancelRequestedAt) refuse('the subscription is already cancelled');
    if (subscriptionEnd && Date.parse(subscriptionEnd) <= Date.now()) refuse(`the billing period already ended at ${subscriptionEnd}`);
  };
  setHandler(
    cancelSubscriptionUpdate,
    (raw) =>
      transaction(cancelAllowed, async () => {
        const msg = parse(CancelSubscriptionSchema, raw);
        const effectiveAt = subscriptionEnd!;
        state.subscription = { cancelRequestedAt: now(), effectiveAt };
        record('subscription_cancel_requested', `Subscription cancelled; access continues until ${effectiveAt}`, msg.actor ?? { role: 'customer' });
        await billing.cancelSubscriptionAtPeriodEnd({ ...ref, periodEnd: effectiveAt, idempotencyKey: key('cancel-subscription') });
        await emailCustomer('subscription_cancelled', 'subscription-cancelled', { effectiveAt });
        return state;
      }),
    { validator: (raw) => void (parse(CancelSubscriptionSchema, raw), cancelAllowed()) },
  );

  // Signals never fail: malformed ones are logged and dropped, repeats are recognised by id.
  // An unsealed one (a forged plain signal sent straight to Temporal) is dropped and put on the
  // timeline; `version` is left alone so that no deadline timer is re-armed by it.
  // At most MAX_REFUSED_RECORDED of them are recorded, so a flood cannot grow the case without bound.
  let refusedSignals = 0;
  const refusedSignal = (name: string, raw: unknown): boolean => {
    if (!isRefusedPayload(raw)) return false;
    if (++refusedSignals > MAX_REFUSED_RECORDED) {
      log.warn('refused signal dropped', { signal: name });
      return true;
    }
    state.timeline.push({ at: now(), type: 'message_refused', actor: SYSTEM, summary: `A ${name} signal was refused: it was not sealed with the encryption key`, data: { signal: name } });
    return true;
  };
  setHandler(paymentUpdateSignal, (raw) =>
    lock.runExclusive(async () => {
      if (refusedSignal('paymentUpdate', raw)) return;
      const parsed = PaymentUpdateSchema.safeParse(raw);
      if (!parsed.success) return log.warn('malformed paymentUpdate ignored', { issues: parsed.error.issues.length });
      const update: PaymentUpdate = parsed.data;
      if (seenPaymentEvents.has(update.eventId)) return;
      seenPaymentEvents.add(update.eventId);
      if (!state.payout || state.payout.refundId !== update.refundId) {
        record('payment_update_ignored', `Gateway event ${update.eventId} is for refund ${update.refundId}, not this case's payout`, update.actor ?? { role: 'gateway' });
        return;
      }
      await settle({ refundId: update.refundId, status: update.status, ...(update.failureReason ? { failureReason: update.failureReason } : {}) });
      publish();
    }),
  );

  setHandler(chargebackSignal, (raw) =>
    lock.runExclusive(async () => {
      if (refusedSignal('chargeback', raw)) return;
      const parsed = ChargebackSchema.safeParse(raw);
      if (!parsed.success) return log.warn('malformed chargeback ignored');
      const { active, reference, actor } = parsed.data;
      if (state.chargebackActive === active) return;
      state.chargebackActive = active;
      record(active ? 'chargeback_opened' : 'chargeback_withdrawn', active ? `Chargeback opened${reference ? ` (${reference})` : ''}` : 'Chargeback withdrawn', actor ?? { role: 'gateway' });
      if (active) await tellSupport('chargeback', `chargeback-${state.timeline.length}`, 'A chargeback was opened on this order');
      if (active && state.status === 'under_review') await decideAgain('An active chargeback blocks the refund');
      publish();
    }),
  );

  setHandler(incidentConfirmedSignal, (raw) =>
    lock.runExclusive(async () => {
      if (refusedSignal('incidentConfirmed', raw)) return;
      const parsed = IncidentConfirmedSchema.safeParse(raw);
      if (!parsed.success) return log.warn('malformed incidentConfirmed ignored');
      const incident: IncidentConfirmed = parsed.data;
      if (state.incidents.some((i) => i.incidentId === incident.incidentId)) return;
      if (!incidentCovers(incident)) {
        record('incident_ignored', `Incident ${incident.incidentId} does not cover this order`);
        return;
      }
      const confirmedAt = now();
      state.incidents.push({ incidentId: incident.incidentId, confirmedAt, description: incident.description });
      record('incident_confirmed', `Confirmed incident ${incident.incidentId}: ${incident.description}`, incident.actor ?? { role: 'reviewer' });
      if (state.status === 'expired' && !state.request) {
        // A confirmed incident reopens the window: the pro-rata clause applies beyond the 7 days.
        state.deadlines.requestWindowEndsAt = plusDays(confirmedAt, policy.window.days);
        state.closed = false;
        setStatus('open');
      } else if (state.status === 'under_review' || state.status === 'remediation') {
        if (state.request) {
          setStatus('under_review');
          await decideAgain('A confirmed incident gives the technical-availability ground');
        }
      }
      publish();
    }),
  );

  function incidentCovers(incident: IncidentConfirmed): boolean {
    if (incident.productId && order.productId && incident.productId !== order.productId) return false;
    const serviceFrom = Date.parse(order.purchasedAt);
    const serviceTo = Date.parse(subscriptionEnd ?? state.deadlines.incidentCoverEndsAt ?? windowEnd);
    return Date.parse(incident.from) <= serviceTo && Date.parse(incident.to) >= serviceFrom;
  }

  // ---- the main loop ------------------------------------------------------------------

  upsertSearchAttributes([
    { key: policyKey, value: policy.id },
    { key: customerKey, value: order.customerId },
    { key: purchasedAtKey, value: new Date(order.purchasedAt) },
    ...(order.productId ? [{ key: productKey, value: order.productId }] : []),
  ] as SearchAttributeUpdatePair[]);
  record('case_opened', `Case opened under ${policy.id} v${policy.version}`, input.startedBy ?? { role: 'checkout' }, {
    requestWindowEndsAt: windowEnd,
  });
  publish();

  for (;;) {
    const done = state.closed && !(state.subscription?.effectiveAt && !state.subscription.ended);
    if (done) break;
    const seen = version;
    const wake = nextWake();
    if (!wake) {
      await condition(() => version !== seen);
      continue;
    }
    const waitMs = Date.parse(wake.at) - Date.now();
    if (waitMs > 0 && (await condition(() => version !== seen, waitMs))) continue;
    await lock.runExclusive(async () => {
      await wake.run();
      publish();
    });
  }
  // Let in-flight updates answer their callers before the run closes.
  await condition(allHandlersFinished);
  return state;
}

function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function plusMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

function plusDays(iso: string, days: number): string {
  return plusMs(iso, days * DAY_MS);
}

function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
