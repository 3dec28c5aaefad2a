// The typed client library for refund cases. The HTTP API, the CLI, the benchmarks and the
// tests all go through it; it is the only place that knows workflow ids, task queues and
// message names.
import { createHash } from 'node:crypto';
import {
  Client,
  ServiceError,
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
// Not re-exported by the package index; the client's own list uses it for the same rows.
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { optionalTsToDate, requiredTsToDate } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import type { Order, Policy } from '../policies';
import { CasePager, type CaseSort, type Page, type PageRequest } from './case-page';
import { pinHolidays } from '../policies/holidays';
import type { CaseAnswer, CaseState, CaseStatus, StartCaseInput } from '../workflows/case-state';
import { DEFAULT_TASK_QUEUE } from '../config/defaults';
import { CASE_STATUSES, orderIdFromWorkflowId, workflowIdForOrder } from '../workflows/case-state';
import {
  incidentCasesSignal,
  incidentListedQuery,
  incidentProgressQuery,
  type incidentFanOut,
  type IncidentFanOutProgress,
} from '../workflows/incident-fan-out';
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
import {
  customerKey,
  escalatedKey,
  nextDeadlineKey,
  outcomeKey,
  policyKey,
  productKey,
  purchasedAtKey,
  statusKey,
} from '../workflows/search-attributes';
import type { refundCase } from '../workflows/refund-case';
import {
  acknowledgeLateEventsUpdate,
  lateEventSignal,
  lateEventsQuery,
  lateEventsWorkflowId,
  type LateEvent,
  type LateEventsState,
} from '../workflows/late-events';
import type { lateCaseEvents } from '../workflows/late-events';

/** Where a signal went: the running case, or the order's late-event record (its case had ended). */
export type SignalDelivery = 'case' | 'late_record';

/** No case exists for this order. */
export class CaseNotFoundError extends Error {
  override name = 'CaseNotFoundError';
  constructor(readonly orderId: string) {
    super(`no refund case for order ${orderId}`);
  }
}

/** A start for an order whose case was started with another body. */
export class CaseConflictError extends Error {
  override name = 'CaseConflictError';
  constructor(readonly orderId: string) {
    super(
      `order ${orderId} already has a refund case started with a different policy, order body or customer email`,
    );
  }
}

/** The case did not answer an update within the client's deadline (the worker is down or busy). */
export class CaseTimeoutError extends Error {
  override name = 'CaseTimeoutError';
  constructor(
    readonly orderId: string,
    readonly timeoutMs: number,
  ) {
    super(`the case for order ${orderId} did not answer within ${timeoutMs / 1000} s; try again`);
  }
}

/** The workflow refused a message: wrong state, or input its validator rejects. */
export class CaseRejectedError extends Error {
  override name = 'CaseRejectedError';
  constructor(
    message: string,
    readonly orderId: string,
  ) {
    super(message);
  }
}

/** The same update id (Idempotency-Key) was used before with another body. */
export class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError';
  constructor(
    readonly orderId: string,
    readonly updateId: string,
  ) {
    super(`the Idempotency-Key ${updateId} was already used on this case with another body`);
  }
}

/** Options of every write: the update id (the API's Idempotency-Key) and when the message was received. */
export interface WriteOptions {
  updateId?: string;
  /** ISO 8601; default now. The case refuses a stamp in the future or more than an hour old. */
  receivedAt?: string;
}

export interface CaseSummary {
  orderId: string;
  workflowId: string;
  status?: CaseStatus;
  policyId?: string;
  customerId?: string;
  productId?: string;
  outcome?: string;
  escalated: boolean;
  nextDeadline?: string;
  purchasedAt?: string;
  startedAt: string;
  closedAt?: string;
}

export interface ListFilter {
  status?: CaseStatus;
  policyId?: string;
  customerId?: string;
  productId?: string;
  escalated?: boolean;
  /** Only cases whose next deadline falls before this time ("due soon"). */
  dueBefore?: string;
  /** Only cases purchased in this range (incidents). */
  purchasedFrom?: string;
  purchasedTo?: string;
  /** Only running workflows. */
  openOnly?: boolean;
  /** Order id prefix or customer id prefix (visibility has STARTS_WITH, no substring match). */
  search?: string;
  /** Only these orders (a customer email resolved through billing); empty matches nothing. */
  orderIds?: readonly string[];
  limit?: number;
}

