// Taking and applying decisions: pure state changes that queue what the decision owes (emails,
// billing changes, the payout). Nothing here waits for the outside world.
import { disputeWindowEndsAt, payoutDeadline, remediationDeadline } from '../../policies/clocks';
import { evaluate, type Decision } from '../../policies/evaluate';
import type { Assessment, DecisionTerms, EvaluatedDecision } from '../../activities/decide';
import { withAccountFacts } from '../../policies/account-facts';
import type { EvaluationInput } from '../../policies/input';
import type { Actor } from '../message-definitions';
import { SYSTEM } from './case-record';
import type { CaseModel } from './model';
import { startPayout } from './payout';

/**
 * Applies a decision: mechanical ones at once (their effects queued), needs_review waits for a person.
 * `terms`: the deadlines recorded with it (decider.ts); without them (histories from before the
 * `decisions-recorded` patch) they are computed here.
 */
export function applyDecision(
  model: CaseModel,
  decision: Decision,
  decidedBy: Actor,
  note?: string,
  terms?: DecisionTerms,
  customerMessage?: string,
): void {
  const { state } = model;
  state.decision = {
    ...decision,
    decidedAt: model.now(),
    decidedBy,
    ...(note ? { note } : {}),
    ...(customerMessage ? { customerMessage } : {}),
  };
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

  const emailData = decisionEmail(state.decision);
  switch (decision.outcome) {
    case 'denied':
      if (state.status !== 'not_refundable') model.setStatus('denied');
      state.closed = true;
      // Every denial can be disputed once, for the policy's dispute period; the run stays for it.
      if (!state.dispute)
        state.deadlines.disputeWindowEndsAt =
          terms?.disputeWindowEndsAt ?? disputeWindowEndsAt(model.policy, model.now());
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
      state.deadlines.payoutDeadline =
        terms?.payoutDeadline ??
        payoutDeadline(model.policy, { requestedAt: state.request?.requestedAt ?? approvedAt, approvedAt });
      model.emailCustomer('decision', `decision-${state.timeline.length}`, emailData);
      // Facts read weeks ago (a chargeback since, a suspension) are re-read before money moves.
      if (model.recordDecisions() && billingFactsStale(model)) {
        model.queue({ kind: 'recheck_billing' });
        return;
      }
      proceedToPayout(model, decision.amountMinor);
      return;
    }
  }
}

/** How old billing's facts may be when a refund is approved; older ones are read again first. */
export const BILLING_FACTS_FRESH_MS = 24 * 60 * 60_000;

const MINUTE_MS = 60_000;

/**
 * Judged to the minute: facts read as a request arrived are a day old when a decision comes a day
 * later, whether the read finished a few milliseconds before or after the request's stamp.
 */
function billingFactsStale(model: CaseModel): boolean {
  if (!model.snapshotAt) return true;
  const ageMinutes = Math.round((model.nowMs() - Date.parse(model.snapshotAt)) / MINUTE_MS);
  return ageMinutes > BILLING_FACTS_FRESH_MS / MINUTE_MS;
}

/** The payout follows the withdrawal (or its failure route), never the other way round. */
export function proceedToPayout(model: CaseModel, amountMinor: number): void {
  if (model.policy.access.withdrawOnApproval) model.queue({ kind: 'withdraw_access' });
  else startPayout(model, amountMinor);
}

/**
 * Billing's fresh facts before a payout: a chargeback, a terms violation or suspected abuse reported
 * since the decision's facts were read holds the refund for a person (it would pay twice, or pay
 * someone billing has suspended); otherwise the payout goes ahead.
 */
export function billingRechecked(model: CaseModel): void {
  const { state } = model;
  const decision = state.decision;
  if (state.status !== 'approved' || state.payout || !decision) return;
  const facts = model.snapshot;
  const blockers = [
    ...(facts?.chargebackActive || state.chargebackActive ? ['a chargeback is open'] : []),
    ...(facts?.termsViolation ? ['a terms violation is recorded'] : []),
    ...(facts?.abuseSuspected ? ['abuse is suspected'] : []),
  ];
  if (blockers.length === 0) return proceedToPayout(model, decision.amountMinor);
  model.record('payout_held', `Payout held: billing now reports that ${blockers.join(' and ')}`);
  model.setStatus('under_review');
  model.escalate(
    'payout-held',
    `The approved refund was not paid: billing now reports that ${blockers.join(' and ')}. Decide again (POST …/decisions).`,
  );
}

/**
 * What the decision email renders. Never the note (internal); the reviewer's customer message and
 * who decided, so the email explains a person's decision as theirs, not by the reasons that had
 * kept the case waiting for them.
 */
export function decisionEmail(
  decision: NonNullable<CaseModel['state']['decision']>,
): Record<string, unknown> {
  return {
    outcome: decision.outcome,
    amountMinor: decision.amountMinor,
    currency: decision.currency,
    reasons: decision.reasons,
    explanations: decision.explanations,
    extensionDays: decision.extensionDays,
    decidedBy: decision.decidedBy.role,
    ...(decision.customerMessage ? { customerMessage: decision.customerMessage } : {}),
  };
}

