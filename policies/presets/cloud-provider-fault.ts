// Preset `cloud-provider-fault` — seed 003_a89bccd8c0a7f0d8.txt (JJSG cloud services refund policy).
// Refunds only for the provider's own gross error or a serious problem it cannot solve in time,
// and only after its customer service has verified the conditions.
import type { Policy } from '../policy';
import {
  DEFAULT_DISPUTE_DAYS,
  DEFAULT_HOLIDAY_CALENDAR,
  DEFAULT_HOLIDAYS,
  DEFAULT_ONE_TIME_INCIDENT_COVER_DAYS,
  DEFAULT_PAYOUT_LIMIT_DAYS,
  DEFAULT_TIME_ZONE,
} from './common';

export const cloudProviderFault: Policy = {
  id: 'cloud-provider-fault',
  version: 1,
  name: 'JJSG cloud — provider fault or unsolved serious problem, after verification',
  source: { seed: '003_a89bccd8c0a7f0d8.txt' },
  summary:
    'Refund only for a service failure caused by the provider, or a serious problem it cannot solve within 7 days of the report, once a technical review has verified it. Early termination for personal reasons is not refunded.',
  timeZone: DEFAULT_TIME_ZONE,
  holidayCalendar: DEFAULT_HOLIDAY_CALENDAR,
  holidays: DEFAULT_HOLIDAYS,
  allSalesFinal: false,
  nonRefundableProductIds: [],
  // "You encounter a serious problem that cannot be solved within a specific period of time after
  //  purchasing the service;" / "Contact our customer service team as soon as possible after the
  //  problem occurs"
  // Reading: "a specific period of time after purchasing" = the problem must be raised within 30
  // days of purchase, or — for a subscription — within the current billing period, whichever is later.
  window: { days: 30, anchor: 'purchase', coversBillingPeriod: true },
  eligibility: {
    excludedChannels: [],
    excludedPaymentMethods: [],
    firstPurchaseOnly: false,
    usageCaps: [],
    // Reading: not in the text; a refund while the payment is being reversed would pay twice.
    chargebackBlocks: true,
    termsViolationBlocks: false,
    abuse: { blocks: false },
  },
  reasonRules: {
    // "Service failure due to our intentional or gross errors;"
    provider_fault: { kind: 'technical' },
    // "You encounter a serious problem that cannot be solved within a specific period of time …"
    service_unusable: { kind: 'technical' },
    // "If your service is terminated early due to personal reasons during the term of your service
    //  contract, we will not provide a refund;"
    early_termination: { kind: 'deny', code: 'PERSONAL_EARLY_TERMINATION' },
    changed_mind: { kind: 'deny', code: 'PERSONAL_EARLY_TERMINATION' },
    cancel_subscription: { kind: 'deny', code: 'PERSONAL_EARLY_TERMINATION' },
    // "We only accept refund requests if the following conditions are met:" — causes on the customer's
    // side or with third parties are neither "our … errors" nor a problem of the service.
    user_error: { kind: 'deny', code: 'USER_CAUSED' },
    target_site_blocking: { kind: 'deny', code: 'THIRD_PARTY_CAUSE' },
    third_party_tool: { kind: 'deny', code: 'THIRD_PARTY_CAUSE' },
    // "Other refund situations that comply with laws and regulations." — Reading: billing errors
    // (which the law requires to correct) go to support's review.
    billing_error: { kind: 'review', code: 'BILLING_ERROR' },
  },
  refund: {
    basis: 'technical_ground',
    // "Contact our customer service team as soon as possible after the problem occurs"
    issueMustBeInWindow: true,
    // Reading: a confirmed incident is verified provider fault.
    incidentsCount: true,
    // "Service failure due to our intentional or gross errors;" — a review finding provider fault is
    // the verified error; no remediation clock applies to it.
    providerFaultSuffices: true,
    // "Our customer service team will conduct a preliminary verification and after confirming that the
    //  refund conditions are met, you will be guided through the subsequent process."
    verificationRequired: true,
    // Reading: the text does not say how much; a verified condition refunds the cash paid.
    onGroundMet: 'full_refund',
    fullRefundBeforeServiceStarts: false,
    // "Service failure due to our intentional or gross errors;" states no time limit. Reading: a
    // verified provider fault or a confirmed incident counts whenever it happens — within the first
    // period (the window) all of the cash paid, after it the unused share of the term (the smaller
    // of the remaining paid time and the remaining quota); with no measurable term a person decides.
    // The "specific period" limit holds only for the "serious problem that cannot be solved" ground.
    incidentBeyondWindow: {
      proRata: ['remaining_time', 'remaining_quota'],
      excludedPaymentMethods: [],
      providerFaultCounts: true,
    },
  },
  // "… a serious problem that cannot be solved within a specific period of time …"
  // Reading: the "specific period" to solve it = 7 calendar days from the report.
  remediation: { days: 7 },
  // Reading: a one-time order's term is not stated; a confirmed incident reaches it during 30 days
  // from the purchase (a subscription: its billing period).
  incidentCover: { oneTimeDays: DEFAULT_ONE_TIME_INCIDENT_COVER_DAYS },
  // Reading: no dispute route is stated; a denial can be disputed for 30 days, and a person upholds
  // it or decides what the policy gives on the verified facts, never more (no refund without
  // verification).
  dispute: { days: DEFAULT_DISPUTE_DAYS },
  subscription: {
    cancelAtPeriodEnd: true,
    accessUntilPeriodEnd: true,
    // "If your service is terminated early due to personal reasons … we will not provide a refund;"
    unusedPortionRefundable: false,
  },
  // "Our customer service team will conduct a preliminary verification" — Reading: no time stated;
  // 5 business days after complete information, then escalate.
  // "After you initiate a refund request, we may ask you to provide further information for verification;"
  decision: { deadlineDays: 5, businessDays: true, onDeadline: 'escalate' },
  // "We will process your refund application within a reasonable time after confirming that you meet
  //  the refund conditions" — Reading: "a reasonable time" = 14 days after approval, then escalate.
  payout: { limitDays: DEFAULT_PAYOUT_LIMIT_DAYS, anchor: 'approval', onLimit: 'escalate' },
  access: { withdrawOnApproval: false },
  // "provide a detailed description of the problem and relevant information;"
  materials: ['problem_description', 'relevant_information'],
};
