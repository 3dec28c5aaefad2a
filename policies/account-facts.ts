// Billing's facts in the evaluation input: one function, so the workflow (which builds the input
// from the case) and the request's assessment (activities/decide.ts, which reads billing and
// evaluates in one local activity) put them in exactly the same way. No zod, no policy code: the
// workflow bundle imports it.
import type { EvaluationInput } from './input';

/** What billing knows about the customer and the order (activities/contract.ts calls it AccountSnapshot). */
export interface AccountFacts {
  /** Consumed quota units for this order, when the product is metered. */
  usage?: { used: number };
  chargebackActive: boolean;
  refundsInLast90Days: number;
  termsViolation: boolean;
  abuseSuspected: boolean;
}

/**
 * The input with billing's facts read in: its usage, and a chargeback either side knows of. An
 * input built without facts (`account` undefined) says none is known.
 */
export function withAccountFacts(input: EvaluationInput, account: AccountFacts | undefined): EvaluationInput {
  return {
    ...input,
    ...(account?.usage ? { usage: account.usage } : {}),
    facts: {
      ...input.facts,
      chargebackActive: (input.facts?.chargebackActive ?? false) || (account?.chargebackActive ?? false),
      termsViolation: account?.termsViolation ?? false,
      abuseSuspected: account?.abuseSuspected ?? false,
      refundsInLast90Days: account?.refundsInLast90Days ?? 0,
    },
  } as EvaluationInput;
}