/** A stable digest of what makes a case: the pinned policy and the order, keys sorted. */
export function caseFingerprint(policy: Pick<Policy, 'id' | 'version'>, order: Order): string {
  return createHash('sha256')
    .update(canonicalJson({ policyId: policy.id, policyVersion: policy.version, order }))
    .digest('hex');
}

export interface RefundCasesOptions {
  /** How long an update may wait on the workflow before the call gives up (a gRPC deadline). */
  updateTimeoutMs?: number;
  /** How long per-status counts are reused for the same filter (each count is 12 visibility calls). */
  countsCacheMs?: number;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const quote = (value: string): string => {
  // Visibility stores reject control characters with an error that looks like an outage.
  if (/\p{Cc}/u.test(value)) throw new RangeError('list filter values may not contain control characters');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
};

export class RefundCases {
  readonly updateTimeoutMs: number;
  private readonly countsCacheMs: number;
  private readonly pager: CasePager<CaseSummary>;
  private readonly countsCache = new Map<string, { at: number; counts: Promise<Record<string, number>> }>();

  constructor(
    readonly client: Client,
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
    options: RefundCasesOptions = {},
  ) {
    this.updateTimeoutMs = options.updateTimeoutMs ?? 30_000;
    this.countsCacheMs = options.countsCacheMs ?? 5_000;
    this.pager = new CasePager(client, summaryFromVisibility, sortValue);
  }

  handle(orderId: string): WorkflowHandle<typeof refundCase> {
    return this.client.workflow.getHandle<typeof refundCase>(workflowIdForOrder(orderId));
  }

