// The policy's reason codes as a customer reads them, and which of them can explain an outcome.
// policies/codes.ts words them for support ("the provider", "the customer") and evaluate() adds
// details with raw times and cap ids; a customer is told, in "we" and "you", only the reasons that
// decided the outcome they get. A code that means "still waiting for something" never explains a
// final decision (issue 19: a reviewer's refund was explained by the pending technical review).
import type { Outcome, ReasonCode } from '../../policies';

/** `against`: bars a refund; `for`: grounds one; `pending`: the case still waited on something. */
type Bearing = 'against' | 'for' | 'pending';

const REASONS: Readonly<Record<ReasonCode, { bearing: Bearing; words: string }>> = {
  ALL_SALES_FINAL: { bearing: 'against', words: 'This purchase was sold as final: it cannot be refunded.' },
  WINDOW_EXPIRED: {
    bearing: 'against',
    words: 'Your request reached us after the time allowed for refund requests had ended.',
  },
  NOT_FIRST_PURCHASE: {
    bearing: 'against',
    words: 'Only the first purchase of a plan can be refunded, and this was not your first.',
  },
  NON_OFFICIAL_CHANNEL: {
    bearing: 'against',
    words:
      'The order was bought through a reseller or marketplace; refunds go through the seller you bought from.',
  },
  CRYPTO_PAYMENT: { bearing: 'against', words: 'Payments made in cryptocurrency cannot be refunded.' },
  USAGE_CAP_EXCEEDED: {
    bearing: 'against',
    words: 'The service was used more than a refund allows.',
  },
  THIRD_PARTY_CAUSE: {
    bearing: 'against',
    words:
      'The problem was caused by something outside our service, such as a website or another tool you used with it.',
  },
  USER_CAUSED: {
    bearing: 'against',
    words:
      'We found that the problem came from how the service was set up or used, not from the service itself.',
  },
  TERMS_VIOLATION: { bearing: 'against', words: 'The account broke our terms of service.' },
  ABUSE_SUSPECTED: {
    bearing: 'against',
    words: 'The account has had an unusual number of refunds, which our refund policy does not allow.',
  },
  ACTIVE_CHARGEBACK: {
    bearing: 'against',
    words:
      'There is an open payment dispute (chargeback) for this order with your bank; we can only refund once it is withdrawn.',
  },
  PERSONAL_EARLY_TERMINATION: {
    bearing: 'against',
    words: 'Ending the service early for personal reasons is not refunded.',
  },
  SERVICE_RENDERED: { bearing: 'against', words: 'The service was provided as sold.' },
  REMEDIATED: {
    bearing: 'against',
    words: 'The problem you reported was fixed within the time our policy allows.',
  },
  PROMO_CREDIT_EXCLUDED: {
    bearing: 'against',
    words:
      'The part of the price paid with promotional credit cannot be paid out; only what you paid in money is refunded.',
  },
  UNUSED_SUBSCRIPTION_PORTION: {
    bearing: 'for',
    words: 'It covers the part of your subscription period you had not used yet.',
  },
  WITHIN_WINDOW_LIGHT_USAGE: {
    bearing: 'for',
    words: 'You asked within the refund period and used the service only lightly.',
  },
  UNREMEDIATED_WITHIN_DEADLINE: {
    bearing: 'for',
    words: 'The problem you reported was not fixed within the time our policy allows.',
  },
  INCIDENT_CONFIRMED: { bearing: 'for', words: 'We confirmed a service outage that affected your order.' },
  PROVIDER_FAULT: { bearing: 'for', words: 'We found that the problem was on our side.' },
  BILLING_ERROR: { bearing: 'for', words: 'We found an error in how you were charged.' },
  PRORATA_REMAINING_QUOTA: {
    bearing: 'for',
    words: 'It covers the share of what you paid for that you had not used yet.',
  },
  PRORATA_INCIDENT: {
    bearing: 'for',
    words: 'Because of the outage, you get back the share of the service you could not use.',
  },
  REMEDIATION_PENDING: {
    bearing: 'pending',
    words: 'We are still within the time we have to fix the problem you reported.',
  },
  DISCRETIONARY_REVIEW: {
    bearing: 'pending',
    words: 'A member of our team looks at your request personally.',
  },
  NEEDS_TECHNICAL_REVIEW: {
    bearing: 'pending',
    words: 'Our technical team is checking what caused the problem.',
  },
  USAGE_UNKNOWN: { bearing: 'pending', words: 'We are checking how much of the service was used.' },
  DISPUTE_REVIEW: { bearing: 'pending', words: 'A member of our team is looking at your request again.' },
};

/** Plain words for a reason code, to a customer ("we", "you"). */
export function customerReason(code: ReasonCode): string {
  return REASONS[code].words;
}

/** Which reasons can explain this outcome: bars for a denial, grounds for a remedy, waits for a review. */
export function reasonsExplaining(outcome: Outcome, codes: readonly ReasonCode[]): ReasonCode[] {
  const wanted: Bearing = outcome === 'denied' ? 'against' : outcome === 'needs_review' ? 'pending' : 'for';
  return codes.filter(
    (code) =>
      REASONS[code].bearing === wanted ||
      // Promotional credit limits any payment, so it explains a refund's amount as well.
      (code === 'PROMO_CREDIT_EXCLUDED' && (outcome === 'full_refund' || outcome === 'partial_refund')),
  );
}
