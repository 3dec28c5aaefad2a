// evaluate(policy, input) → Decision: the policy applied to one refund request, with every
// reason that applied. Pure and deterministic — no clock, no I/O — because the workflow calls
// it inside Temporal's sandbox and must get the same answer on replay.
//
// Windows are judged at request.requestedAt; the remediation clock and review facts as known
// at input.asOf (default requestedAt). Only technical, discretionary, billing, unknown-usage and
// disputed cases wait for a person (needs_review); everything the policy settles mechanically is
// settled here. reviewerBounds() derives what a person may decide on any route from the same
// policy and facts, so no decision route allows more than the policy's sentence does.
// The parts live in policies/evaluation/: the context and helpers, the bars, the grounds and shares,
// the routes. This module keeps the entry points (and its path: a replay test swaps it whole).
import type { Outcome } from './codes';
import type { EvaluationInput } from './input';
import { cashPaidMinor } from './money';
import type { PolicyRules, ReviewBounds } from './policy';
import { type Allowed, context, type Decision, DENIED, normalize } from './evaluation/context';
import { disputeReview, mechanical } from './evaluation/routes';

export type { Decision, ReviewBounds };

/** The policy applied to one refund request. Pure and deterministic. */
export function evaluate(policy: PolicyRules, rawInput: EvaluationInput): Decision {
  const c = context(policy, rawInput);
  const decision = mechanical(c);
  if (c.input.facts.disputedAt !== undefined && decision.outcome === 'denied')
    return disputeReview(c, decision);
  return decision;
}

/**
 * Where a person's decision comes from: the review a needs_review case waits for, an escalated
 * case (a deadline passed), or a dispute of a denial.
 */
export type DecisionRoute = 'review' | 'escalation' | 'dispute';

/** A person's decision, as the decide route carries it. */
export interface ReviewerChoice {
  outcome: Outcome;
  /** Cash to refund or credit to grant (minor units); a full refund is the cash paid. */
  amountMinor?: number;
  extensionDays?: number;
}

/** For a case the policy decides by itself: its outcome, or less. */
function policyOutcomeBounds(decision: Decision): ReviewBounds {
  const allowed: Allowed = [DENIED];
  switch (decision.outcome) {
    case 'full_refund':
      allowed.push(
        { outcome: 'full_refund', maxAmountMinor: decision.amountMinor },
        { outcome: 'partial_refund', maxAmountMinor: Math.max(0, decision.amountMinor - 1) },
      );
      break;
    case 'partial_refund':
      allowed.push({ outcome: 'partial_refund', maxAmountMinor: decision.amountMinor });
      break;
    case 'credit':
      allowed.push({ outcome: 'credit', maxAmountMinor: decision.creditMinor ?? decision.amountMinor });
      break;
    case 'service_extension':
      allowed.push({
        outcome: 'service_extension',
        maxAmountMinor: 0,
        maxExtensionDays: decision.extensionDays ?? 0,
      });
      break;
    default:
      break;
  }
  return { kind: 'policy_outcome', allowed };
}

/**
 * What a person may decide on this case, by this route, derived from the policy and the case's
 * facts alone (never from a pending decision the case happens to hold). A dispute is judged as a
 * disputed denial at `facts.disputedAt` (default asOf).
 */
export function reviewerBounds(
  policy: PolicyRules,
  input: EvaluationInput,
  route: DecisionRoute,
): ReviewBounds {
  const disputedAt = input.facts?.disputedAt ?? input.asOf ?? input.request.requestedAt;
  const decision = evaluate(
    policy,
    route === 'dispute' ? { ...input, facts: { ...input.facts, disputedAt } } : input,
  );
  return decision.review ?? policyOutcomeBounds(decision);
}

/**
 * Checks a person's decision against reviewerBounds(): a message naming the field when it asks
 * for more than the policy allows, undefined when it is within bounds. The workflow calls this
 * for every decision, whatever state the case is in.
 */
export function checkReviewerChoice(
  policy: PolicyRules,
  input: EvaluationInput,
  route: DecisionRoute,
  choice: ReviewerChoice,
): string | undefined {
  const bounds = reviewerBounds(policy, input, route);
  const problem = checkAgainst(bounds, choice, cashPaidMinor(normalize(input).order));
  return problem && bounds.note ? `${problem}. ${bounds.note}` : problem;
}

function checkAgainst(bounds: ReviewBounds, choice: ReviewerChoice, cashMinor: number): string | undefined {
  const allowed = bounds.allowed.find((a) => a.outcome === choice.outcome);
  if (!allowed)
    return `outcome: ${choice.outcome} is not allowed here (${bounds.kind}; allowed: ${bounds.allowed.map((a) => a.outcome).join(', ')})`;
  const amount = choice.amountMinor ?? (choice.outcome === 'full_refund' ? cashMinor : 0);
  if (!Number.isSafeInteger(amount) || amount < 0) return 'amountMinor: expected a non-negative integer';
  if (amount > allowed.maxAmountMinor)
    return `amountMinor: at most ${allowed.maxAmountMinor} for ${choice.outcome}`;
  if (choice.outcome === 'service_extension' && allowed.maxExtensionDays !== undefined) {
    const days = choice.extensionDays ?? 0;
    if (days > allowed.maxExtensionDays) return `extensionDays: at most ${allowed.maxExtensionDays}`;
  }
  return undefined;
}

/**
 * Checks a reviewer's decision against the bounds a needs_review decision carries.
 * @deprecated Use checkReviewerChoice(policy, input, route, choice): it derives the bounds from
 * the policy and the facts for every route; this one has nothing to check against when the case's
 * decision carries no bounds.
 */
export function checkReviewerDecision(
  pending: Decision,
  chosen: { outcome: Outcome; amountMinor?: number },
): string | undefined {
  if (pending.outcome !== 'needs_review' || !pending.review) return undefined;
  return checkAgainst(pending.review, chosen, Number.MAX_SAFE_INTEGER);
}
