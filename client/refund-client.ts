// The typed client library for refund cases. The HTTP API, the CLI, the benchmarks and the
// tests all go through it; it is the only place that knows workflow ids, task queues and
// message names. Listing (case-list.ts), the late-event record (late-events.ts), incidents
// (incidents.ts), the start (start-case.ts), errors (case-errors.ts) and digests (fingerprint.ts)
// live beside it.
import { createHash } from 'node:crypto';
import {
  Client,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Order, Policy } from '../policies';
import type { CaseAnswer, CaseState, CaseStatus } from '../workflows/case-state';
import { DEFAULT_TASK_QUEUE } from '../config/defaults';
import { workflowIdForOrder } from '../workflows/case-state';
import type { IncidentFanOutProgress } from '../workflows/incident-fan-out';
import {
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
  resolvePayoutUpdate,
  submitTechnicalReviewUpdate,
  withdrawUpdate,
  disputeUpdate,
  usageReportedSignal,
  type Actor,
  type CancelSubscriptionInput,
  type Chargeback,
  type DecideInput,
  type IncidentConfirmed,
  type MessageMeta,
  type PaymentUpdate,
  type ProvideInformationInput,
  type ReportIssueInput,
  type RequestInformationInput,
  type RequestRefundInput,
  type ResolvePayoutInput,
  type SignalMeta,
  type SubmitTechnicalReviewInput,
  type WithdrawInput,
  type DisputeInput,
  type UsageReported,
  type AcknowledgeLateEventsInput,
} from '../workflows/messages';
import type { refundCase } from '../workflows/refund-case';
import type { LateEventsState } from '../workflows/late-events';
import {
  CaseNotFoundError,
  CaseRejectedError,
  CaseTimeoutError,
  IdempotencyConflictError,
} from './case-errors';
import type { CaseSummary, ListFilter } from './case-list';
import * as listing from './case-list';
import { canonicalJson } from './fingerprint';
import * as incidents from './incidents';
import * as late from './late-events';
import { startCase } from './start-case';

// The library's surface, wherever each part lives.
export {
  CaseConflictError,
  CaseNotFoundError,
  CaseRejectedError,
  CaseTimeoutError,
  IdempotencyConflictError,
} from './case-errors';
export { listQuery, type CaseSummary, type ListFilter } from './case-list';
export { caseFingerprint } from './fingerprint';
export { incidentWorkflowId } from './incidents';

/** Where a signal went: the running case, or the order's late-event record (its case had ended). */
export type SignalDelivery = 'case' | 'late_record';

/** Options of every write: the update id (the API's Idempotency-Key) and when the message was received. */
export interface WriteOptions {
  updateId?: string;
  /** ISO 8601; default now. The case refuses a stamp in the future or more than an hour old. */
  receivedAt?: string;
}

export interface RefundCasesOptions {
  /** How long an update may wait on the workflow before the call gives up (a gRPC deadline). */
  updateTimeoutMs?: number;
  /** How long per-status counts are reused for the same filter (each count is 12 visibility calls). */
  countsCacheMs?: number;
}

export class RefundCases {
  readonly updateTimeoutMs: number;
  private readonly countsCacheMs: number;
  private readonly countsCache = new Map<string, { at: number; counts: Promise<Record<string, number>> }>();

  constructor(
    readonly client: Client,
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
    options: RefundCasesOptions = {},
  ) {
    this.updateTimeoutMs = options.updateTimeoutMs ?? 30_000;
    this.countsCacheMs = options.countsCacheMs ?? 5_000;
  }

  handle(orderId: string): WorkflowHandle<typeof refundCase> {
    return this.client.workflow.getHandle<typeof refundCase>(workflowIdForOrder(orderId));
  }

  /**
   * Starts the case for an order; a repeated start returns the existing case (created: false),
   * a start with another body throws CaseConflictError. Closed cases are never started again.
   */
  start(
    policy: Policy,
    order: Order,
    startedBy?: Actor,
    options: { customerEmailDigest?: string } = {},
  ): Promise<{ created: boolean; workflowId: string; runId: string }> {
    return startCase(this, policy, order, startedBy, options);
  }

  /** The case state (the caseState query); works on closed cases too. */
  async read(orderId: string): Promise<CaseState> {
    return this.call(orderId, (h) => h.query(caseStateQuery));
  }

