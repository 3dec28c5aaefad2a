// Runs a batch of scenarios on one time-skipping test server: the product's refundCase workflow
// and createActivities over the embedded adapters (billing store, outbox, sandbox gateway), one
// set of stores per scenario in its own temporary folder. All scenarios share one timeline: the
// runner moves the server's clock to the next scripted action of any scenario (a case's start,
// an event, an `until`), does what is due there, and lets the server skip to the next one,
// firing the cases' own timers and retries on the way.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowClientInterceptor,
} from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/create-activities';
import { createAssessActivities, createDecisionActivities } from '../../activities/decide';
import type { AccountSnapshot, CaseRef, RefundActivities } from '../../activities/contract';
import { EmbeddedBillingStore } from '../../activities/billing/sqlite';
import { EmailOutbox } from '../../activities/email/outbox';
import { SandboxGateway } from '../../activities/payments/sandbox';
import { FAILURE_CONVERTER_PATH } from '../../codec/data-converter';
import { RefundCases } from '../refund-client';
import { workflowIdForOrder } from '../../workflows/case-state';
import { sendEvent, type Delivery } from './events';
import { EFFECT_WINDOW_MS, FAULT_END_WINDOW_MS, Frame, ServerTime, StableClock } from './frame';
import { withFaults, withSettlement } from './ports';
import { buildResult, collectSnapshot, type ScenarioResult, type Snapshot } from './result';
import type { Scenario, ScriptedEvent } from './scenario';
import { simulatorBundle, startTestServer } from './server';
import { createSettlementActivities } from './settlement';
import type { SettlementInput } from './workflows';

const SUPPORT_ADDRESS = 'support@refundflow.local';
const FROM_ADDRESS = 'Refundflow <refunds@refundflow.local>';
/** Where customer emails go when a scenario names no address (a checkout that sent none gets failures). */
export const DEFAULT_CUSTOMER_EMAIL = 'customer@example.com';

export interface SimulateOptions {
  /** A running time-skipping environment to use (tests share one); otherwise one is started and torn down. */
  env?: TestWorkflowEnvironment;
  /** Where the time goes, for the bench. */
  timings?: Timings;
}

export interface Timings {
  serverStartMs?: number;
  bundleMs?: number;
  bundleCached?: boolean;
  runMs?: number;
}

/** One scenario's live parts during the run. */
interface Run {
  index: number;
  scenario: Scenario;
  orderId: string;
  workflowId: string;
  dir: string;
  billing: EmbeddedBillingStore;
  outbox: EmailOutbox;
  gateway: SandboxGateway;
  activities: RefundActivities;
  clock: StableClock;
  /** Server times at which the gateway accepted a refund it will settle. */
  /** Instants the simulation set at a fixed delay after an observed time (a settlement, a last attempt). */
  delayed: { afterMs: number; delayMs: number }[];
  deliveries: Map<number, Delivery>;
  snapshot?: Snapshot;
}

type Action =
  | { kind: 'start'; atMs: number; run: Run }
  | { kind: 'event'; atMs: number; run: Run; event: ScriptedEvent }
  | { kind: 'end'; atMs: number; run: Run };
const ACTION_ORDER = { start: 0, event: 1, end: 2 } as const;

/** REFUNDFLOW_SIMULATE_TRACE=1: where a run's wall time goes, step by step, on stderr. */
const trace = process.env.REFUNDFLOW_SIMULATE_TRACE
  ? (line: string) => void process.stderr.write(`[simulate] ${line}\n`)
  : () => undefined;

