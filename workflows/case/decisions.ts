// Taking and applying decisions: pure state changes that queue what the decision owes (emails,
// billing changes, the payout). Nothing here waits for the outside world.
import { disputeWindowEndsAt, payoutDeadline, remediationDeadline } from '../../policies/clocks';
import { evaluate, type Decision } from '../../policies/evaluate';
import type { Actor } from '../messages';
import { SYSTEM, type CaseModel } from './model';
import { startPayout } from './payout';

/** Applies a decision: mechanical ones at once (their effects queued), needs_review waits for a person. */
export function applyDecision(model: CaseModel, decision: Decision, decidedBy: Actor, note?: string): void {
  const { state } = model;
  state.decision = { ...decision, decidedAt: model.now(), decidedBy, ...(note ? { note } : {}) };
  model.record(
    'decision',
    `${decision.outcome.replace(/_/g, ' ')}${decision.reasons.length ? ` (${decision.reasons.join(', ')})` : ''}`,
    decidedBy,
    {
      outcome: decision.outcome,
      amountMinor: decision.amountMinor,
      reasons: decision.reasons,
    },
  );

  if (decision.outcome === 'needs_review') {
    const waitingForRemediation =
      decision.reasons.includes('REMEDIATION_PENDING') && state.status === 'remediation';
    if (!waitingForRemediation) {
      model.setStatus('under_review');
      // The clock starts once, when the request is complete; a re-evaluation never restarts it.
      model.startDecisionClock();
      model.tellSupport(
        'needs_review',
        `review-${state.timeline.length}`,
        `Review needed: ${decision.reasons.join(', ')}`,
        { reasons: decision.reasons },
      );
    }
    return;
  }

  const emailData = decisionEmail(decision);
  switch (decision.outcome) {
    case 'denied':
      if (state.status !== 'not_refundable') model.setStatus('denied');
      state.closed = true;
      // Every denial can be disputed once, for the policy's dispute period; the run stays for it.
      if (!state.dispute)
        state.deadlines.disputeWindowEndsAt = disputeWindowEndsAt(model.policy, model.now());
      model.emailCustomer('decision', `decision-${state.timeline.length}`, emailData);
      return;
    case 'credit':
      model.setStatus('approved');
      model.queue({ kind: 'credit', amountMinor: decision.creditMinor ?? decision.amountMinor });
      return;
    case 'service_extension':
      model.setStatus('approved');
      model.queue({ kind: 'extension', days: decision.extensionDays ?? 0 });
      return;
    case 'full_refund':
    case 'partial_refund': {
      const approvedAt = model.now();
      model.setStatus('approved');
      state.deadlines.payoutDeadline = payoutDeadline(model.policy, {
        requestedAt: state.request?.requestedAt ?? approvedAt,
        approvedAt,
      });
      model.emailCustomer('decision', `decision-${state.timeline.length}`, emailData);
      // The payout follows the withdrawal (or its failure route), never the other way round.
      if (model.policy.access.withdrawOnApproval) model.queue({ kind: 'withdraw_access' });
      else startPayout(model, decision.amountMinor);
      return;
    }
  }
}

export function decisionEmail(decision: Decision): Record<string, unknown> {
  return {
    outcome: decision.outcome,
    amountMinor: decision.amountMinor,
    currency: decision.currency,
    reasons: decision.reasons,
    explanations: decision.explanations,
    extensionDays: decision.extensionDays,
  };
}

/** Decides the pending request on the facts the case has (billing's snapshot once read). */
export function decideRequest(model: CaseModel): void {
  const { state } = model;
  if (!state.request || state.decision || state.closed) return;
  if (!['open', 'remediation', 'expired', 'not_refundable', 'under_review'].includes(state.status)) return;
  const decision = evaluate(model.policy, model.evaluationInput());
  const remediating = decision.reasons.includes('REMEDIATION_PENDING') && !state.issue;
  if (remediating) startRemediationFromRequest(model);
  applyDecision(model, decision, SYSTEM);
  // The clock runs without anyone's help, but a policy that verifies first needs its review meanwhile.
  if (remediating && state.status === 'remediation' && decision.reasons.includes('NEEDS_TECHNICAL_REVIEW'))
    model.tellSupport(
      'needs_review',
      `review-${state.timeline.length}`,
      `Technical review needed while the remediation clock runs (until ${state.deadlines.remediationDeadline})`,
      { reasons: decision.reasons },
    );
}

/**
 * DESIGN: "A request that names a technical problem is the issue report when none was reported:
 * the remediation clock starts at the request, the case waits in `remediation`, and when the
 * clock runs out unremediated the case decides again by itself." The policy (evaluate) already
 * reads the request as the report; here the case keeps that clock (the remediation deadline fires).
 */
function startRemediationFromRequest(model: CaseModel): void {
  const { state, policy } = model;
  const request = state.request!;
  const deadline = remediationDeadline(policy, request.requestedAt);
  if (!deadline) return;
  state.issue = {
    description: request.description ?? `Refund request: ${request.reason.replace(/_/g, ' ')}`,
    reportedAt: request.requestedAt,
    fromRequest: true,
  };
  state.deadlines.remediationDeadline = deadline;
  model.record(
    'issue_reported',
    `The refund request names a technical problem: it is the issue report; the remediation clock runs until ${deadline}`,
    SYSTEM,
    { remediationDeadline: deadline },
  );
  model.setStatus('remediation');
}

/** Re-evaluates after a fact changed, while the case waits for a decision. */
export function decideAgain(model: CaseModel, reason: string): void {
  const { state } = model;
  if (!state.request) return;
  // Still assessing: the assessment decides with the new fact.
  if (!state.decision && model.has('assess')) return;
  model.record('reevaluated', reason);
  applyDecision(model, evaluate(model.policy, model.evaluationInput()), SYSTEM);
}
