// The case's clocks. Pure: which deadline comes next, and what happens when it passes. The main
// loop sleeps until the next wake and then calls fireDueDeadlines, which recomputes from the
// state as it is *now* — a deadline a message moved or paused while the loop slept does not fire.
import { settlePeriodOver } from './after-close';
import { decideAgain, decideAtDeadline } from './decisions';
import { FINAL_SALE_ANSWER_DAYS, RECEIVED_AT_MAX_AGE_MS, type CaseModel } from './model';
import { laterOf, plusDays, plusMs } from './time';
import { payoutLimitPassed } from './payout-route';

export type DeadlineKind =
  | 'request_window'
  | 'final_sale_end'
  | 'remediation'
  | 'decision'
  | 'decision_target'
  | 'payout_limit'
  | 'expired_close'
  | 'subscription_end'
  | 'dispute_window'
  | 'settle_period_end';

export interface Deadline {
  at: string;
  kind: DeadlineKind;
}

/** Every deadline that still stands, given the state as it is now. */
export function standingDeadlines(model: CaseModel): Deadline[] {
  const { state } = model;
  const d = state.deadlines;
  const out: Deadline[] = [];
  if (!state.closed) {
    switch (state.status) {
      case 'open':
        // A request being assessed was made in time: the window does not close on it.
        if (!state.request) out.push({ at: model.windowClosesAt(), kind: 'request_window' });
        break;
      case 'not_refundable':
        if (!state.decision && !state.request)
          out.push({
            at: laterOf(
              model.windowClosesAt(),
              plusDays(model.order.purchasedAt, FINAL_SALE_ANSWER_DAYS, model.policy),
            )!,
            kind: 'final_sale_end',
          });
        break;
      case 'remediation':
        if (d.remediationDeadline) out.push({ at: d.remediationDeadline, kind: 'remediation' });
        break;
      case 'under_review': {
        const clock = model.decisionClock;
        if (clock && !clock.fired && !clock.pausedAt && d.decisionDeadline)
          out.push({ at: d.decisionDeadline, kind: 'decision' });
        if (clock && !clock.fired && !clock.pausedAt && !clock.targetPassed && d.decisionTarget)
          out.push({ at: d.decisionTarget, kind: 'decision_target' });
        break;
      }
      case 'approved':
      case 'payout_pending':
        if (d.payoutDeadline && !model.payoutLimitFired)
          out.push({ at: d.payoutDeadline, kind: 'payout_limit' });
        break;
      case 'expired':
        // Open for incidents while they can reach the case, and for messages stamped inside the window.
        if (!state.request)
          out.push({
            at: laterOf(d.incidentCoverEndsAt, plusMs(model.windowClosesAt(), RECEIVED_AT_MAX_AGE_MS))!,
            kind: 'expired_close',
          });
        break;
      default:
        break;
    }
  }
  if (state.subscription?.effectiveAt && !state.subscription.ended)
    out.push({ at: state.subscription.effectiveAt, kind: 'subscription_end' });
  if (d.disputeWindowEndsAt) out.push({ at: d.disputeWindowEndsAt, kind: 'dispute_window' });
  if (model.listeningUntil) out.push({ at: model.listeningUntil, kind: 'settle_period_end' });
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** When the main loop must wake next: the earliest deadline or queued effect. */
export function nextWakeAt(model: CaseModel): string | undefined {
  const times = [...standingDeadlines(model).map((d) => d.at), ...model.effects.map((e) => e.dueAt)];
  return times.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

/** Fires every deadline that stands and is due; returns how many fired. */
export function fireDueDeadlines(model: CaseModel): number {
  let fired = 0;
  for (;;) {
    const due = standingDeadlines(model).find((d) => Date.parse(d.at) <= model.nowMs());
    if (!due) return fired;
    fire(model, due.kind);
    fired++;
    if (fired > 20) return fired; // every fire changes what stands; this only guards a bug from spinning
  }
}

function fire(model: CaseModel, kind: DeadlineKind): void {
  const { state, policy } = model;
  switch (kind) {
    case 'request_window':
      model.setStatus('expired');
      model.record('window_closed', 'The request window closed with nothing asked');
      return;
    case 'final_sale_end':
      model.close('final-sale answer period over');
      return;
    case 'expired_close':
      model.close(state.deadlines.incidentCoverEndsAt ? 'incident cover ended' : 'window closed');
      return;
    case 'remediation':
      model.record(
        'remediation_deadline_passed',
        'The issue was not remediated within the remediation deadline',
      );
      delete state.deadlines.remediationDeadline;
      if (state.request) {
        model.setStatus('under_review');
        decideAgain(model, 'Remediation deadline passed: the technical-availability ground is met');
        return;
      }
      // Nobody asked for money while the clock ran; the window (carried by the issue) is over.
      model.setStatus('expired');
      return;
    case 'decision': {
      model.decisionClock!.fired = true;
      model.escalate('decision-deadline', `decision deadline passed (${state.deadlines.decisionDeadline})`);
      const onDeadline = policy.decision.onDeadline;
      if (onDeadline === 'escalate') return;
      decideAtDeadline(model);
      return;
    }
    case 'decision_target':
      // proxy-strict: "We typically respond within 3–7 business days … (complex cases are updated
      // along the way)": day 3 passed without a decision, so the customer hears from us.
      model.decisionClock!.targetPassed = true;
      model.record('decision_target_passed', 'The usual answer time passed undecided; the customer is told');
      model.emailCustomer('decision_delayed', 'decision-delayed', {
        decisionDeadline: state.deadlines.decisionDeadline,
      });
      return;
    case 'payout_limit':
      if (model.longLived) return payoutLimitPassed(model);
      model.payoutLimitFired = true;
      model.escalate(
        'payout-limit',
        `payout limit passed (${state.deadlines.payoutDeadline}) without settlement`,
      );
      return;
    case 'dispute_window':
      delete state.deadlines.disputeWindowEndsAt;
      model.record('dispute_window_closed', 'The dispute period ended; the denial stands');
      return;
    case 'settle_period_end':
      settlePeriodOver(model);
      return;
    case 'subscription_end':
      state.subscription!.ended = true;
      model.record(
        'subscription_ended',
        state.subscription!.effectiveAt === model.subscriptionEnd
          ? 'The cancelled subscription ended at the close of its billing period; access ends now'
          : 'The cancelled subscription ended (cancelled at once, as the policy says); access ends now',
      );
      return;
  }
}
