// Preset `services-fix-first` — seed 002_a0694d5709d2af18.txt ("1. Service Refunds" … "Contact Us").
// Online services: contact within 7 days of the service date, the provider fixes first, and only
// an unresolved problem of its own may earn a partial refund or credit, at its discretion.
import type { Policy } from '../policy';
import {
  DEFAULT_DISPUTE_DAYS,
  DEFAULT_HOLIDAY_CALENDAR,
  DEFAULT_HOLIDAYS,
  DEFAULT_ONE_TIME_INCIDENT_COVER_DAYS,
  DEFAULT_PAYOUT_LIMIT_DAYS,
  DEFAULT_TIME_ZONE,
} from './common';

export const servicesFixFirst: Policy = {
  id: 'services-fix-first',
  version: 1,
  name: 'Online services — fix first, partial refund or credit at discretion',
  source: { seed: '002_a0694d5709d2af18.txt' },
  summary:
    'Contact within 7 days of the service date; the provider first tries to fix its own mistake, and only an unresolved problem goes to support for a partial refund or credit. Rendered services, user error, changed requirements and unused subscription time are not refunded.',
  timeZone: DEFAULT_TIME_ZONE,
  holidayCalendar: DEFAULT_HOLIDAY_CALENDAR,
  holidays: DEFAULT_HOLIDAYS,
  allSalesFinal: false,
  nonRefundableProductIds: [],
  // "please contact us within 7 days of the service date" / "Reach out to our customer support team by
  //  email or phone within 7 days of receiving the service."
  window: { days: 7, anchor: 'service_date', coversBillingPeriod: false },
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
    // "If you are dissatisfied with the service due to a mistake or technical issue on our part, we will
    //  work to fix the issue."
    service_unusable: { kind: 'technical' },
    provider_fault: { kind: 'technical' },
    dissatisfied: { kind: 'technical' },
    // "Refunds will not be granted for any dissatisfaction arising from user error, changes in
    //  requirements, or service usage after it has been completed."
    user_error: { kind: 'deny', code: 'USER_CAUSED' },
    changed_mind: { kind: 'deny', code: 'USER_CAUSED' },
    early_termination: { kind: 'deny', code: 'PERSONAL_EARLY_TERMINATION' },
    // "… a mistake or technical issue on our part …" — causes outside the provider are not its mistake.
    target_site_blocking: { kind: 'deny', code: 'THIRD_PARTY_CAUSE' },
    third_party_tool: { kind: 'deny', code: 'THIRD_PARTY_CAUSE' },
    // "However, if there has been an error in billing or an issue with the service, please contact us and
    //  we will review the case."
    billing_error: { kind: 'review', code: 'BILLING_ERROR' },
  },
  refund: {
    basis: 'technical_ground',
    // "if you experience any issues with the service provided, please contact us within 7 days of the service date"
    issueMustBeInWindow: true,
    // Reading: a confirmed incident is "a … technical issue on our part" that was not fixed for this customer.
    incidentsCount: true,
    // "we will work to fix the issue. If we are unable to resolve the problem, …" — the fix comes first.
    providerFaultSuffices: false,
    verificationRequired: false,
    // "If we are unable to resolve the problem, we may offer a partial refund or credit for future
    //  services at our discretion."
    onGroundMet: 'discretionary',
    // "Our services … are non-refundable once they have been rendered or completed." / "All purchases
    //  for online services … are non-refundable once the service has been initiated."
    // Reading: before the service date the service has not been initiated, so a request then is
    // refunded in full.
    fullRefundBeforeServiceStarts: true,
  },
  // "we will review your case and strive to resolve any issues promptly."
  // Reading: "promptly" = 7 calendar days from the report to fix the problem.
  remediation: { days: 7 },
  // Reading: a confirmed incident reaches a one-time service during 30 days from the purchase.
  incidentCover: { oneTimeDays: DEFAULT_ONE_TIME_INCIDENT_COVER_DAYS },
  // "5. Exceptions — … we may offer a refund or credit outside the general terms … reviewed on a
  //  case-by-case basis." Reading: a denial can be disputed for 30 days; on a dispute a person may
  // grant an exception outside the general terms (window, reason), within the discretion caps
  // below (no full refund), or uphold the denial.
  dispute: { days: DEFAULT_DISPUTE_DAYS },
  // "we may offer a partial refund or credit for future services at our discretion."
  // Reading: "partial" = at most half of the cash paid, never the whole (no full refund on this
  // route, whoever decides); credit up to the full price.
  // "5. Exceptions — In certain situations, we may offer a refund or credit outside the general terms
  //  mentioned above, at our discretion. These exceptions will be reviewed on a case-by-case basis."
  // Reading: exceptions are a reviewer's decision on a case (the decide update), never automatic.
  discretion: { partialRefundMaxFraction: 0.5, creditMaxFraction: 1, exceptionsOutsideTerms: true },
  subscription: {
    // "you may cancel your subscription at any time. Cancellations must be made before the next billing
    //  cycle to avoid being charged for the next period."
    cancelAtPeriodEnd: true,
    // "If a subscription is canceled, you will continue to have access to services until the end of the
    //  current billing cycle."
    accessUntilPeriodEnd: true,
    // "Refunds for unused portions of subscriptions are generally not available."
    unusedPortionRefundable: false,
  },
  // "Review Process: Our team will review your request and determine if a refund or return is applicable"
  // Reading: no time stated; 5 business days after complete materials, then escalate.
  decision: { deadlineDays: 5, businessDays: true, onDeadline: 'escalate' },
  // "Resolution: … if eligible, process a refund or provide a suitable resolution." — no time stated.
  payout: { limitDays: DEFAULT_PAYOUT_LIMIT_DAYS, anchor: 'approval', onLimit: 'escalate' },
  access: { withdrawOnApproval: false },
  // "Provide details about the issue you encountered and the service you received." / "Provide
  //  Documentation: If applicable, provide screenshots, emails, or any other documentation"
  materials: ['issue_description', 'service_received', 'documentation_if_applicable'],
};
