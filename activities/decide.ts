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
import { withAccountFacts } from '../policies/account-facts';
import type { AccountSnapshot, CaseRef } from './contract';

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

/** Billing's facts for a refund request, and the policy's decision on them when it could be taken. */
export interface Assessment {
  snapshot: AccountSnapshot;
  /** Absent when evaluating failed: the case evaluates again on its own (its `decide` effect). */
  evaluated?: EvaluatedDecision;
}

export interface AssessActivities {
  /**
   * A refund request's first task in one local activity (patch `rollup-2`, issue 15): billing's
   * facts read, then the policy evaluated on `input` with them (account-facts.ts), as two local
   * activities did before — one marker and one round trip instead of two. The case applies the
   * decision only if its own input, facts included, is still the one evaluated here.
   */
  assessRequest(args: {
    ref: CaseRef;
    policy: PolicyRules;
    /** The case's input before billing's facts (CaseModel.baseEvaluationInput). */
    input: EvaluationInput;
    at: string;
  }): Promise<Assessment>;
}

/**
 * `readAccount` is the worker's getAccountSnapshot (its adapter's failures, retryable or not, are
 * the assessment's own: the case routes them as a failed billing read).
 */
export function createAssessActivities(
  readAccount: (ref: CaseRef) => Promise<AccountSnapshot>,
  evaluator: typeof evaluate = evaluate,
): AssessActivities {
  const decisions = createDecisionActivities(evaluator);
  return {
    async assessRequest({ ref, policy, input, at }) {
      const snapshot = await readAccount(ref);
      try {
        return {
          snapshot,
          evaluated: await decisions.evaluatePolicy({ policy, input: withAccountFacts(input, snapshot), at }),
        };
      } catch {
        // A policy that cannot be evaluated is not billing's failure: the case's decide effect
        // evaluates again and takes that failure's own route.
        return { snapshot };
      }
    },
  };
}
