// The case record: the state of one refund case, the facts it was opened with, its timeline and
// status, and the queue of effects it owes. CaseModel (model.ts) adds the rules that change it.
// Pure — no Temporal import.
import type { AccountSnapshot, RefundResult } from '../../activities/contract';
import { requestWindowEndsAt } from '../../policies/clocks';
import type { CaseState, CaseStatus, StartCaseInput } from '../case-state';
import type { Actor } from '../message-definitions';
import type { Effect, EffectSpec } from './effect-queue';
import { laterOf, plusDays, type Clock } from './time';
import { escalationCode } from './escalation';

export const SYSTEM: Actor = { role: 'system' };
/** How long after purchase a confirmed incident can still reach a case, when the policy has incidents. */
export const DEFAULT_INCIDENT_COVER_DAYS = 30;

export class CaseRecord {
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
  /**
   * The first read of billing's facts evaluates the policy in the same local activity
   * (activities/decide.ts assessRequest; patch `rollup-2`), and the request's task upserts its
   * search attributes once, after it. False for runs recorded before.
   */
  assessAndDecide = false;
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
  /** Whether a person acting clears the escalation (patch `escalation-clears`; escalation.ts). */
  clearsOnAct: () => boolean = () => false;
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
    this.state.escalations.push({ at: this.now(), reason, code: escalationCode(tag) });
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

  policyHasIncidents(): boolean {
    const { policy } = this;
    const refund = policy.refund;
    return (
      !policy.allSalesFinal &&
      refund.basis === 'technical_ground' &&
      (refund.incidentsCount || !!refund.incidentBeyondWindow)
    );
  }
}
