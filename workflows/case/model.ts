// The case model: the state of one refund case and every change to it, as plain synchronous
// methods. Pure — no Temporal import — so it is unit-tested with a hand-set clock. The workflow
// gives it the workflow clock; handlers, deadlines and effect results all change the case only
// through it, in one synchronous step each, so no change is ever half-done. The record it changes
// (state, timeline, status, effect queue) is CaseRecord in case-record.ts; these are the rules.
import { decisionDeadline, decisionTarget } from '../../policies/clocks';
import { withAccountFacts } from '../../policies/account-facts';
import type { EvaluationInput } from '../../policies/input';
import type { CaseAnswer, CaseOutcome, CaseStatus } from '../case-state';
import { CaseRecord } from './case-record';
import { laterOf, plusDays, plusMs } from './time';

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

export class Refusal extends Error {
  override name = 'Refusal';
}
export const refuse = (message: string): never => {
  throw new Refusal(message);
};

export class CaseModel extends CaseRecord {
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

  /**
   * The main loop's next step is the request's assessment (patch `rollup-2`): due now, nothing in
   * flight ahead of it. Search attributes wait for it (the loop publishes after every effect).
   */
  assessesNext(): boolean {
    return (
      this.assessAndDecide && this.nextDueEffect()?.kind === 'assess' && !this.effects.some((e) => e.inFlight)
    );
  }

  evaluationInput(asOf: string = this.now()): EvaluationInput {
    return withAccountFacts(this.baseEvaluationInput(asOf), this.snapshot);
  }

  /** The evaluation input from what the case itself knows, before billing's facts (account-facts.ts). */
  baseEvaluationInput(asOf: string = this.now()): EvaluationInput {
    const { state } = this;
    const request = state.request!;
    return {
      order: this.order,
      request: {
        requestedAt: request.requestedAt,
        reason: request.reason as EvaluationInput['request']['reason'],
      },
      // Never before the request: a stamped request is judged at its stamp, facts as known now.
      asOf: Date.parse(asOf) < Date.parse(request.requestedAt) ? request.requestedAt : asOf,
      facts: {
        issueReportedAt: state.issue?.reportedAt,
        remediatedAt: state.issue?.remediatedAt,
        incidentConfirmed: state.incidents.length > 0,
        chargebackActive: state.chargebackActive,
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
