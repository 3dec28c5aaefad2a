// The late-event record of an order: gateway events and chargebacks that arrive after the order's
// refund case has ended (its settle period over, or a case that closed without paying). The API
// signals-with-start it (workflow id `refund-case-late-<orderId>`), so nothing is ever dropped and
// the record is as durable as the case was: each new event is kept (repeats recognised by their
// key) and support is told in plain words, with retries until the notice is delivered. Support
// acknowledges the events it has handled (the `acknowledgeLateEvents` update, POST
// /v1/cases/:orderId/late-events/acknowledgements). The record holds no timer and continues as new
// past its event budget; once every event is both notified and acknowledged it completes, returning
// its state, so a settled order leaves no workflow open for ever (retention then applies to it as
// to the case). That is safe: a signal that arrives while the run completes makes the server reject
// the completion and the run goes on with it; one that arrives after starts a new run, which the
// client seeds with the completed run's events (client/refund-client.ts). GET /v1/cases/:orderId
// shows it as `lateEvents`.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefundActivities } from '../activities/contract';
import { HISTORY_EVENT_BUDGET } from './case/carry';
import type { AcknowledgeLateEventsInput, Actor } from './message-definitions';
import { describeIssues, validate } from './message-validators';

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

/** A late event as the record keeps it: when support was told, and who acknowledged it. */
export type RecordedLateEvent = LateEvent & {
  notifiedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: Actor;
  acknowledgeNote?: string;
};

export interface LateEventsState {
  orderId: string;
  customerId: string;
  /** The most recent events, oldest first (at most LATE_EVENTS_KEPT). */
  events: RecordedLateEvent[];
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
/** Support has handled these events (default: every one not yet acknowledged); answers the record. */
export const acknowledgeLateEventsUpdate = defineUpdate<LateEventsState, [AcknowledgeLateEventsInput]>(
  'acknowledgeLateEvents',
);

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

export async function lateCaseEvents(input: LateEventsInput): Promise<LateEventsState> {
  const state: LateEventsState = input.carried ?? {
    orderId: input.orderId,
    customerId: input.customerId,
    events: [],
    total: 0,
    seenKeys: [],
  };
  const unnotified = () => state.events.filter((e) => !e.notifiedAt);
  const settled = () =>
    state.events.length > 0 && state.events.every((e) => e.notifiedAt && e.acknowledgedAt);
  setHandler(lateEventsQuery, () => state);
  const toAcknowledge = (msg: AcknowledgeLateEventsInput) => {
    const open = state.events.filter((e) => !e.acknowledgedAt);
    if (!msg.keys) return open;
    for (const key of msg.keys)
      if (!state.events.some((e) => e.key === key))
        throw ApplicationFailure.create({
          type: 'WrongState',
          message: `keys: no late event ${key} on this order`,
          nonRetryable: true,
        });
    return open.filter((e) => msg.keys!.includes(e.key));
  };
  setHandler(
    acknowledgeLateEventsUpdate,
    (raw) => {
      // The validator refused anything else; a replay runs the handler alone, on what it accepted.
      const parsed = validate.AcknowledgeLateEvents(raw);
      if (!parsed.success) throw new TypeError(describeIssues(parsed.issues));
      const msg = parsed.data;
      const at = new Date().toISOString();
      for (const event of toAcknowledge(msg)) {
        event.acknowledgedAt = at;
        event.acknowledgedBy = msg.actor ?? { role: 'support' };
        if (msg.note) event.acknowledgeNote = msg.note;
      }
      return state;
    },
    {
      // A refused acknowledgement never reaches history.
      validator: (raw) => {
        const parsed = validate.AcknowledgeLateEvents(raw);
        if (!parsed.success)
          throw ApplicationFailure.create({
            type: 'InvalidArgument',
            message: describeIssues(parsed.issues),
            nonRetryable: true,
          });
        if (toAcknowledge(parsed.data).length === 0)
          throw ApplicationFailure.create({
            type: 'WrongState',
            message: 'every late event named is already acknowledged',
            nonRetryable: true,
          });
      },
    },
  );
  setHandler(lateEventSignal, (event) => {
    if (state.seenKeys.includes(event.key)) return;
    state.seenKeys = [...state.seenKeys.slice(-(SEEN_KEYS_KEPT - 1)), event.key];
    state.events = [...state.events.slice(-(LATE_EVENTS_KEPT - 1)), event];
    state.total++;
  });
  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= HISTORY_EVENT_BUDGET;
  for (;;) {
    await condition(() => unnotified().length > 0 || historyFull() || settled());
    if (settled()) {
      // Everything told and handled: the record completes (see the header for why that is safe).
      await condition(allHandlersFinished);
      if (settled()) return state;
      continue;
    }
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
