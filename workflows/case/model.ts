// The case model: the state of one refund case and every change to it, as plain synchronous
// methods. Pure — no Temporal import — so it is unit-tested with a hand-set clock. The workflow
// gives it the workflow clock; handlers, deadlines and effect results all change the case only
// through it, in one synchronous step each, so no change is ever half-done.
import { addCalendarDays } from '../../policies/calendar';
import { decisionDeadline, decisionTarget, requestWindowEndsAt } from '../../policies/clocks';
import type { EvaluationInput } from '../../policies/input';
import type { AccountSnapshot, RefundResult } from '../../activities/contract';
import type { CaseAnswer, CaseOutcome, CaseState, CaseStatus, StartCaseInput } from '../case-state';
import type { Actor } from '../messages';
import type { Effect, EffectSpec } from './effect-queue';

export const SYSTEM: Actor = { role: 'system' };
export const DAY_MS = 24 * 60 * 60_000;
/** How long after purchase a confirmed incident can still reach a case, when the policy has incidents. */
export const DEFAULT_INCIDENT_COVER_DAYS = 30;
/** A final-sale case has no window (0 days) but still answers a request with its reasons for this long. */
export const FINAL_SALE_ANSWER_DAYS = 7;
/**
 * Messages are judged at the time the API received them. A stamp may run ahead of the workflow
 * clock by this much (clocks of the API hosts and the server differ slightly)…
 */
export const RECEIVED_AT_MAX_SKEW_MS = 2 * 60_000;
/**
 * …and may be at most this old when the case processes it (a worker backlog or outage). A case
 * whose window closed stays open this long for messages stamped in time.
 */
export const RECEIVED_AT_MAX_AGE_MS = 60 * 60_000;
/** Signal dedupe keys remembered (the oldest are forgotten first). */
const SEEN_KEYS_KEPT = 200;

export type Clock = () => number;

export class Refusal extends Error {
  override name = 'Refusal';
}
export const refuse = (message: string): never => {
  throw new Refusal(message);
};

export class CaseModel {
  readonly state: CaseState;
  readonly policy: StartCaseInput['policy'];
  readonly order: StartCaseInput['order'];
  readonly cashPaidMinor: number;
  readonly subscriptionEnd: string | undefined;
  readonly windowEnd: string;
  /** The effect queue, oldest first. */
  effects: Effect[] = [];
  snapshot: AccountSnapshot | undefined;
  /** When billing's facts were last read (the snapshot's age decides whether a payout re-reads them). */
  snapshotAt: string | undefined;
  /** The decision clock: started once, paused while information is awaited. */
  decisionClock:
    | { startedAt: string; pausedAt?: string; pausedMs: number; fired?: boolean; targetPassed?: boolean }
    | undefined;
  payoutLimitFired = false;
  /** A credit or extension billing refused: support may choose another route. */
  remedyFailed = false;
  settlementChecks = 0;
  seenKeys: string[] = [];
  /** Gateway events that arrived before the payout's refund id was known (the last ten). */
  earlyEvents: RefundResult[] = [];
  /**
   * Billing's facts for a waiting refund request are read first, by a local activity, so the
   * request answers in the task that took it (patch `assess-first-locally`; false for cases whose
   * history predates it).
   */
  assessFirst = false;
  /** Bumped on every change; the main loop wakes on it. */
  version = 0;
  /** The last effect id number handed out (ids stay unique across continue-as-new). */
  effectSeq = 0;
  /**
   * This case follows the long-lived rules (behind the `long-lived-cases` patch): continue-as-new,
   * the payout route, the settle period after `paid`. Histories recorded before it replay without.
   */
  longLived = false;
  /** Which run of the case this is (continue-as-new starts the next). */
  runs = 1;
  /** Unsealed signals recorded on the timeline so far (bounded, across runs). */
  refusedSignals = 0;
  /** A paid case keeps taking gateway events and chargebacks until this time (after-close.ts). */
  listeningUntil: string | undefined;
  /**
   * Whether decisions are evaluated in a local activity (recorded in history) rather than inline.
   * The workflow answers with patched('decisions-recorded'); the pure model (unit tests) evaluates inline.
   */
  recordDecisions: () => boolean = () => false;
  /** Sees every timeline entry as it is recorded (the ledger's rows, workflows/case/ledger.ts). */
  onRecord: ((entry: CaseState['timeline'][number]) => void) | undefined;

