// The decide update: a person's decision on a case (the review, an escalation, a dispute), or
// another route for an approved remedy whose payout or billing change failed. The checks run in
// the validator and again in the handler; the policy's bounds on the reviewer's choice come from
// policies/ (checkReviewerChoice).
import { checkReviewerChoice, type Decision, type DecisionRoute } from '../../policies/evaluate';
import type { DecisionTerms } from '../../activities/decide';
import { decideUpdate, type DecideInput } from '../message-definitions';
import { validate } from '../message-validators';
import { decider } from './decider';
import { applyDecision } from './decisions';
import type { RegisterUpdate } from './handlers';
import { refuse, type CaseModel } from './model';
import { startPayout } from './payout';
import { actedOn } from './escalation';

export function registerDecide(model: CaseModel, update: RegisterUpdate): void {
  const { state, policy, order } = model;

  const rerouting = (): boolean =>
    state.status === 'approved' && (state.payout?.status === 'failed' || model.remedyFailed);
  /** The decide update's checks: the case's state, then the policy's bounds on the reviewer's choice. */
  function checkDecide(msg: DecideInput, inHandler: boolean): void {
    const reroute = rerouting();
    if (!reroute) model.whileIn(['under_review'], 'decide');
    if (reroute && msg.outcome === 'denied')
      refuse('an approved refund whose payout failed needs another route, not a denial');
    checkAmount(msg);
    // The policy's bounds, on every route and whatever decision the case holds (DESIGN: "A
    // reviewer's bounds are the policy's"): derived from the policy and the case's facts now.
    if (!state.request) refuse('no refund request on this case');
    if (reroute) return checkReroute(msg);
    // The validator checked the policy's bounds on this very state; the handler's replay must not
    // judge an accepted decision again with whatever policies/ code runs then (a later change of
    // the bounds would refuse, on replay, what was decided). Old histories check as they did.
    if (inHandler && model.recordDecisions()) return;
    const input = model.evaluationInput();
    // A billing error is corrected up to the amount support found charged in error, never more.
    if (msg.billingErrorMinor !== undefined)
      input.facts = { ...input.facts, billingErrorMinor: msg.billingErrorMinor };
    const problem = checkReviewerChoice(policy, input, decisionRoute(), {
      outcome: msg.outcome,
      ...(msg.amountMinor !== undefined ? { amountMinor: msg.amountMinor } : {}),
      ...(msg.extensionDays !== undefined ? { extensionDays: msg.extensionDays } : {}),
    });
    if (problem) refuse(problem);
  }
  update(decideUpdate, validate.Decide, {
    check: (msg, _receivedAt, inHandler) => checkDecide(msg, inHandler),
    apply: async (msg) => {
      // The deadlines this decision sets (payout limit, dispute window) come from the policy's
      // calendar: read by the recorded local activity, then checked again (a message may have
      // moved the case meanwhile; nothing is changed before).
      let terms: DecisionTerms | undefined;
      if (!rerouting() && model.recordDecisions()) {
        const at = model.now();
        terms = await decider.decisionTerms({ policy, requestedAt: state.request!.requestedAt, at });
        checkDecide(msg, true);
      }
      const actor = msg.actor ?? { role: 'reviewer' };
      // After the last check: a refused decision changes nothing. Escalations the decision raises stay.
      actedOn(model, actor, 'a decision was recorded');
      const amountMinor =
        msg.outcome === 'full_refund'
          ? model.cashPaidMinor
          : msg.outcome === 'denied' || msg.outcome === 'service_extension'
            ? 0
            : msg.amountMinor!;
      model.remedyFailed = false;
      if (
        state.payout?.status === 'failed' &&
        state.status === 'approved' &&
        (msg.outcome === 'full_refund' || msg.outcome === 'partial_refund')
      ) {
        model.record('payout_rerouted', `Support retries the payout: ${msg.note}`, actor);
        state.decision = {
          ...state.decision!,
          amountMinor,
          note: msg.note,
          decidedAt: model.now(),
          decidedBy: actor,
        };
        startPayout(model, amountMinor);
        return;
      }
      const base: Decision = state.decision ?? {
        outcome: 'needs_review',
        amountMinor: 0,
        currency: order.currency,
        reasons: [],
        policyId: policy.id,
        policyVersion: policy.version,
        explanations: [],
      };
      const reasons: Decision['reasons'] = base.reasons.includes('DISCRETIONARY_REVIEW')
        ? [...base.reasons]
        : [...base.reasons, 'DISCRETIONARY_REVIEW'];
      const explanations = base.reasons.includes('DISCRETIONARY_REVIEW')
        ? base.explanations
        : [...base.explanations, 'Decided by a reviewer'];
      applyDecision(
        model,
        {
          ...base,
          outcome: msg.outcome,
          amountMinor,
          reasons,
          explanations,
          ...(msg.outcome === 'credit' ? { creditMinor: amountMinor } : {}),
          ...(msg.extensionDays ? { extensionDays: msg.extensionDays } : {}),
        },
        actor,
        msg.note,
        terms,
        msg.customerMessage,
      );
    },
  });
  /**
   * Another route for an approved remedy whose payout or billing change failed: the value decided
   * stands (a refund or credit of at most the approved amount, or a service extension instead);
   * the policy's bounds were checked when it was approved.
   */
  function checkReroute(msg: DecideInput): void {
    const approved = state.decision!.amountMinor || (state.decision!.creditMinor ?? 0);
    const amount = msg.outcome === 'full_refund' ? model.cashPaidMinor : (msg.amountMinor ?? 0);
    if (msg.outcome !== 'service_extension' && amount > approved)
      refuse(`amountMinor: at most ${approved}, the amount approved, on another route`);
    // A refund sent again is no new decision, so no decision email would carry the message.
    const resent =
      state.payout?.status === 'failed' &&
      (msg.outcome === 'full_refund' || msg.outcome === 'partial_refund');
    if (resent && msg.customerMessage)
      refuse('customerMessage: a refund sent again emails no decision (the customer hears when it is sent)');
  }
  /** Where a person's decision comes from: a dispute of a denial, an escalated case, or the review. */
  function decisionRoute(): DecisionRoute {
    if (state.dispute) return 'dispute';
    return state.escalated ? 'escalation' : 'review';
  }
  function checkAmount(msg: DecideInput): void {
    const amount = msg.amountMinor;
    const cash = model.cashPaidMinor;
    if ((msg.outcome === 'partial_refund' || msg.outcome === 'credit') && amount === undefined)
      refuse(`amountMinor: required for ${msg.outcome}`);
    if (msg.outcome === 'partial_refund' && amount !== undefined && (amount <= 0 || amount > cash))
      refuse(`amountMinor: must be between 1 and the cash paid (${cash})`);
    if (msg.outcome === 'full_refund' && amount !== undefined && amount !== cash)
      refuse(`amountMinor: a full refund is the cash paid (${cash})`);
    if (msg.outcome === 'service_extension' && !msg.extensionDays)
      refuse('extensionDays: required for a service extension');
    if (msg.outcome === 'denied' && amount) refuse('amountMinor: a denial moves no money');
  }
}