  // Writes. `opts.updateId` (the API's Idempotency-Key) makes a retried write return the first
  // answer; the same id with another body is refused with IdempotencyConflictError. `opts.receivedAt`
  // is when the message was received (default now): the case judges its windows at that time.
  requestRefund(orderId: string, body: RequestRefundInput, opts?: WriteOptions): Promise<CaseAnswer> {
    return this.update(orderId, requestRefundUpdate, body, opts);
  }
  reportIssue(orderId: string, body: ReportIssueInput, opts?: WriteOptions): Promise<CaseAnswer> {
    return this.update(orderId, reportIssueUpdate, body, opts);
  }
  requestInformation(
    orderId: string,
    body: RequestInformationInput,
    opts?: WriteOptions,
  ): Promise<CaseAnswer> {
    return this.update(orderId, requestInformationUpdate, body, opts);
  }
  provideInformation(
    orderId: string,
    body: ProvideInformationInput,
    opts?: WriteOptions,
  ): Promise<CaseAnswer> {
    return this.update(orderId, provideInformationUpdate, body, opts);
  }
  submitTechnicalReview(
    orderId: string,
    body: SubmitTechnicalReviewInput,
    opts?: WriteOptions,
  ): Promise<CaseAnswer> {
    return this.update(orderId, submitTechnicalReviewUpdate, body, opts);
  }
  decide(orderId: string, body: DecideInput, opts?: WriteOptions): Promise<CaseAnswer> {
    return this.update(orderId, decideUpdate, body, opts);
  }
  withdraw(orderId: string, body: WithdrawInput, opts?: WriteOptions): Promise<CaseAnswer> {
    return this.update(orderId, withdrawUpdate, body, opts);
  }
  cancelSubscription(
    orderId: string,
    body: CancelSubscriptionInput,
    opts?: WriteOptions,
  ): Promise<CaseAnswer> {
    return this.update(orderId, cancelSubscriptionUpdate, body, opts);
  }

  /** The customer disputes a denial; a person decides within the policy (DISPUTE_REVIEW). */
  dispute(orderId: string, body: DisputeInput, opts?: WriteOptions): Promise<CaseAnswer> {
    return this.update(orderId, disputeUpdate, body, opts);
  }
  /**
   * The payout route, once the payout limit passed or the gateway reported the refund failed:
   * retry to the original method, record a payout made outside the gateway, or grant credit instead.
   */
  resolvePayout(orderId: string, body: ResolvePayoutInput, opts?: WriteOptions): Promise<CaseAnswer> {
    return this.update(orderId, resolvePayoutUpdate, body, opts);
  }
  retryPayout(
    orderId: string,
    body: Omit<Extract<ResolvePayoutInput, { action: 'retry' }>, 'action'>,
    opts?: WriteOptions,
  ): Promise<CaseAnswer> {
    return this.resolvePayout(orderId, { ...body, action: 'retry' }, opts);
  }
  recordOutsidePayout(
    orderId: string,
    body: Omit<Extract<ResolvePayoutInput, { action: 'record_outside' }>, 'action'>,
    opts?: WriteOptions,
  ): Promise<CaseAnswer> {
    return this.resolvePayout(orderId, { ...body, action: 'record_outside' }, opts);
  }
  grantCreditInstead(
    orderId: string,
    body: Omit<Extract<ResolvePayoutInput, { action: 'credit' }>, 'action'>,
    opts?: WriteOptions,
  ): Promise<CaseAnswer> {
    return this.resolvePayout(orderId, { ...body, action: 'credit' }, opts);
  }

  // Signals: `opts.updateId` is the signal's dedupe key in the case (a repeat is dropped there).
  // A gateway event or chargeback for a case whose run has ended goes to the order's late-event
  // record instead (workflows/late-events.ts): recorded and support told, never dropped.
  async paymentUpdate(orderId: string, update: PaymentUpdate, opts?: WriteOptions): Promise<SignalDelivery> {
    const meta = signalMeta(await this.stamp(opts));
    return late.signalOrRecordLate(
      this,
      orderId,
      (h) => h.signal(paymentUpdateSignal, update, meta),
      () => ({
        key: `payment:${update.eventId}`,
        kind: 'payment_update',
        receivedAt: meta.receivedAt ?? new Date().toISOString(),
        summary: `the gateway reports refund ${update.refundId} ${update.status}${update.failureReason ? ` (${update.failureReason})` : ''} (event ${update.eventId})`,
        ...(update.actor ? { actor: update.actor } : {}),
      }),
    );
  }
  async chargeback(orderId: string, chargeback: Chargeback, opts?: WriteOptions): Promise<SignalDelivery> {
    const meta = signalMeta(await this.stamp(opts));
    return late.signalOrRecordLate(
      this,
      orderId,
      (h) => h.signal(chargebackSignal, chargeback, meta),
      () => ({
        key: `chargeback:${meta.dedupeKey ?? `${chargeback.reference ?? ''}:${chargeback.active}:${meta.receivedAt}`}`,
        kind: 'chargeback',
        receivedAt: meta.receivedAt ?? new Date().toISOString(),
        summary: `a chargeback was ${chargeback.active ? 'opened' : 'closed'}${chargeback.reference ? ` (${chargeback.reference})` : ''}${chargeback.note ? `: ${chargeback.note}` : ''}`,
        ...(chargeback.actor ? { actor: chargeback.actor } : {}),
      }),
    );
  }
  /** Billing has a new usage figure for the order: a case waiting on it decides again. */
  usageReported(orderId: string, usage: UsageReported, opts?: WriteOptions): Promise<void> {
    return this.call(orderId, async (h) =>
      h.signal(usageReportedSignal, usage, signalMeta(await this.stamp(opts))),
    );
  }