  constructor(
    input: StartCaseInput,
    workflowId: string,
    readonly clock: Clock,
  ) {
    const { policy, order } = input;
    this.policy = policy;
    this.order = order;
    this.cashPaidMinor = order.amountMinor - (order.promoCreditMinor ?? 0);
    this.windowEnd = requestWindowEndsAt(policy, order);
    this.subscriptionEnd = order.billing.kind === 'subscription' ? order.billing.periodEnd : undefined;
    this.state = {
      orderId: order.orderId,
      workflowId,
      customerId: order.customerId,
      ...(order.productId ? { productId: order.productId } : {}),
      status: policy.allSalesFinal ? 'not_refundable' : 'open',
      policyId: policy.id,
      policyVersion: policy.version,
      fingerprint: input.fingerprint,
      currency: order.currency,
      paidMinor: this.cashPaidMinor,
      deadlines: {
        requestWindowEndsAt: this.windowEnd,
        ...(this.subscriptionEnd ? { subscriptionEndsAt: this.subscriptionEnd } : {}),
        ...(this.policyHasIncidents()
          ? {
              incidentCoverEndsAt: laterOf(
                this.windowEnd,
                this.subscriptionEnd ?? plusDays(order.purchasedAt, DEFAULT_INCIDENT_COVER_DAYS, policy),
              ),
            }
          : {}),
      },
      escalated: false,
      escalations: [],
      chargebackActive: false,
      incidents: [],
      timeline: [],
      closed: false,
    };
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }
  nowMs(): number {
    return this.clock();
  }
  key(what: string): string {
    return `${this.state.workflowId}:${what}`;
  }

  // ---- timeline and status ------------------------------------------------------------

  record(type: string, summary: string, actor: Actor = SYSTEM, data?: Record<string, unknown>): void {
    const entry = { at: this.now(), type, actor, summary, ...(data ? { data } : {}) };
    this.state.timeline.push(entry);
    this.onRecord?.(entry);
    this.version++;
  }

  setStatus(status: CaseStatus): void {
    if (this.state.status === status) return;
    const from = this.state.status;
    this.state.status = status;
    this.record('status_changed', `${from} → ${status}`, SYSTEM, { from, to: status });
  }

  close(why: string): void {
    if (this.state.closed) return;
    this.state.closed = true;
    this.record('case_closed', why);
  }

  /** Marks the case escalated (once per reason) and queues the notice to support. */
  escalate(tag: string, reason: string, data: Record<string, unknown> = {}): void {
    if (this.state.escalations.some((e) => e.reason === reason)) return;
    this.state.escalated = true;
    this.state.escalations.push({ at: this.now(), reason });
    this.record('escalated', reason, SYSTEM, { tag });
    this.queue({
      kind: 'support',
      notice: 'escalation',
      tag,
      reason,
      data: { ...data, deadlines: this.state.deadlines },
    });
  }

  // ---- the effect queue ---------------------------------------------------------------

  queue(spec: EffectSpec, delayMs = 0): Effect {
    const effect: Effect = {
      ...spec,
      id: `${spec.kind}-${++this.effectSeq}`,
      failures: 0,
      dueAt: new Date(this.clock() + delayMs).toISOString(),
    };
    this.effects.push(effect);
    this.version++;
    return effect;
  }

  emailCustomer(
    email: Extract<EffectSpec, { kind: 'email' }>['email'],
    tag: string,
    data: Record<string, unknown>,
  ): void {
    this.queue({ kind: 'email', email, tag, data: { ...data, orderId: this.order.orderId } });
  }

  tellSupport(
    notice: Extract<EffectSpec, { kind: 'support' }>['notice'],
    tag: string,
    reason: string,
    data: Record<string, unknown> = {},
  ): void {
    this.queue({ kind: 'support', notice, tag, reason, data: { ...data, status: this.state.status } });
  }

  /** Queues a policy evaluation to run next (one waiting is enough: it reads the facts when it runs). */
  queueDecision(mode: 'request' | 'again' | 'deadline'): void {
    const waiting = this.effects.find((e) => e.kind === 'decide' && !e.inFlight);
    if (waiting) {
      // The decision deadline's own rule (auto-deny or auto-approve) outranks a plain re-evaluation.
      if (mode === 'deadline' && waiting.kind === 'decide') waiting.mode = mode;
      return;
    }
    const decidedAt = this.state.decision?.decidedAt;
    const effect = this.queue({ kind: 'decide', mode, ...(decidedAt ? { decidedAt } : {}) });
    this.effects = [effect, ...this.effects.filter((e) => e !== effect)];
  }

