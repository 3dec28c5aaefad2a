// Value lists, outcomes and reason codes of the public contract (DESIGN.md "Policy evaluation"), with the
// plain words support and customers read. The codes are fixed; their wording may improve.

export const CHANNELS = ['official', 'reseller', 'marketplace'] as const;
export const PAYMENT_METHODS = ['card', 'paypal', 'bank_transfer', 'crypto', 'account_credit'] as const;
export const REQUEST_REASONS = [
  'service_unusable',
  'provider_fault',
  'billing_error',
  'dissatisfied',
  'changed_mind',
  'early_termination',
  'user_error',
  'target_site_blocking',
  'third_party_tool',
  'cancel_subscription',
] as const;
export const TECHNICAL_REVIEW_OUTCOMES = [
  'provider_fault',
  'user_caused',
  'third_party',
  'remediated',
  'unresolved',
] as const;

export const OUTCOMES = [
  'full_refund',
  'partial_refund',
  'credit',
  'service_extension',
  'denied',
  'needs_review',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REASON_CODES = [
  'ALL_SALES_FINAL',
  'WINDOW_EXPIRED',
  'NOT_FIRST_PURCHASE',
  'NON_OFFICIAL_CHANNEL',
  'CRYPTO_PAYMENT',
  'USAGE_CAP_EXCEEDED',
  'THIRD_PARTY_CAUSE',
  'USER_CAUSED',
  'TERMS_VIOLATION',
  'ABUSE_SUSPECTED',
  'ACTIVE_CHARGEBACK',
  'PERSONAL_EARLY_TERMINATION',
  'SERVICE_RENDERED',
  'UNUSED_SUBSCRIPTION_PORTION',
  'REMEDIATION_PENDING',
  'REMEDIATED',
  'WITHIN_WINDOW_LIGHT_USAGE',
  'UNREMEDIATED_WITHIN_DEADLINE',
  'INCIDENT_CONFIRMED',
  'PROVIDER_FAULT',
  'BILLING_ERROR',
  'PRORATA_REMAINING_QUOTA',
  'PRORATA_INCIDENT',
  'PROMO_CREDIT_EXCLUDED',
  'DISCRETIONARY_REVIEW',
  'NEEDS_TECHNICAL_REVIEW',
  'USAGE_UNKNOWN',
  'DISPUTE_REVIEW',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

const DESCRIPTIONS: Readonly<Record<ReasonCode, string>> = {
  ALL_SALES_FINAL: 'This purchase is final: the policy does not refund it once paid.',
  WINDOW_EXPIRED: 'The request came after the refund request window had closed.',
  NOT_FIRST_PURCHASE: 'Only the first purchase of a plan can be refunded; this was a repeat purchase.',
  NON_OFFICIAL_CHANNEL:
    'The order was not placed through an official sales channel (for example a reseller or marketplace).',
  CRYPTO_PAYMENT: 'Payments made in cryptocurrency are not refundable.',
  USAGE_CAP_EXCEEDED: 'The service was used beyond the light-testing limit that a refund allows.',
  THIRD_PARTY_CAUSE:
    'The problem was caused by something outside the provider’s control (a target site, a third-party tool or network).',
  USER_CAUSED:
    'The problem came from the customer’s side (a user error or changed requirements), not from the service.',
  TERMS_VIOLATION: 'The terms of service or acceptable-use rules were breached.',
  ABUSE_SUSPECTED:
    'The account shows abusive or unusual refund behaviour (for example repeated buying and refunding).',
  ACTIVE_CHARGEBACK:
    'A chargeback or payment dispute for this order is still open; it has to be withdrawn first.',
  PERSONAL_EARLY_TERMINATION: 'Ending the service early for personal reasons is not refunded.',
  SERVICE_RENDERED:
    'The service was provided as sold; a service that has been delivered or started is not refunded on this ground.',
  UNUSED_SUBSCRIPTION_PORTION: 'The request concerns the unused part of the current subscription period.',
  REMEDIATION_PENDING:
    'A reported problem is still within the time the provider has to fix it; the case waits for that time to run out.',
  REMEDIATED: 'The reported problem was fixed within the time the policy allows.',
  WITHIN_WINDOW_LIGHT_USAGE:
    'The request came within the refund window, with usage within the allowed limits.',
  UNREMEDIATED_WITHIN_DEADLINE: 'The reported problem was not fixed within the time the policy allows.',
  INCIDENT_CONFIRMED: 'The provider confirmed a service incident that affected this order.',
  PROVIDER_FAULT: 'A technical review found the fault on the provider’s side.',
  BILLING_ERROR: 'The request concerns a billing error, which support reviews.',
  PRORATA_REMAINING_QUOTA: 'The refund is the share of the price for the quota not yet used.',
  PRORATA_INCIDENT: 'Because of the confirmed incident, a pro-rated refund or service extension is offered.',
  PROMO_CREDIT_EXCLUDED: 'Promotional credit is not paid out; only the amount paid in cash can be refunded.',
  DISCRETIONARY_REVIEW: 'Support decides this case within the limits the policy sets.',
  NEEDS_TECHNICAL_REVIEW: 'A technical review has to confirm the cause of the problem before a decision.',
  USAGE_UNKNOWN:
    'The refund depends on how much of the service was used, and no usage figure is known; a person decides, nothing is paid as if nothing was used.',
  DISPUTE_REVIEW:
    'The customer disputed the denial; a person reviews it and may uphold it or decide within the policy’s limits.',
};

/** Plain words for a reason code, fit to show a customer or a support agent. */
export function describeReason(code: ReasonCode): string {
  return DESCRIPTIONS[code];
}

export function isReasonCode(value: string): value is ReasonCode {
  return (REASON_CODES as readonly string[]).includes(value);
}
