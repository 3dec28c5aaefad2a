// What a scenario produced, read when it ends (its `until`, or the run's end): the case as the
// caseState query answers, the workflow's status and history size, the outbox, the gateway's
// refunds and billing's actions. The result is then told in the scenario's own frame: server
// times moved back by the frame's cycles and made stable, and the simulator's order id replaced
// by the scenario's.
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import type { BillingAction } from '../../activities/billing/feed';
import type { OutboxMessage } from '../../activities/email/outbox';
import type { SandboxRefund } from '../../activities/payments/sandbox';
import type { CaseState } from '../../workflows/case-state';
import type { RefundCases } from '../refund-client';
import { causeMessage, type Delivery } from './events';
import type { Frame, StableClock } from './frame';
import type { EventType, Scenario } from './scenario';

export type WorkflowStatus =
  'running' | 'completed' | 'failed' | 'terminated' | 'timed_out' | 'canceled' | 'continued_as_new';

export type UpdateOutcome =
  { outcome: 'completed' } | { outcome: 'failed'; error: string } | { outcome: 'unfinished' };

export interface Snapshot {
  atMs: number;
  state: CaseState;
  workflow: WorkflowStatus;
  closeTimeMs?: number;
  history: { runs: number; events: number; maxRunEvents: number };
  outbox: OutboxMessage[];
  refunds: SandboxRefund[];
  actions: BillingAction[];
  outcomes: Map<number, UpdateOutcome>;
}

export interface ScenarioResult {
  name?: string;
  policyId: string;
  orderId: string;
  status: string;
  closed: boolean;
  workflow: WorkflowStatus;
  escalated: boolean;
  decision: { outcome: string; amountMinor: number; currency: string; reasons: string[] } | null;
  payout: { status: string; amountMinor: number } | null;
  deadlines: Record<string, string>;
  events: {
    at: string;
    type: EventType;
    accepted: boolean;
    error?: string;
    outcome?: 'completed' | 'failed' | 'unfinished';
  }[];
  timeline: { at: string; type: string; summary: string; actor?: string }[];
  emails: { at: string; to: string; subject: string; kind: string }[];
  money: {
    at: string;
    kind: 'refund' | 'credit' | 'extension';
    amountMinor: number;
    status: string;
    currency?: string;
    days?: number;
    settledAt?: string;
  }[];
  history: { runs: number; events: number; maxRunEvents: number };
  endedAt: string;
}

const STATUS_NAMES: Partial<Record<WorkflowExecutionStatusName, WorkflowStatus>> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CANCELLED: 'canceled',
  CONTINUED_AS_NEW: 'continued_as_new',
};

/** How long to wait for an accepted update's outcome on a case that is still running. */
const OUTCOME_WAIT_MS = 1_000;

interface SnapshotSource {
  orderId: string;
  outbox: { list(query: { orderId: string; limit: number }): OutboxMessage[] };
  gateway: { listRefunds(query: { orderId: string }): SandboxRefund[] };
  billing: { listActions(query: { orderId: string }): BillingAction[] };
  deliveries: Map<number, Delivery>;
}

export async function collectSnapshot(
  cases: RefundCases,
  run: SnapshotSource,
  atMs: number,
  answeredAtOnce: ReadonlySet<string>,
): Promise<Snapshot> {
  const handle = cases.handle(run.orderId);
  const description = await handle.describe();
  const workflow = STATUS_NAMES[description.status.name] ?? 'running';
  // The workflow's result is small now; the state comes from the caseState query on every run.
  const state = await cases.read(run.orderId);

  // Runs of the case, newest first: each run's first event names the run it continued.
  const info = description.raw.workflowExecutionInfo;
  const runEvents: number[] = [];
  if (info?.firstRunId === description.runId) runEvents.push(Number(info?.historyLength ?? 0));
  else {
    let runId: string | undefined = description.runId;
    while (runId) {
      const history = await cases.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      runEvents.push(history.events?.length ?? 0);
      runId =
        history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    }
  }

  const outcomes = new Map<number, UpdateOutcome>();
  for (const [index, delivery] of run.deliveries) {
    if (!delivery.accepted || !delivery.pending) continue;
    const { pending } = delivery;
    const wait =
      answeredAtOnce.has(pending.updateId) || workflow !== 'running'
        ? undefined
        : AbortSignal.timeout(OUTCOME_WAIT_MS);
    try {
      if (wait) await cases.client.withAbortSignal(wait, () => pending.result());
      else await pending.result();
      outcomes.set(index, { outcome: 'completed' });
    } catch (err) {
      outcomes.set(
        index,
        wait?.aborted ? { outcome: 'unfinished' } : { outcome: 'failed', error: causeMessage(err) },
      );
    }
  }

  return {
    atMs,
    state,
    workflow,
    ...(description.closeTime ? { closeTimeMs: description.closeTime.getTime() } : {}),
    history: {
      runs: runEvents.length,
      events: runEvents.reduce((a, b) => a + b, 0),
      maxRunEvents: Math.max(...runEvents),
    },
    outbox: run.outbox.list({ orderId: run.orderId, limit: 1000 }).reverse(),
    refunds: run.gateway.listRefunds({ orderId: run.orderId }),
    actions: run.billing.listActions({ orderId: run.orderId }),
    outcomes,
  };
}