  /** The order's late-event record (events after its case ended), if it has one (late-events.ts). */
  lateEvents(orderId: string): Promise<LateEventsState | undefined> {
    return late.lateEvents(this, orderId);
  }

  /** Support acknowledges late events it has handled (late-events.ts). */
  acknowledgeLateEvents(
    orderId: string,
    body: AcknowledgeLateEventsInput,
    opts: WriteOptions = {},
  ): Promise<LateEventsState> {
    return late.acknowledgeLateEvents(this, orderId, body, opts);
  }

  incidentConfirmed(orderId: string, incident: IncidentConfirmed, opts?: WriteOptions): Promise<void> {
    return this.call(orderId, async (h) =>
      h.signal(incidentConfirmedSignal, incident, signalMeta(await this.stamp(opts))),
    );
  }

  /** Starts (or hands more cases to) the incident's fan-out (incidents.ts). */
  startIncidentFanOut(incident: IncidentConfirmed, orderIds: string[], receivedAt: string): Promise<void> {
    return incidents.startIncidentFanOut(this, incident, orderIds, receivedAt);
  }

  /** How far an incident's fan-out got; undefined when no fan-out ran for it. */
  incidentProgress(incidentId: string): Promise<IncidentFanOutProgress | undefined> {
    return incidents.incidentProgress(this, incidentId);
  }

  /** Lists cases through Temporal visibility, newest first, from search attributes alone (case-list.ts). */
  list(filter: ListFilter = {}): Promise<CaseSummary[]> {
    return listing.list(this, filter);
  }

  /** Counts cases per status (the support UI's overview). */
  async countByStatus(filter: Omit<ListFilter, 'status'> = {}): Promise<Record<string, number>> {
    // A support page lists often; counts a few seconds old are fine, 12 visibility calls each time are not.
    const key = listing.listQuery(filter);
    const cached = this.countsCache.get(key);
    if (cached && Date.now() - cached.at < this.countsCacheMs) return cached.counts;
    const counts = listing.countFresh(this, filter);
    this.countsCache.set(key, { at: Date.now(), counts });
    counts.catch(() => this.countsCache.delete(key));
    if (this.countsCache.size > 1000) this.countsCache.delete(this.countsCache.keys().next().value as string);
    return counts;
  }

  private async call<T>(
    orderId: string,
    fn: (h: WorkflowHandle<typeof refundCase>) => Promise<T>,
  ): Promise<T> {
    try {
      return await fn(this.handle(orderId));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new CaseNotFoundError(orderId);
      throw err;
    }
  }

  /** The write's options with defaults filled in (a test on a time-skipping server stamps its own clock). */
  protected async stamp(opts: WriteOptions = {}): Promise<WriteOptions> {
    return opts;
  }

  private async update<I>(
    orderId: string,
    definition: UpdateDefinition<CaseAnswer, [I, MessageMeta?]>,
    body: I,
    given: WriteOptions = {},
  ): Promise<CaseAnswer> {
    const opts = await this.stamp(given);
    const requestHash = opts.updateId
      ? createHash('sha256').update(canonicalJson(body)).digest('hex')
      : undefined;
    const meta: MessageMeta = {
      receivedAt: opts.receivedAt ?? new Date().toISOString(),
      ...(requestHash ? { requestHash } : {}),
    };
    let answer: CaseAnswer;
    try {
      // A deadline on every call the update makes: a case whose worker is down must not hold the caller for ever.
      answer = await this.client.withDeadline(Date.now() + this.updateTimeoutMs, () =>
        this.handle(orderId).executeUpdate(definition, {
          args: [body, meta],
          ...(opts.updateId ? { updateId: opts.updateId } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
        throw new CaseTimeoutError(orderId, this.updateTimeoutMs);
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause;
        throw new CaseRejectedError(
          cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : 'update rejected',
          orderId,
        );
      }
      // An update sent to a closed case: the server answers NotFound, but the case exists.
      if (err instanceof Error && /workflow execution already completed/i.test(err.message))
        throw new CaseRejectedError('the case is closed', orderId);
      if (err instanceof WorkflowNotFoundError) {
        // Servers differ in the message; a case that describes is closed, not unknown.
        const exists = await this.handle(orderId)
          .describe()
          .then(() => true)
          .catch(() => false);
        throw exists ? new CaseRejectedError('the case is closed', orderId) : new CaseNotFoundError(orderId);
      }
      throw err;
    }
    // Temporal answers a repeated update id with the first update's outcome whatever the args: compare.
    if (requestHash && answer.requestHash !== requestHash)
      throw new IdempotencyConflictError(orderId, opts.updateId!);
    return answer;
  }
}

function signalMeta(opts: WriteOptions | undefined): SignalMeta {
  return {
    receivedAt: opts?.receivedAt ?? new Date().toISOString(),
    ...(opts?.updateId ? { dedupeKey: opts.updateId } : {}),
  };
}

export type { CaseAnswer, CaseState, CaseStatus };