  /**
   * Starts the case for an order; a repeated start returns the existing case (created: false),
   * a start with another body throws CaseConflictError. Closed cases are never started again.
   */
  async start(
    policy: Policy,
    order: Order,
    startedBy?: Actor,
    options: { customerEmailDigest?: string } = {},
  ): Promise<{ created: boolean; workflowId: string; runId: string }> {
    const workflowId = workflowIdForOrder(order.orderId);
    // The case carries the public holidays of its years as data, so its business days never
    // depend on the holiday library the worker happens to run.
    const pinned = pinHolidays(policy, order.purchasedAt);
    const fingerprint = caseFingerprint(pinned, order);
    const emailDigest = options.customerEmailDigest;
    const input: StartCaseInput = { policy: pinned, order, fingerprint, ...(startedBy ? { startedBy } : {}) };
    const begin = (workflowIdReusePolicy: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY') =>
      this.client.workflow.start<typeof refundCase>('refundCase', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy,
        // The email's keyed digest, never the address: a repeat naming another email is a conflict.
        memo: { fingerprint, ...(emailDigest ? { customerEmailDigest: emailDigest } : {}) },
        typedSearchAttributes: [
          { key: statusKey, value: policy.allSalesFinal ? 'not_refundable' : 'open' },
          { key: policyKey, value: policy.id },
          { key: customerKey, value: order.customerId },
          { key: purchasedAtKey, value: new Date(order.purchasedAt) },
          { key: escalatedKey, value: false },
          ...(order.productId ? [{ key: productKey, value: order.productId }] : []),
        ],
      });
    try {
      const handle = await begin('REJECT_DUPLICATE');
      return { created: true, workflowId, runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      let description = await this.client.workflow.getHandle(workflowId).describe();
      if (description.status.name === 'FAILED' && typeof description.memo?.fingerprint !== 'string') {
        // A run without a sealed fingerprint that failed is a start forged straight to Temporal,
        // which the workflow refuses at once: it must not hold the order's case id for ever.
        try {
          const handle = await begin('ALLOW_DUPLICATE_FAILED_ONLY');
          return { created: true, workflowId, runId: handle.firstExecutionRunId };
        } catch (retryErr) {
          if (!(retryErr instanceof WorkflowExecutionAlreadyStartedError)) throw retryErr;
          description = await this.client.workflow.getHandle(workflowId).describe();
        }
      }
      if (description.memo?.fingerprint !== fingerprint) throw new CaseConflictError(order.orderId);
      // A repeat without an email changes nothing; one with an email must name the same one.
      if (emailDigest && description.memo?.customerEmailDigest !== emailDigest)
        throw new CaseConflictError(order.orderId);
      return { created: false, workflowId, runId: description.runId };
    }
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
    return this.signalOrRecordLate(
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
    return this.signalOrRecordLate(
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

  /** The order's late-event record (events after its case ended), if it has one. */
  async lateEvents(orderId: string): Promise<LateEventsState | undefined> {
    try {
      return await this.client.workflow.getHandle(lateEventsWorkflowId(orderId)).query(lateEventsQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Support acknowledges late events it has handled (every open one unless `keys` names some).
   * The record completes once all are told and acknowledged (workflows/late-events.ts).
   */
  async acknowledgeLateEvents(
    orderId: string,
    body: AcknowledgeLateEventsInput,
    opts: WriteOptions = {},
  ): Promise<LateEventsState> {
    const handle = this.client.workflow.getHandle<typeof lateCaseEvents>(lateEventsWorkflowId(orderId));
    try {
      return await this.client.withDeadline(Date.now() + this.updateTimeoutMs, () =>
        handle.executeUpdate(acknowledgeLateEventsUpdate, {
          args: [body],
          ...(opts.updateId ? { updateId: opts.updateId } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
        throw new CaseTimeoutError(orderId, this.updateTimeoutMs);
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause;
        throw new CaseRejectedError(
          cause instanceof Error ? cause.message : 'acknowledgement refused',
          orderId,
        );
      }
      const closed = err instanceof Error && /workflow execution already completed/i.test(err.message);
      if (closed || err instanceof WorkflowNotFoundError) {
        // A completed record has nothing open; no record at all means no late event (or no case).
        const exists = await handle
          .describe()
          .then(() => true)
          .catch(() => false);
        if (exists) throw new CaseRejectedError('every late event is already acknowledged', orderId);
        await this.read(orderId);
        throw new CaseRejectedError('no event arrived after this case ended', orderId);
      }
      throw err;
    }
  }

  private async signalOrRecordLate(
    orderId: string,
    send: (h: WorkflowHandle<typeof refundCase>) => Promise<void>,
    late: () => LateEvent,
  ): Promise<SignalDelivery> {
    try {
      await send(this.handle(orderId));
      return 'case';
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    // Not found: no case at all, or one whose run has ended (a case that describes).
    const description = await this.handle(orderId)
      .describe()
      .catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      });
    if (!description) throw new CaseNotFoundError(orderId);
    const attrs = description.typedSearchAttributes;
    const status = attrs.get(statusKey);
    // A record that completed (everything acknowledged) seeds the next run, so its events stay visible.
    const lateHandle = this.client.workflow.getHandle<typeof lateCaseEvents>(lateEventsWorkflowId(orderId));
    const previous = await lateHandle
      .describe()
      .then((d) => (d.status.name === 'COMPLETED' ? lateHandle.result() : undefined))
      .catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      });
    await this.client.workflow.signalWithStart<typeof lateCaseEvents, [LateEvent]>('lateCaseEvents', {
      workflowId: lateEventsWorkflowId(orderId),
      taskQueue: this.taskQueue,
      args: [
        { orderId, customerId: attrs.get(customerKey) ?? '', ...(previous ? { carried: previous } : {}) },
      ],
      signal: lateEventSignal,
      signalArgs: [{ ...late(), ...(status ? { caseStatus: status } : {}) }],
    });
    return 'late_record';
  }
  incidentConfirmed(orderId: string, incident: IncidentConfirmed, opts?: WriteOptions): Promise<void> {
    return this.call(orderId, async (h) =>
      h.signal(incidentConfirmedSignal, incident, signalMeta(await this.stamp(opts))),
    );
  }

  /**
   * Starts the fan-out that signals an incident to these cases (workflows/incident-fan-out.ts); one
   * per incident. A repeat confirmation hands it only the cases it was not given before (a case
   * visibility did not list the first time): signalled to the fan-out still running, or to a new
   * run of the same workflow id that carries the first one's record and counts. Nothing is
   * signalled twice by the fan-out, and each case dedupes the incident by its id anyway.
   */
  async startIncidentFanOut(
    incident: IncidentConfirmed,
    orderIds: string[],
    receivedAt: string,
  ): Promise<void> {
    const workflowId = incidentWorkflowId(incident.incidentId);
    const handle = this.client.workflow.getHandle<typeof incidentFanOut>(workflowId);
    const listed = await handle.query(incidentListedQuery).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
    if (!listed) {
      try {
        await this.client.workflow.start<typeof incidentFanOut>('incidentFanOut', {
          taskQueue: this.taskQueue,
          workflowId,
          args: [{ incident, receivedAt, orderIds }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          // A second run only through the repeat path below, which carries the first one's record.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        return;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        // Another confirmation started it meanwhile: hand it these cases as a repeat would.
        return this.startIncidentFanOut(incident, orderIds, receivedAt);
      }
    }
    const known = new Set(listed);
    const missing = orderIds.filter((id) => !known.has(id));
    if (missing.length === 0) return;
    const { total, signalled, skipped } = await handle.query(incidentProgressQuery);
    await this.client.workflow.signalWithStart<typeof incidentFanOut, [string[]]>('incidentFanOut', {
      taskQueue: this.taskQueue,
      workflowId,
      // Used only when the fan-out has finished: the new run carries what the last one did.
      args: [{ incident, receivedAt, orderIds: [], listed, total, signalled, skipped }],
      signal: incidentCasesSignal,
      signalArgs: [missing],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
  }

  /** How far an incident's fan-out got; undefined when no fan-out ran for it. */
  async incidentProgress(incidentId: string): Promise<IncidentFanOutProgress | undefined> {
    try {
      return await this.client.workflow
        .getHandle(incidentWorkflowId(incidentId))
        .query(incidentProgressQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Lists cases through Temporal visibility, newest first, from search attributes alone.
   * It reads the raw visibility rows: the SDK's list decodes every row's memo, so one memo sealed
   * with a key this client does not hold (a rotated-out key, another deployment's case) would fail
   * the whole page. Search attributes are never encrypted; the memo is not needed for a summary.
   */
  async list(filter: ListFilter = {}): Promise<CaseSummary[]> {
    const limit = filter.limit ?? 100;
    const summaries: CaseSummary[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await this.client.workflowService
        .listWorkflowExecutions({
          namespace: this.client.options.namespace,
          query: listQuery(filter),
          pageSize: Math.min(limit - summaries.length, 1000),
          nextPageToken,
        })
        .catch((err: unknown) => {
          // The raw service call throws gRPC errors as they come; callers (the API's 503) expect the SDK's.
          if (isGrpcServiceError(err)) throw new ServiceError('listing cases failed', { cause: err });
          throw err;
        });
      for (const raw of page.executions) {
        summaries.push(summaryFromVisibility(raw));
        if (summaries.length >= limit) return summaries;
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return summaries;
  }

  /** One page of the list with the total for the filter (client/case-page.ts). */
  async page(filter: Omit<ListFilter, 'limit'>, req: PageRequest): Promise<Page<CaseSummary>> {
    return this.pager.page(listQuery(filter), req);
  }

  /** Counts cases per status (the support UI's overview). */
  async countByStatus(
    filter: Omit<ListFilter, 'status'> = {},
    opts: { fresh?: boolean } = {},
  ): Promise<Record<string, number>> {
    // A support page lists often; counts a few seconds old are fine, 12 visibility calls each time are not.
    const key = listQuery(filter);
    const cached = this.countsCache.get(key);
    if (!opts.fresh && cached && Date.now() - cached.at < this.countsCacheMs) return cached.counts;
    const counts = this.countFresh(filter);
    this.countsCache.set(key, { at: Date.now(), counts });
    counts.catch(() => this.countsCache.delete(key));
    if (this.countsCache.size > 1000) this.countsCache.delete(this.countsCache.keys().next().value as string);
    return counts;
  }

  private async countFresh(filter: Omit<ListFilter, 'status'>): Promise<Record<string, number>> {
    // One count per status: Temporal's visibility only groups by ExecutionStatus, not by a custom attribute.
    const base = listQuery(filter);
    const counts = await Promise.all(
      CASE_STATUSES.map(
        async (status) =>
          [
            status,
            (await this.client.workflow.count(`${base} AND RefundStatus = ${quote(status)}`)).count,
          ] as const,
      ),
    );
    return Object.fromEntries(counts.filter(([, count]) => count > 0));
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

export const incidentWorkflowId = (incidentId: string): string => `incident-${incidentId}`;

function signalMeta(opts: WriteOptions | undefined): SignalMeta {
  return {
    receivedAt: opts?.receivedAt ?? new Date().toISOString(),
    ...(opts?.updateId ? { dedupeKey: opts.updateId } : {}),
  };
}

export function listQuery(filter: ListFilter): string {
  const clauses = [`WorkflowType = 'refundCase'`];
  if (filter.status) clauses.push(`RefundStatus = ${quote(filter.status)}`);
  if (filter.policyId) clauses.push(`RefundPolicyId = ${quote(filter.policyId)}`);
  if (filter.customerId) clauses.push(`RefundCustomerId = ${quote(filter.customerId)}`);
  if (filter.productId) clauses.push(`RefundProductId = ${quote(filter.productId)}`);
  if (filter.escalated !== undefined) clauses.push(`RefundEscalated = ${filter.escalated}`);
  if (filter.dueBefore) clauses.push(`RefundNextDeadline <= ${quote(filter.dueBefore)}`);
  if (filter.purchasedFrom) clauses.push(`RefundPurchasedAt >= ${quote(filter.purchasedFrom)}`);
  if (filter.purchasedTo) clauses.push(`RefundPurchasedAt <= ${quote(filter.purchasedTo)}`);
  if (filter.openOnly) clauses.push(`ExecutionStatus = 'Running'`);
  if (filter.search)
    clauses.push(
      `(WorkflowId STARTS_WITH ${quote(workflowIdForOrder(filter.search))} OR RefundCustomerId STARTS_WITH ${quote(filter.search)})`,
    );
  if (filter.orderIds)
    clauses.push(
      filter.orderIds.length > 0
        ? `WorkflowId IN (${filter.orderIds.map((id) => quote(workflowIdForOrder(id))).join(', ')})`
        : `WorkflowId = ''`,
    );
  return clauses.join(' AND ');
}

export type { CaseAnswer, CaseState, CaseStatus };

/** A summary's value under a sort key, for stores that cannot sort (client/case-page.ts). */
function sortValue(s: CaseSummary, sort: CaseSort): number | undefined {
  if (sort === 'deadline') return s.nextDeadline ? Date.parse(s.nextDeadline) : undefined;
  if (sort === 'opened') return Date.parse(s.startedAt);
  // Visibility's own order: running cases first (newest first), then closed ones by closing time.
  return s.closedAt ? Date.parse(s.closedAt) : Number.MAX_SAFE_INTEGER - 1e13 + Date.parse(s.startedAt);
}

function summaryFromVisibility(raw: temporal.api.workflow.v1.IWorkflowExecutionInfo): CaseSummary {
  const attrs = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
  const workflowId = raw.execution?.workflowId ?? '';
  const deadline = attrs.get(nextDeadlineKey);
  const purchasedAt = attrs.get(purchasedAtKey);
  const closedAt = optionalTsToDate(raw.closeTime);
  return {
    orderId: orderIdFromWorkflowId(workflowId),
    workflowId,
    status: attrs.get(statusKey) as CaseStatus | undefined,
    policyId: attrs.get(policyKey),
    customerId: attrs.get(customerKey),
    productId: attrs.get(productKey),
    outcome: attrs.get(outcomeKey),
    escalated: attrs.get(escalatedKey) ?? false,
    ...(deadline ? { nextDeadline: deadline.toISOString() } : {}),
    ...(purchasedAt ? { purchasedAt: purchasedAt.toISOString() } : {}),
    startedAt: requiredTsToDate(raw.startTime, 'startTime').toISOString(),
    ...(closedAt ? { closedAt: closedAt.toISOString() } : {}),
  };
}