export async function simulate(
  scenarios: Scenario[],
  options: SimulateOptions = {},
): Promise<ScenarioResult[]> {
  const timings = options.timings ?? {};
  let t = Date.now();
  const env = options.env ?? (await startTestServer());
  timings.serverStartMs = Date.now() - t;
  const runs: Run[] = [];
  try {
    t = Date.now();
    const bundle = await simulatorBundle();
    timings.bundleMs = Date.now() - t;
    timings.bundleCached = bundle.cached;
    t = Date.now();

    const frame = Frame.after(
      await env.currentTimeMs(),
      Math.min(...scenarios.map((s) => s.startMs)),
      Math.max(...scenarios.map((s) => s.untilMs)),
    );
    const tag = randomUUID().slice(0, 8);
    const taskQueue = `simulate-${tag}`;
    let runnerNowMs = await env.currentTimeMs();
    const serverTime = new ServerTime(() => runnerNowMs);
    const clockNow = serverTime.now;

    // Updates the server answered together with their acceptance: refused, or already done.
    const answeredAtOnce = new Set<string>();
    const recordAnswers: WorkflowClientInterceptor = {
      async startUpdate(input, next) {
        const output = await next(input);
        if (output.outcome) answeredAtOnce.add(output.updateId);
        return output;
      },
    };
    const dataConverter = { failureConverterPath: FAILURE_CONVERTER_PATH };
    const client = new Client({
      connection: env.connection,
      namespace: 'default',
      dataConverter,
      interceptors: { workflow: [recordAnswers] },
    });
    const cases = new RefundCases(client, taskQueue);

    const byWorkflow = new Map<string, Run>();
    const byOrder = new Map<string, Run>();
    scenarios.forEach((scenario, index) => {
      const orderId = `${scenario.order.orderId}~sim-${tag}-${index}`;
      const dir = mkdtempSync(path.join(tmpdir(), 'refundflow-sim-'));
      const billing = EmbeddedBillingStore.open(path.join(dir, 'billing.sqlite'), { now: clockNow });
      const outbox = EmailOutbox.open(path.join(dir, 'outbox.sqlite'), { from: FROM_ADDRESS, now: clockNow });
      const gateway = SandboxGateway.open(path.join(dir, 'gateway.sqlite'), { now: clockNow });
      const faults = scenario.faults.map((f) => ({
        ...f,
        fromMs: frame.toServer(f.fromMs),
        toMs: frame.toServer(f.toMs),
      }));
      const pending: Run['delayed'] = [];
      const delayed = (afterMs: number, delayMs: number): void => void pending.push({ afterMs, delayMs });
      const scheduleSettlement = async (refundId: string): Promise<void> => {
        if (scenario.gateway.settle === 'never') return;
        const afterMs = scenario.gateway.afterSeconds * 1000;
        delayed(clockNow().getTime(), afterMs);
        const input: SettlementInput = { orderId, refundId, afterMs };
        try {
          await client.workflow.start('simulatedGatewaySettlement', {
            taskQueue,
            workflowId: `sim-settle-${refundId}`,
            args: [input],
          });
        } catch (err) {
          // A retried createRefund returns the same refund, whose settlement is already on its way.
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      };
      const run: Run = {
        index,
        scenario,
        orderId,
        workflowId: workflowIdForOrder(orderId),
        dir,
        billing,
        outbox,
        gateway,
        clock: new StableClock(scenario.policy.timeZone),
        delayed: pending,
        deliveries: new Map(),
        activities: createActivities({
          billing: withFaults('billing', billing, faults, clockNow, delayed),
          email: withFaults('email', outbox, faults, clockNow, delayed),
          payments: withFaults(
            'payments',
            withSettlement(gateway, scheduleSettlement),
            faults,
            clockNow,
            delayed,
          ),
          supportAddress: SUPPORT_ADDRESS,
        }),
      };
      for (const fault of faults) {
        run.clock.add({ atMs: fault.fromMs, windowMs: EFFECT_WINDOW_MS, exact: true });
        if (Number.isFinite(fault.toMs))
          run.clock.add({ atMs: fault.toMs, windowMs: FAULT_END_WINDOW_MS, exact: true });
      }
      runs.push(run);
      byWorkflow.set(run.workflowId, run);
      byOrder.set(orderId, run);
    });

    // One worker for the batch; each activity call goes to the stores of the case that made it,
    // and runs at the server's time.
    // A first attempt runs when it was scheduled; a retry's scheduled time lags one backoff on the
    // test server, so a retry asks the server.
    // A local activity's times are the worker's wall clock, not the server's: it runs inside the
    // workflow task that scheduled it, while the server's time stands still, so ask the server.
    const attemptTime = async (): Promise<number> => {
      const info = Context.current().info;
      return info.attempt === 1 && !info.isLocal
        ? info.currentAttemptScheduledTimestampMs
        : env.currentTimeMs();
    };
    const attempts = new Map<string, number>();
    const atServerTime =
      <I, O>(body: (input: I) => Promise<O>) =>
      async (input: I): Promise<O> => {
        const type = Context.current().info.activityType;
        attempts.set(type, (attempts.get(type) ?? 0) + 1);
        return serverTime.run(await attemptTime(), () => body(input));
      };
    const route = (name: keyof RefundActivities) =>
      atServerTime((input: never) => {
        const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
        const run = byWorkflow.get(workflowId);
        if (!run) throw new Error(`no simulated case for workflow ${workflowId}`);
        return (run.activities[name] as (i: never) => Promise<unknown>)(input);
      });
    const settlement = createSettlementActivities(cases, (orderId) => {
      const run = byOrder.get(orderId)!;
      return {
        gateway: run.gateway,
        settle: run.scenario.gateway.settle === 'failed' ? 'failed' : 'succeeded',
        failureReason: run.scenario.gateway.failureReason,
      };
    });
    const activityNames = Object.keys(runs[0]!.activities) as (keyof RefundActivities)[];
    const readAccount = route('getAccountSnapshot') as (ref: CaseRef) => Promise<AccountSnapshot>;
    const activities = {
      ...createDecisionActivities(),
      ...createAssessActivities(readAccount),
      ...Object.fromEntries(activityNames.map((name) => [name, route(name)])),
      settleSimulatedRefund: atServerTime(settlement.settleSimulatedRefund),
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { code: bundle.code },
      activities,
      dataConverter,
    });

    const actions: Action[] = runs.flatMap((run) => [
      { kind: 'start' as const, atMs: frame.toServer(run.scenario.startMs), run },
      ...run.scenario.events.map((event) => ({
        kind: 'event' as const,
        atMs: frame.toServer(event.atMs),
        run,
        event,
      })),
      { kind: 'end' as const, atMs: frame.toServer(run.scenario.untilMs), run },
    ]);
    actions.sort(
      (a, b) => a.atMs - b.atMs || ACTION_ORDER[a.kind] - ACTION_ORDER[b.kind] || a.run.index - b.run.index,
    );

    const perform = async (action: Action): Promise<void> => {
      const { run } = action;
      switch (action.kind) {
        case 'start': {
          run.clock.add({ atMs: action.atMs, windowMs: EFFECT_WINDOW_MS, exact: true });
          seedBilling(run, frame, action.atMs);
          const order = { ...frame.orderToServer(run.scenario.order), orderId: run.orderId };
          await cases.start(frame.policyToServer(run.scenario.policy, run.scenario.order.purchasedAt), order);
          return;
        }
        case 'event': {
          const { event } = action;
          run.clock.add({ atMs: action.atMs, windowMs: EFFECT_WINDOW_MS, exact: true });
          const body = { ...event.body };
          for (const field of ['from', 'to', 'reportedAt'] as const)
            if (typeof body[field] === 'string') body[field] = frame.isoToServer(body[field] as string);
          const delivery = await sendEvent(
            { cases, orderId: run.orderId, billing: run.billing, answeredAtOnce },
            { type: event.type, body },
            new Date(action.atMs).toISOString(),
            `sim-${tag}-${run.index}-event-${event.index}`,
          );
          run.deliveries.set(event.index, delivery);
          return;
        }
        case 'end':
          run.snapshot = await collectSnapshot(cases, run, action.atMs, answeredAtOnce);
          // A case still running at `until` is stopped, so it no longer holds the server's clock.
          if (run.snapshot.workflow === 'running')
            await cases
              .handle(run.orderId)
              .terminate('simulation reached until')
              .catch(() => undefined);
          return;
      }
    };

    await worker.runUntil(async () => {
      let i = 0;
      while (i < actions.length) {
        const atMs = actions[i]!.atMs;
        const now = await env.currentTimeMs();
        const stepStart = Date.now();
        if (atMs > now) await env.sleep(atMs - now);
        trace(`skipped to ${new Date(frame.toScenario(atMs)).toISOString()} in ${Date.now() - stepStart} ms`);
        runnerNowMs = atMs;
        let j = i;
        while (j < actions.length && actions[j]!.atMs === atMs) j++;
        // Scenarios are independent: each one's due actions run in order, scenarios side by side.
        const due = actions.slice(i, j);
        const perRun = new Map<Run, Action[]>();
        for (const action of due) perRun.set(action.run, [...(perRun.get(action.run) ?? []), action]);
        const actStart = Date.now();
        await Promise.all(
          [...perRun.values()].map(async (list) => {
            for (const action of list) await perform(action);
          }),
        );
        trace(
          `${due.length} actions (${[...new Set(due.map((a) => a.kind))].join(', ')}) in ${Date.now() - actStart} ms`,
        );
        i = j;
      }
    });
    timings.runMs = Date.now() - t;
    trace(`activity attempts: ${JSON.stringify(Object.fromEntries(attempts))}`);

    return runs.map((run) => {
      // The case's deadlines: what fires at them is reported at them.
      for (const iso of Object.values(run.snapshot!.state.deadlines))
        if (typeof iso === 'string') {
          const atMs = Date.parse(iso);
          run.clock.add({
            atMs,
            reportMs: run.clock.deadline(atMs),
            windowMs: EFFECT_WINDOW_MS,
            exact: false,
          });
        }
      // A settlement falls its delay after the refund was created, a long fault's last attempt a day
      // after the first: reported that delay after the stable form of the time they count from.
      for (const { afterMs, delayMs } of [...run.delayed].sort((a, b) => a.afterMs - b.afterMs))
        run.clock.add({
          atMs: afterMs + delayMs,
          reportMs: run.clock.stable(afterMs) + delayMs,
          windowMs: EFFECT_WINDOW_MS,
          exact: true,
        });
      return buildResult(run.scenario, run.snapshot!, run.deliveries, run.clock, frame, run.orderId);
    });
  } finally {
    for (const run of runs) {
      await Promise.all([run.billing.close(), run.outbox.close(), run.gateway.close()]);
      rmSync(run.dir, { recursive: true, force: true });
    }
    if (!options.env) await env.teardown();
  }
}