  remove(effect: Effect): void {
    this.effects = this.effects.filter((e) => e !== effect);
    this.version++;
  }

  has(kind: Effect['kind']): boolean {
    return this.effects.some((e) => e.kind === kind);
  }

  /** The first effect due now, in queue order (so emails go out in the order they were queued). */
  nextDueEffect(): Effect | undefined {
    const now = this.clock();
    const due = (e: Effect) => Date.parse(e.dueAt) <= now;
    return (
      (this.assessFirst ? this.effects.find((e) => e.kind === 'assess' && due(e)) : undefined) ??
      this.effects.find(due)
    );
  }

  // ---- messages -----------------------------------------------------------------------

  /**
   * When a message counts as received: the API's stamp, refused when it is ahead of the workflow
   * clock by more than the skew or older than the bound; without a stamp, now.
   */
  receivedAt(stamp: string | undefined): string {
    if (stamp === undefined) return this.now();
    const at = Date.parse(stamp);
    if (Number.isNaN(at)) refuse('receivedAt: not an ISO 8601 time');
    const now = this.clock();
    if (at > now + RECEIVED_AT_MAX_SKEW_MS)
      refuse(`receivedAt: ${stamp} is in the future (the case's clock reads ${this.now()})`);
    if (at < now - RECEIVED_AT_MAX_AGE_MS)
      refuse(
        `receivedAt: ${stamp} is more than ${RECEIVED_AT_MAX_AGE_MS / 60_000} minutes old; send the message again`,
      );
    return new Date(at).toISOString();
  }

  /** True the first time a signal's dedupe key is seen. */
  firstSight(key: string | undefined): boolean {
    if (key === undefined) return true;
    if (this.seenKeys.includes(key)) return false;
    this.seenKeys.push(key);
    if (this.seenKeys.length > SEEN_KEYS_KEPT) this.seenKeys.shift();
    return true;
  }

  whileIn(allowed: CaseStatus[], what: string): void {
    const { state } = this;
    if (state.closed && !(state.status === 'expired' && allowed.includes('expired')))
      refuse(`the case is closed (${state.status}); cannot ${what}`);
    if (!allowed.includes(state.status)) refuse(`cannot ${what} while the case is ${state.status}`);
  }

  answer(requestHash?: string): CaseAnswer {
    const d = this.state.decision;
    return {
      status: this.state.status,
      ...(d
        ? {
            decision: {
              outcome: d.outcome,
              amountMinor: d.amountMinor,
              currency: d.currency,
              reasons: d.reasons,
            },
          }
        : {}),
      ...(requestHash ? { requestHash } : {}),
    };
  }

  outcome(): CaseOutcome {
    const d = this.state.decision;
    return { status: this.state.status, ...(d ? { outcome: d.outcome, amountMinor: d.amountMinor } : {}) };
  }

  // ---- facts --------------------------------------------------------------------------

  policyHasIncidents(): boolean {
    const { policy } = this;
    const refund = policy.refund;
    return (
      !policy.allSalesFinal &&
      refund.basis === 'technical_ground' &&
      (refund.incidentsCount || !!refund.incidentBeyondWindow)
    );
  }

  /**
   * A one-time order bought for a term (a quota in days: a server year, a 30-day proxy plan) is
   * covered for that term: an incident or a verified provider fault on day 200 of a server year
   * still reaches the case, which pro-rates it by the term's unused share (patch `term-cover`).
   */
  coverTheTerm(): void {
    const { order, policy, state } = this;
    const cover = state.deadlines.incidentCoverEndsAt;
    if (!cover || order.billing.kind !== 'one_time' || order.quota?.unit !== 'days') return;
    const termEnd = plusDays(order.purchasedAt, Math.ceil(order.quota.included), policy);
    state.deadlines.incidentCoverEndsAt = laterOf(cover, termEnd);
  }

  /** An issue reported inside the window carries the request until its remediation clock runs out. */
  windowClosesAt(): string {
    return (
      laterOf(this.state.deadlines.requestWindowEndsAt, this.state.deadlines.remediationDeadline) ??
      this.now()
    );
  }

