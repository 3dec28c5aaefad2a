// The late-event record of an order: gateway events and chargebacks that arrive after the order's
// refund case has ended (its settle period over, or a case that closed without paying). The API
// signals-with-start it (workflow id `refund-case-late-<orderId>`), so nothing is ever dropped and
// the record is as durable as the case was: each new event is kept (repeats recognised by their
// key) and support is told in plain words, with retries until the notice is delivered. The
// record stays open for the next late event (it holds no timer, so it costs nothing while idle)
// and continues as new past its event budget; GET /v1/cases/:orderId shows it as `lateEvents`.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefundActivities } from '../activities/contract';
import { HISTORY_EVENT_BUDGET } from './case/carry';
import type { Actor } from './messages';

export interface LateEvent {
  /** The gateway's event id or the caller's Idempotency-Key: a repeat is recognised. */
  key: string;
  kind: 'payment_update' | 'chargeback';
  receivedAt: string;
  /** One line for support and the case view. */
  summary: string;
  actor?: Actor;
  /** The case's status when its run ended, as the API read it. */
  caseStatus?: string;
}

export interface LateEventsState {
  orderId: string;
  customerId: string;
  /** The most recent events, oldest first (at most LATE_EVENTS_KEPT). */
  events: (LateEvent & { notifiedAt?: string })[];
  /** Every event ever recorded, including those no longer in `events`. */
  total: number;
  /** Keys seen (bounded), so a redelivered event is not recorded twice. */
  seenKeys: string[];
}

const LATE_EVENTS_KEPT = 200;
const SEEN_KEYS_KEPT = 500;

export const lateEventSignal = defineSignal<[LateEvent]>('lateEvent');
export const lateEventsQuery = defineQuery<LateEventsState>('lateEvents');
export const lateEventsWorkflowId = (orderId: string): string => `refund-case-late-${orderId}`;

// A notice to support must arrive: the activity retries (backing off to an hour) until it does.
const { notifySupport } = proxyActivities<RefundActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

export interface LateEventsInput {
  orderId: string;
  customerId: string;
  carried?: LateEventsState;
}

export async function lateCaseEvents(input: LateEventsInput): Promise<void> {
  const state: LateEventsState = input.carried ?? {
    orderId: input.orderId,
    customerId: input.customerId,
    events: [],
    total: 0,
    seenKeys: [],
  };
  const unnotified = () => state.events.filter((e) => !e.notifiedAt);
  setHandler(lateEventsQuery, () => state);
  setHandler(lateEventSignal, (event) => {
    if (state.seenKeys.includes(event.key)) return;
    state.seenKeys = [...state.seenKeys.slice(-(SEEN_KEYS_KEPT - 1)), event.key];
    state.events = [...state.events.slice(-(LATE_EVENTS_KEPT - 1)), event];
    state.total++;
  });
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= HISTORY_EVENT_BUDGET;
  for (;;) {
    await condition(() => unnotified().length > 0 || historyFull());
    const next = unnotified()[0];
    if (next) {
      await notifySupport({
        orderId: state.orderId,
        customerId: state.customerId,
        kind: next.kind === 'chargeback' ? 'chargeback' : 'escalation',
        reason: `After the case ended${next.caseStatus ? ` (${next.caseStatus})` : ''}: ${next.summary}. Nothing acts on it by itself; handle it by hand.`,
        idempotencyKey: `${lateEventsWorkflowId(state.orderId)}:${next.key}`,
        data: next.caseStatus ? { status: next.caseStatus } : {},
      });
      next.notifiedAt = new Date().toISOString();
      continue;
    }
    await condition(allHandlersFinished);
    await continueAsNew<typeof lateCaseEvents>({
      orderId: state.orderId,
      customerId: state.customerId,
      carried: state,
    });
  }
}
