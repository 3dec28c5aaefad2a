// Policy evaluation as a local activity. Its result is recorded in the case's history (a marker),
// so a decision once taken replays as taken: a later change to policies/ (evaluate, money
// rounding, the calendar) decides new cases, never rewrites the amounts or deadlines of cases in
// flight. Pure: no port and no clock (the workflow passes its time), so every worker registers it
// (worker/main.ts), tests use the real one and the simulator needs no server-time shim for it.
import {
  disputeWindowEndsAt,
  evaluate,
  payoutDeadline,
  remediationDeadline,
  type Decision,
  type EvaluationInput,
  type PolicyRules,
} from '../policies';

/**
 * The deadlines a decision taken at `at` sets, from the policy's calendar: the payout limit of an
 * approval, the dispute window of a denial, the remediation clock of a request that names a
 * technical problem (absent when the policy has none).
 */
export interface DecisionTerms {
  payoutDeadline: string;
  disputeWindowEndsAt: string;
  remediationDeadline?: string;
}

export interface EvaluatedDecision {
  decision: Decision;
  terms: DecisionTerms;
}

export interface DecisionActivities {
  /** The policy's decision on the case's facts, with the deadlines it would set if taken at `at`. */
  evaluatePolicy(args: {
    policy: PolicyRules;
    input: EvaluationInput;
    at: string;
  }): Promise<EvaluatedDecision>;
  /** The deadlines of a reviewer's decision taken at `at` (the reviewer chooses; the policy's calendar dates it). */
  decisionTerms(args: { policy: PolicyRules; requestedAt: string; at: string }): Promise<DecisionTerms>;
}

function terms(policy: PolicyRules, requestedAt: string, at: string): DecisionTerms {
  const remediation = remediationDeadline(policy, requestedAt);
  return {
    payoutDeadline: payoutDeadline(policy, { requestedAt, approvedAt: at }),
    disputeWindowEndsAt: disputeWindowEndsAt(policy, at),
    ...(remediation ? { remediationDeadline: remediation } : {}),
  };
}

export function createDecisionActivities(evaluator: typeof evaluate = evaluate): DecisionActivities {
  return {
    async evaluatePolicy({ policy, input, at }) {
      return { decision: evaluator(policy, input), terms: terms(policy, input.request.requestedAt, at) };
    },
    async decisionTerms({ policy, requestedAt, at }) {
      return terms(policy, requestedAt, at);
    },
  };
}
