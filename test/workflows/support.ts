import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
// Shared pieces of the workflow suites: stub activities that record every call (the workflow is
// what is under test here; activities have their own suites against real peers), and a runner
// that gives each test its own task queue and worker on the time-skipping server.
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import type {
  AccountSnapshot,
  CreateRefund,
  GatewayRefund,
  LedgerAppendResult,
  LedgerEntry,
  RefundActivities,
  RefundResult,
} from '../../activities/contract';
import { RefundCases, type WriteOptions } from '../../client/refund-client';
import { createAssessActivities, createDecisionActivities } from '../../activities/decide';
import { ledgerSinks } from '../../worker/ledger-sink';
import { timeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';
import type { Order } from '../../policies';

export interface Call {
  name: keyof RefundActivities;
  input: unknown;
}

export interface StubGateway {
  /** What createRefund answers: pending (settles later), succeeded, failed, or a thrown error. */
  mode: 'pending' | 'succeeded' | 'failed' | 'unsupported';
  failureReason?: string;
  /** What getRefundStatus answers for pending refunds. */
  statusOnCheck: RefundResult['status'];
}

/**
 * A fault on one activity, set and cleared by the test while the case runs: `outage` throws a
 * retryable error on every call (an outage longer than the call's schedule-to-close), `reject` a
 * non-retryable one of `type`, `lost_answer` lets the call act and then loses its answer.
 */
export type Fault = { kind: 'outage' } | { kind: 'reject'; type: string } | { kind: 'lost_answer' };

export function stubActivities(snapshot: Partial<AccountSnapshot> = {}, gateway: Partial<StubGateway> = {}) {
  const calls: Call[] = [];
  const faults = new Map<keyof RefundActivities, Fault>();
  const gw: StubGateway = { mode: 'pending', statusOnCheck: 'pending', ...gateway };
  // One refund per idempotency key, as a real gateway keeps it.
  const refunds = new Map<string, RefundResult & { input: CreateRefund }>();
  // The case ledger as the real store keeps it: one row per event_key, a repeated key skipped.
  const ledger = new Map<string, LedgerEntry>();
  const track = <K extends keyof RefundActivities>(name: K, fn: RefundActivities[K]): RefundActivities[K] =>
    (async (input: never) => {
      calls.push({ name, input });
      const fault = faults.get(name);
      if (fault?.kind === 'outage')
        throw ApplicationFailure.create({
          type: 'Outage',
          message: `${name}: peer unavailable (test outage)`,
        });
      if (fault?.kind === 'reject')
        throw ApplicationFailure.create({
          type: fault.type,
          message: `${name}: rejected (test)`,
          nonRetryable: true,
        });
      const result = await (fn as (i: never) => unknown)(input);
      if (fault?.kind === 'lost_answer')
        throw ApplicationFailure.create({
          type: 'Timeout',
          message: `${name}: answer lost after the peer acted (test)`,
        });
      return result;
    }) as RefundActivities[K];

  const activities: RefundActivities = {
    getAccountSnapshot: track('getAccountSnapshot', async () => ({
      chargebackActive: false,
      refundsInLast90Days: 0,
      termsViolation: false,
      abuseSuspected: false,
      ...snapshot,
    })),
    sendCustomerEmail: track('sendCustomerEmail', async (e) => ({ messageId: e.idempotencyKey })),
    notifySupport: track('notifySupport', async (n) => ({ messageId: n.idempotencyKey })),
    withdrawAccess: track('withdrawAccess', async () => undefined),
    issueCredit: track('issueCredit', async (c) => ({ creditId: `cr-${c.idempotencyKey}` })),
    grantServiceExtension: track('grantServiceExtension', async (x) => ({
      extensionId: `ext-${x.idempotencyKey}`,
    })),
    cancelSubscriptionAtPeriodEnd: track('cancelSubscriptionAtPeriodEnd', async () => undefined),
    createRefund: track('createRefund', async (input) => {
      const existing = refunds.get(input.idempotencyKey);
      if (existing) return { refundId: existing.refundId, status: existing.status };
      if (gw.mode === 'unsupported') {
        const { ApplicationFailure } = await import('@temporalio/common');
        throw ApplicationFailure.create({
          type: 'UnsupportedPaymentMethod',
          message: `${input.paymentMethod} cannot be refunded`,
          nonRetryable: true,
        });
      }
      const refund = {
        refundId: `re_${refunds.size + 1}`,
        status: gw.mode,
        ...(gw.mode === 'failed' ? { failureReason: gw.failureReason ?? 'expired_or_canceled_card' } : {}),
        input,
      } as RefundResult & { input: CreateRefund };
      refunds.set(input.idempotencyKey, refund);
      return {
        refundId: refund.refundId,
        status: refund.status,
        ...(refund.failureReason ? { failureReason: refund.failureReason } : {}),
      };
    }),
    getRefundStatus: track('getRefundStatus', async ({ refundId }) => {
      const refund = [...refunds.values()].find((r) => r.refundId === refundId);
      if (!refund)
        throw ApplicationFailure.create({
          type: 'UnknownRefund',
          message: `no refund ${refundId}`,
          nonRetryable: true,
        });
      return { refundId, status: refund.status === 'pending' ? gw.statusOnCheck : refund.status };
    }),
    findRefunds: track('findRefunds', async ({ orderId }) =>
      [...refunds.entries()]
        .filter(([, r]) => r.input.orderId === orderId)
        .map(([key, r]): GatewayRefund => ({
          refundId: r.refundId,
          status: r.status,
          idempotencyKey: key,
          amountMinor: r.input.amountMinor,
          currency: r.input.currency,
        })),
    ),
    appendLedger: track('appendLedger', async ({ rows }) => {
      const fresh = rows.filter((row) => !ledger.has(row.event_key));
      for (const row of fresh) ledger.set(row.event_key, row);
      return { written: true, inserted: fresh.length, rows };
    }),
  };
  // The worker's sink for the opened row (worker/ledger-sink.ts) on the same stub ledger: down when
  // appendLedger is (an outage), and counted apart from the local activity's calls.
  const sunk: LedgerEntry[][] = [];
  const sinkAppend = async ({ rows }: { rows: LedgerEntry[] }) => {
    sunk.push(rows);
    if (faults.get('appendLedger')?.kind === 'outage')
      throw new Error('appendLedger: peer unavailable (test outage)');
    const fresh = rows.filter((row) => !ledger.has(row.event_key));
    for (const row of fresh) ledger.set(row.event_key, row);
    const result: LedgerAppendResult = { written: true, inserted: fresh.length };
    return result;
  };
  const named = (name: keyof RefundActivities) => calls.filter((c) => c.name === name);
  /** Refunds the gateway holds that succeeded or may still succeed: money that left or may leave. */
  const live = () => [...refunds.values()].filter((r) => r.status !== 'failed' && r.status !== 'canceled');
  return { activities, calls, named, refunds, gateway: gw, faults, live, ledger, sunk, sinkAppend };
}

export type Stubs = ReturnType<typeof stubActivities>;

/** Runs `body` with a worker on a fresh task queue; the worker is shut down and awaited after. */
export async function withCaseWorker<T>(
  stubs: Stubs,
  body: (ctx: {
    env: TestWorkflowEnvironment;
    cases: RefundCases;
    taskQueue: string;
    now: () => Promise<Date>;
  }) => Promise<T>,
): Promise<T> {
  const env = await timeSkippingEnv();
  const taskQueue = uniqueTaskQueue('case');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    // Policy evaluation is pure domain code, not the outside world: the real one.
    activities: {
      ...createDecisionActivities(),
      // Through the stubs' billing read at call time: its faults and its log are the assessment's.
      ...createAssessActivities((ref) => stubs.activities.getAccountSnapshot(ref)),
      ...stubs.activities,
    },
    sinks: ledgerSinks(stubs.sinkAppend),
  });
  const cases = new TrackedCases(env, taskQueue);
  // Effects run after an update answers: let the cases' activities in flight finish while the
  // worker still runs, since the test server does not skip time while an activity is outstanding
  // (even one of a terminated case, until its timeout).
  const drain = async () => {
    for (const id of cases.started) {
      // Idle twice in a row: no activity and no workflow task pending (which could schedule one).
      for (let i = 0, idle = 0; i < 400 && idle < 2; i++) {
        const raw = await cases
          .handle(id)
          .describe()
          .then(
            (d) => d.raw,
            () => undefined,
          );
        if (!raw || raw.workflowExecutionInfo?.status !== 1) break;
        idle = (raw.pendingActivities?.length ?? 0) === 0 && !raw.pendingWorkflowTask ? idle + 1 : 0;
        await new Promise((r) => setTimeout(r, 50));
      }
      await cases
        .handle(id)
        .terminate('test finished')
        .catch(() => undefined);
    }
    // A timer may still have scheduled an activity just before the termination: let the worker take it.
    if (cases.started.size > 0) await new Promise((r) => setTimeout(r, 1_000));
  };
  try {
    return await worker.runUntil(
      (async () => {
        try {
          return await body({ env, cases, taskQueue, now: async () => new Date(await env.currentTimeMs()) });
        } finally {
          await drain();
        }
      })(),
    );
  } finally {
    // A case left running with due timers and no worker would stop the shared server's clock from skipping.
    await Promise.all(
      [...cases.started].map((id) =>
        cases
          .handle(id)
          .terminate('test finished')
          .catch(() => undefined),
      ),
    );
  }
}