/** What billing knows at the start: the order as checkout reports it, then the scenario's facts. */
function seedBilling(run: Run, frame: Frame, startMs: number): void {
  const { scenario, billing, orderId } = run;
  const order = frame.orderToServer(scenario.order);
  billing.upsertOrder({
    orderId,
    customerId: order.customerId,
    customerEmail: scenario.customerEmail ?? DEFAULT_CUSTOMER_EMAIL,
    ...(order.productId ? { productId: order.productId } : {}),
    paymentMethod: order.paymentMethod,
    amountMinor: order.amountMinor,
    currency: order.currency,
    purchasedAt: order.purchasedAt,
    billing: order.billing,
    ...(order.quota ? { quota: order.quota } : {}),
  });
  const facts = scenario.billing;
  if (facts.termsViolation !== undefined || facts.abuseSuspected !== undefined)
    billing.setCustomerFlags({
      customerId: order.customerId,
      ...(facts.termsViolation !== undefined ? { termsViolation: facts.termsViolation } : {}),
      ...(facts.abuseSuspected !== undefined ? { abuseSuspected: facts.abuseSuspected } : {}),
    });
  const at = new Date(startMs).toISOString();
  if (facts.chargebackActive)
    billing.openChargeback({ chargebackId: `cb-${orderId}`, orderId, openedAt: at });
  // Earlier refunds to the same customer, paid the day before this purchase.
  for (let n = 0; n < (facts.refundsInLast90Days ?? 0); n++)
    billing.recordRefundPaid({
      refundRef: `earlier-${n}`,
      orderId,
      paidAt: new Date(startMs - 86_400_000).toISOString(),
    });
  if (facts.usage) billing.recordUsage({ orderId, used: facts.usage.used, reportedAt: at });
}

export type { Run };
