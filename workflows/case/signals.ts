// The case's signals: the gateway's payment events, chargebacks, confirmed incidents and usage
// reports. Signals never fail the workflow task: a malformed one is refused on the timeline,
// repeats are recognised by their keys.
import { log, setHandler } from '@temporalio/workflow';
import type { SignalDefinition } from '@temporalio/common';
import {
  chargebackSignal,
  incidentConfirmedSignal,
  isRefusedPayload,
  paymentUpdateSignal,
  usageReportedSignal,
  type Actor,
  type IncidentConfirmed,
  type PaymentUpdate,
  type SignalMeta,
} from '../message-definitions';
import { describeIssues, validate, type Validator } from '../message-validators';
import { chargebackAfterClose, paymentEventAfterResolution } from './after-close';
import { decideAgain } from './decisions';
import type { CaseModel } from './model';
import { settle } from './payout';
import { plusDays } from './time';

/** Unsealed signals recorded on a case's timeline; later ones are only logged. */
const MAX_REFUSED_RECORDED = 20;

export function registerSignals(model: CaseModel, publish: () => void): void {
  const { state, policy, order } = model;

  // Signals never fail the workflow task: a malformed one is refused on the timeline, repeats are recognised.
  function signal<I>(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    def: SignalDefinition<any[]>,
    validator: Validator<I>,
    name: string,
    keyOf: (msg: I) => string | undefined,
    apply: (msg: I, actor: Actor) => void,
    defaultActor: Actor = { role: 'gateway' },
  ): void {
    setHandler(
      def as never,
      ((raw: unknown, meta?: SignalMeta) => {
        // An unsealed payload (a plain signal sent straight to Temporal, decoded by the codec into
        // its refusal marker) is dropped; the first MAX_REFUSED_RECORDED are kept on the timeline,
        // so a flood cannot grow the case without bound.
        if (isRefusedPayload(raw)) {
          log.warn('unsealed signal refused', { signal: name });
          if (++model.refusedSignals <= MAX_REFUSED_RECORDED) {
            model.record(
              'message_refused',
              `A ${name} signal was refused: it was not sealed with the encryption key`,
              { role: 'system' },
              { signal: name },
            );
            publish();
          }
          return;
        }
        const parsed = validator(raw);
        const actor = ((parsed.success ? (parsed.data as { actor?: Actor }).actor : undefined) ??
          defaultActor) as Actor;
        if (!parsed.success) {
          log.warn(`malformed ${name} refused`, { issues: parsed.issues.length });
          model.record(
            'message_refused',
            `A ${name} message was refused: ${describeIssues(parsed.issues)}`,
            actor,
          );
          publish();
          return;
        }
        const dedupe = meta?.dedupeKey ? `${name}:key:${meta.dedupeKey}` : undefined;
        const own = keyOf(parsed.data);
        if (!model.firstSight(dedupe) || !model.firstSight(own ? `${name}:${own}` : undefined)) return;
        apply(parsed.data, actor);
        publish();
      }) as never,
    );
  }

  signal(
    paymentUpdateSignal,
    validate.PaymentUpdate,
    'paymentUpdate',
    (u) => u.eventId,
    (u, actor) => {
      const payout = state.payout;
      if (payout?.status === 'creating' && !payout.refundId) {
        // The event overtook the create call's answer (or the answer was lost): keep it for when
        // the refund id is known, and hurry a waiting retry, which asks the gateway first.
        model.record(
          'payment_update_early',
          `Gateway event (${u.status}) for refund ${u.refundId} before the payout's answer; kept`,
          actor,
        );
        model.earlyEvents = [
          ...model.earlyEvents.slice(-9),
          {
            refundId: u.refundId,
            status: u.status,
            ...(u.failureReason ? { failureReason: u.failureReason } : {}),
          },
        ];
        if (payout.outcomeUnknown)
          model.effects
            .filter((e) => e.kind === 'payout' && !e.inFlight)
            .forEach((e) => (e.dueAt = model.now()));
        return;
      }
      if (paymentEventAfterResolution(model, settlementOf(u), actor)) return;
      settleSignal(u, actor);
    },
  );
  const settlementOf = (u: PaymentUpdate) => ({
    refundId: u.refundId,
    status: u.status,
    ...(u.failureReason ? { failureReason: u.failureReason } : {}),
  });
  const settleSignal = (u: PaymentUpdate, actor: Actor): void =>
    settle(model, settlementOf(u), 'webhook', actor);

  signal(
    chargebackSignal,
    validate.Chargeback,
    'chargeback',
    () => undefined,
    ({ active, reference }, actor) => {
      if (state.chargebackActive === active) return;
      state.chargebackActive = active;
      model.record(
        active ? 'chargeback_opened' : 'chargeback_withdrawn',
        active ? `Chargeback opened${reference ? ` (${reference})` : ''}` : 'Chargeback withdrawn',
        actor,
      );
      if (active)
        model.tellSupport(
          'chargeback',
          `chargeback-${state.timeline.length}`,
          'A chargeback was opened on this order',
        );
      if (active && (state.status === 'under_review' || state.status === 'remediation'))
        decideAgain(model, 'An active chargeback blocks the refund');
      chargebackAfterClose(model, active, reference);
    },
  );

  signal(
    incidentConfirmedSignal,
    validate.IncidentConfirmed,
    'incidentConfirmed',
    (i) => i.incidentId,
    (incident, actor) => {
      if (!incidentCovers(incident))
        return model.record('incident_ignored', `Incident ${incident.incidentId} does not cover this order`);
      const confirmedAt = model.now();
      state.incidents.push({
        incidentId: incident.incidentId,
        confirmedAt,
        description: incident.description,
      });
      model.record(
        'incident_confirmed',
        `Confirmed incident ${incident.incidentId}: ${incident.description}`,
        actor,
      );
      if (state.status === 'expired' && !state.request) {
        // A confirmed incident reopens the window: the pro-rata clause applies beyond the 7 days.
        state.deadlines.requestWindowEndsAt = plusDays(confirmedAt, policy.window.days, policy);
        state.closed = false;
        model.setStatus('open');
      } else if ((state.status === 'under_review' || state.status === 'remediation') && state.request) {
        model.setStatus('under_review');
        decideAgain(model, 'A confirmed incident gives the technical-availability ground');
      }
    },
    { role: 'reviewer' },
  );

  signal(
    usageReportedSignal,
    validate.UsageReported,
    'usageReported',
    () => undefined,
    ({ used }) => {
      // Before billing's first read there is nothing to update: that read finds the figure itself.
      if (!model.snapshot) return;
      model.snapshot = { ...model.snapshot, usage: { used } };
      // DESIGN: "Money never moves on unknown facts" — and once the fact is known, the case decides.
      if (state.status === 'under_review' && state.decision?.reasons.includes('USAGE_UNKNOWN')) {
        model.record(
          'usage_reported',
          `Billing reports usage: ${used}${order.quota ? ` ${order.quota.unit}` : ''}`,
        );
        decideAgain(model, 'The usage figure the decision waited for arrived');
      }
    },
    { role: 'checkout' },
  );

  function incidentCovers(incident: IncidentConfirmed): boolean {
    if (incident.productId && order.productId && incident.productId !== order.productId) return false;
    const serviceTo = Date.parse(
      model.subscriptionEnd ?? state.deadlines.incidentCoverEndsAt ?? model.windowEnd,
    );
    return Date.parse(incident.from) <= serviceTo && Date.parse(incident.to) >= Date.parse(order.purchasedAt);
  }
}