const ISO_INSTANT =
  /\b(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})\b/g;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b(?!T)/g;
/** A date as the emails write it ("22 March 2425"): whole cycles keep the day, the year moves back. */
const WORDED_DATE =
  /\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December)) (\d{4})\b/g;

export function buildResult(
  scenario: Scenario,
  snapshot: Snapshot,
  deliveries: Map<number, Delivery>,
  clock: StableClock,
  frame: Frame,
  simulatedOrderId: string,
): ScenarioResult {
  const firstServerYear = new Date(frame.toServer(scenario.startMs)).getUTCFullYear();
  const at = (serverMs: number): string => new Date(frame.toScenario(clock.stable(serverMs))).toISOString();
  const atIso = (iso: string): string => at(Date.parse(iso));
  // Text written by the case (summaries, refusals, subjects) names server-frame times and the
  // simulator's order id; both are told as the scenario knows them.
  const text = (value: string): string =>
    value
      .split(simulatedOrderId)
      .join(scenario.order.orderId)
      .replace(ISO_INSTANT, (match, year: string) => (Number(year) >= firstServerYear ? atIso(match) : match))
      .replace(ISO_DATE, (match, year: string) =>
        Number(year) >= firstServerYear
          ? `${String(Number(year) - frame.years).padStart(4, '0')}${match.slice(4)}`
          : match,
      )
      .replace(WORDED_DATE, (match, dayMonth: string, year: string) =>
        Number(year) >= firstServerYear ? `${dayMonth} ${Number(year) - frame.years}` : match,
      );
  const { state } = snapshot;

  const money: ScenarioResult['money'] = [
    ...snapshot.refunds.map((r) => ({
      at: atIso(r.createdAt),
      kind: 'refund' as const,
      amountMinor: r.amountMinor,
      currency: r.currency,
      status: r.status,
      ...(r.settledAt ? { settledAt: atIso(r.settledAt) } : {}),
    })),
    ...snapshot.actions
      .filter((a) => a.kind === 'credit' || a.kind === 'service_extension')
      .map((a) =>
        a.kind === 'credit'
          ? {
              at: atIso(a.createdAt),
              kind: 'credit' as const,
              amountMinor: a.amountMinor ?? 0,
              currency: a.currency,
              status: 'issued',
            }
          : {
              at: atIso(a.createdAt),
              kind: 'extension' as const,
              amountMinor: 0,
              days: a.days,
              status: 'granted',
            },
      ),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const endedMs =
    snapshot.workflow === 'running' || snapshot.closeTimeMs === undefined
      ? snapshot.atMs
      : snapshot.closeTimeMs;

  return {
    ...(scenario.name ? { name: scenario.name } : {}),
    policyId: scenario.policy.id,
    orderId: scenario.order.orderId,
    status: state.status,
    closed: state.closed,
    workflow: snapshot.workflow,
    escalated: state.escalated,
    decision: state.decision
      ? {
          outcome: state.decision.outcome,
          amountMinor: state.decision.amountMinor,
          currency: state.decision.currency,
          reasons: [...state.decision.reasons],
        }
      : null,
    payout: state.payout ? { status: state.payout.status, amountMinor: state.payout.amountMinor } : null,
    deadlines: Object.fromEntries(
      Object.entries(state.deadlines)
        .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
        .map(([name, iso]) => [
          name,
          new Date(frame.toScenario(clock.deadline(Date.parse(iso)))).toISOString(),
        ]),
    ),
    events: scenario.events
      .slice()
      .sort((a, b) => a.index - b.index)
      .map((event) => {
        const delivery = deliveries.get(event.index);
        const outcome = snapshot.outcomes.get(event.index);
        return {
          at: new Date(event.atMs).toISOString(),
          type: event.type,
          // An event after the case's `until` never ran (the parser refuses those, so this is a safeguard).
          accepted: delivery?.accepted ?? false,
          ...(delivery && !delivery.accepted ? { error: text(delivery.error) } : {}),
          ...(outcome ? { outcome: outcome.outcome } : {}),
          ...(outcome?.outcome === 'failed' ? { error: text(outcome.error) } : {}),
        };
      }),
    timeline: state.timeline.map((entry) => ({
      at: atIso(entry.at),
      type: entry.type,
      summary: text(entry.summary),
      ...(entry.actor?.role ? { actor: entry.actor.role } : {}),
    })),
    emails: snapshot.outbox.map((m) => ({
      at: atIso(m.createdAt),
      to: m.to,
      subject: text(m.subject),
      kind: m.kind,
    })),
    money,
    history: snapshot.history,
    endedAt: at(endedMs),
  };
}