/** Starts are tracked (terminated after the test); writes are stamped with the test server's clock. */
class TrackedCases extends RefundCases {
  readonly started = new Set<string>();
  constructor(
    private readonly env: TestWorkflowEnvironment,
    taskQueue: string,
  ) {
    super(env.client, taskQueue);
  }
  protected override async stamp(opts: WriteOptions = {}): Promise<WriteOptions> {
    return opts.receivedAt
      ? opts
      : { ...opts, receivedAt: new Date(await this.env.currentTimeMs()).toISOString() };
  }
  override async start(...args: Parameters<RefundCases['start']>): ReturnType<RefundCases['start']> {
    this.started.add(args[1].orderId);
    return super.start(...args);
  }
}

/** Polls the case until `predicate` holds (timers fired by env.sleep are processed asynchronously). */
export async function waitForCase(
  cases: RefundCases,
  orderId: string,
  predicate: (state: Awaited<ReturnType<RefundCases['read']>>) => boolean,
  timeoutMs = 20_000,
): Promise<Awaited<ReturnType<RefundCases['read']>>> {
  const deadline = Date.now() + timeoutMs;
  let last = await cases.read(orderId);
  while (!predicate(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `case ${orderId} never reached the expected state; last: ${last.status} ${JSON.stringify(last.timeline.at(-1))}`,
      );
    await new Promise((r) => setTimeout(r, 100));
    last = await cases.read(orderId);
  }
  return last;
}