/**
 * The decision the request's assessment evaluated (patch `rollup-2`), if it still holds: it was
 * evaluated on `input` with billing's facts, and the case's input now, facts included, is the same
 * — a message that changed the case while billing was read means the decide effect evaluates
 * again. Its `asOf` is when the read was sent, a local activity's length ago (at most 15 s), as
 * the two-step path's decision was evaluated one local activity before it was applied.
 */
export function evaluationThatHolds(
  model: CaseModel,
  input: EvaluationInput,
  assessment: Assessment,
): EvaluatedDecision | undefined {
  if (!assessment.evaluated) return undefined;
  const facts = (i: EvaluationInput) => JSON.stringify({ ...i, asOf: undefined });
  const evaluatedOn = facts(withAccountFacts(input, assessment.snapshot));
  return evaluatedOn === facts(model.evaluationInput()) ? assessment.evaluated : undefined;
}

/**
 * Decides the pending request on the facts the case has (billing's snapshot once read).
 * `evaluated`: the policy's decision on exactly these facts, recorded with billing's read
 * (effects.ts, patch `rollup-2`); without it a recorded decision is queued (the decide effect).
 */
export function decideRequest(model: CaseModel, evaluated?: EvaluatedDecision): void {
  const { state } = model;
  if (!state.request || state.decision || state.closed) return;
  if (!DECIDABLE.includes(state.status)) return;
  if (evaluated) return applyEvaluated(model, 'request', undefined, evaluated);
  if (model.recordDecisions()) return model.queueDecision('request');
  decideRequestWith(model, evaluate(model.policy, model.evaluationInput()));
}

/** Applies the first decision on a request: the policy's, evaluated inline or recorded with its terms. */
function decideRequestWith(model: CaseModel, decision: Decision, terms?: DecisionTerms): void {
  const { state } = model;
  const remediating = decision.reasons.includes('REMEDIATION_PENDING') && !state.issue;
  if (remediating) startRemediationFromRequest(model, terms);
  applyDecision(model, decision, SYSTEM, undefined, terms);
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
function startRemediationFromRequest(model: CaseModel, terms?: DecisionTerms): void {
  const { state, policy } = model;
  const request = state.request!;
  const deadline = terms ? terms.remediationDeadline : remediationDeadline(policy, request.requestedAt);
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

const DECIDABLE: string[] = ['open', 'remediation', 'expired', 'not_refundable', 'under_review'];

/** Re-evaluates after a fact changed, while the case waits for a decision. */
export function decideAgain(model: CaseModel, reason: string): void {
  const { state } = model;
  if (!state.request) return;
  // Still assessing: the assessment decides with the new fact.
  if (!state.decision && model.has('assess')) return;
  model.record('reevaluated', reason);
  if (model.recordDecisions()) return model.queueDecision('again');
  applyDecision(model, evaluate(model.policy, model.evaluationInput()), SYSTEM);
}

/** The decision deadline passed and the policy decides by itself (auto_deny or auto_approve). */
export function decideAtDeadline(model: CaseModel): void {
  if (model.recordDecisions()) return model.queueDecision('deadline');
  applyAtDeadline(model, evaluate(model.policy, model.evaluationInput()));
}

function applyAtDeadline(model: CaseModel, base: Decision, terms?: DecisionTerms): void {
  if (model.policy.decision.onDeadline === 'auto_deny')
    applyDecision(
      model,
      {
        ...base,
        outcome: 'denied',
        amountMinor: 0,
        reasons: base.reasons.length ? base.reasons : ['DISCRETIONARY_REVIEW'],
      },
      SYSTEM,
      'auto-denied at the decision deadline',
      terms,
    );
  else
    applyDecision(
      model,
      { ...base, outcome: 'full_refund', amountMinor: model.cashPaidMinor },
      SYSTEM,
      'auto-approved at the decision deadline',
      terms,
    );
}

export type DecideMode = 'request' | 'again' | 'deadline';

/**
 * Applies a decision the decide effect evaluated (the local activity's recorded result, with the
 * deadlines it sets), when the case still waits for it: no decision was taken meanwhile (a
 * reviewer's, say), the case is not closed, and for a first decision the request is still open to one.
 */
export function applyEvaluated(
  model: CaseModel,
  mode: DecideMode,
  decidedAt: string | undefined,
  { decision, terms }: EvaluatedDecision,
): void {
  const { state } = model;
  if (!state.request || state.decision?.decidedAt !== decidedAt) return;
  switch (mode) {
    case 'request':
      if (state.decision || state.closed || !DECIDABLE.includes(state.status)) return;
      return decideRequestWith(model, decision, terms);
    case 'again':
      return applyDecision(model, decision, SYSTEM, undefined, terms);
    case 'deadline':
      if (state.closed || state.status !== 'under_review') return;
      return applyAtDeadline(model, decision, terms);
  }
}