  evaluationInput(asOf: string = this.now()): EvaluationInput {
    const { state, snapshot } = this;
    const request = state.request!;
    return {
      order: this.order,
      request: {
        requestedAt: request.requestedAt,
        reason: request.reason as EvaluationInput['request']['reason'],
      },
      ...(snapshot?.usage ? { usage: snapshot.usage } : {}),
      // Never before the request: a stamped request is judged at its stamp, facts as known now.
      asOf: Date.parse(asOf) < Date.parse(request.requestedAt) ? request.requestedAt : asOf,
      facts: {
        issueReportedAt: state.issue?.reportedAt,
        remediatedAt: state.issue?.remediatedAt,
        incidentConfirmed: state.incidents.length > 0,
        chargebackActive: state.chargebackActive || (snapshot?.chargebackActive ?? false),
        termsViolation: snapshot?.termsViolation ?? false,
        abuseSuspected: snapshot?.abuseSuspected ?? false,
        refundsInLast90Days: snapshot?.refundsInLast90Days ?? 0,
        ...(state.technicalReview ? { technicalReview: state.technicalReview.outcome as never } : {}),
        ...(state.dispute ? { disputedAt: state.dispute.disputedAt } : {}),
      },
    } as EvaluationInput;
  }

  // ---- the decision clock -------------------------------------------------------------

  /** Starts the clock the first time the request is complete; never again. */
  startDecisionClock(at: string = this.now()): void {
    if (this.decisionClock) return;
    const waiting = this.state.informationRequest && !this.state.informationRequest.providedAt;
    this.decisionClock = { startedAt: at, pausedMs: 0, ...(waiting ? { pausedAt: at } : {}) };
    this.refreshDecisionDeadline();
  }

  /** Forgets the decision clock (a dispute is a new question); the next needs_review starts a new one. */
  restartDecisionClock(): void {
    this.decisionClock = undefined;
    delete this.state.deadlines.decisionDeadline;
    delete this.state.deadlines.decisionTarget;
    this.version++;
  }

  pauseDecisionClock(at: string = this.now()): void {
    if (!this.decisionClock || this.decisionClock.pausedAt || this.decisionClock.fired) return;
    this.decisionClock.pausedAt = at;
    this.refreshDecisionDeadline();
  }

  /** Resumes a paused clock (the deadline moves by the pause), or starts it if the case waited for materials. */
  resumeDecisionClock(at: string = this.now()): void {
    const clock = this.decisionClock;
    if (!clock) return;
    if (clock.pausedAt) {
      clock.pausedMs += Math.max(0, Date.parse(at) - Date.parse(clock.pausedAt));
      delete clock.pausedAt;
    }
    this.refreshDecisionDeadline();
  }

  private refreshDecisionDeadline(): void {
    const clock = this.decisionClock;
    const d = this.state.deadlines;
    if (!clock || clock.pausedAt) {
      delete d.decisionDeadline;
      delete d.decisionTarget;
    } else {
      d.decisionDeadline = plusMs(decisionDeadline(this.policy, clock.startedAt), clock.pausedMs);
      const target = decisionTarget(this.policy, clock.startedAt);
      if (target) d.decisionTarget = plusMs(target, clock.pausedMs);
    }
    this.version++;
  }

  // ---- what support sees as next --------------------------------------------------------

  /** The earliest policy deadline the case is waiting on (for support and the search attribute). */
  businessDeadline(): string | undefined {
    const { state } = this;
    const d = state.deadlines;
    if (state.closed) return undefined;
    switch (state.status) {
      case 'open':
        return this.windowClosesAt();
      case 'remediation':
        return d.remediationDeadline;
      case 'under_review':
        // After the decision deadline passed (escalated), the payout limit still runs when it counts from the request.
        if (d.decisionDeadline && !this.decisionClock?.fired) return d.decisionDeadline;
        return this.payoutLimitFired ? undefined : d.payoutDeadline;
      case 'approved':
      case 'payout_pending':
        return this.payoutLimitFired ? undefined : d.payoutDeadline;
      default:
        return undefined;
    }
  }

  /** Whether the run may end: closed, nothing owed to anyone, no subscription still running. */
  finished(): boolean {
    const { state } = this;
    return (
      state.closed &&
      this.effects.length === 0 &&
      !(state.subscription?.effectiveAt && !state.subscription.ended) &&
      // A denial stays disputable until its dispute period ends.
      !state.deadlines.disputeWindowEndsAt &&
      this.listeningUntil === undefined
    );
  }
}

export function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

export function plusMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/**
 * The same local wall-clock time `days` calendar days later in the policy's time zone: across a
 * DST change a day is 23 or 25 hours, never a fixed 24 (luxon, as the policy clocks).
 */
export function plusDays(iso: string, days: number, calendar: { timeZone: string }): string {
  return addCalendarDays(iso, days, calendar);
}