let orderSeq = 0;
/** A fresh order id per test, so workflow ids never collide across tests. */
export function orderId(label: string): string {
  return `${label}-${Date.now().toString(36)}-${++orderSeq}`;
}

export const DAY = 24 * 60 * 60 * 1000;

/**
 * With REFUNDFLOW_RECORD_HISTORIES=1, writes the case's history to test/replay/histories/<name>.json,
 * which the replay suite replays against the current workflow code on every run.
 */
export async function recordHistory(cases: RefundCases, orderIdValue: string, name: string): Promise<void> {
  if (!process.env.REFUNDFLOW_RECORD_HISTORIES) return;
  const history = await cases.handle(orderIdValue).fetchHistory();
  const file = path.join(__dirname, '..', 'replay', 'histories', `${name}.json`);
  await writeFile(
    file,
    JSON.stringify(
      temporal.api.history.v1.History.toObject(history as temporal.api.history.v1.History, {
        longs: String,
        enums: String,
        bytes: String,
      }),
      null,
      1,
    ) + '\n',
  );
}

/** An order bought at `at` under the presets' defaults (a one-time proxy plan, 10,000 requests). */
export function testOrder(id: string, at: Date, overrides: Partial<Order> = {}): Order {
  const iso = at.toISOString();
  return {
    orderId: id,
    customerId: `cust-${id}`,
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 1000,
    currency: 'USD',
    promoCreditMinor: 0,
    purchasedAt: iso,
    invoicedAt: iso,
    serviceDate: iso,
    firstPurchaseOfPlan: true,
    productId: 'proxy-residential',
    billing: { kind: 'one_time' },
    quota: { unit: 'requests', included: 10_000 },
    ...overrides,
  } as Order;
}
