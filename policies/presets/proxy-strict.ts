// Preset `proxy-strict` — seed 001_890e5658e9f508d2.txt (OkkProxy "Refund Policy").
// "2. Eligibility (all must be met)" is read literally (DESIGN.md): a refund needs the official
// channel, a non-crypto payment, a request within 7 days of the first purchase of the plan, usage
// under every cap, and the technical-availability ground.
import type { Policy } from '../policy';
import {
  DEFAULT_DISPUTE_DAYS,
  DEFAULT_HOLIDAY_CALENDAR,
  DEFAULT_HOLIDAYS,
  DEFAULT_ONE_TIME_INCIDENT_COVER_DAYS,
  DEFAULT_PAYOUT_LIMIT_DAYS,
  DEFAULT_TIME_ZONE,
} from './common';

export const proxyStrict: Policy = {
  id: 'proxy-strict',
  version: 1,
  name: 'OkkProxy — strict eligibility, usage caps, 15-day remediation',
  source: { seed: '001_890e5658e9f508d2.txt' },
  summary:
    'Full refund only when every condition holds: official channel, no crypto, first purchase within 7 days, light usage, and the service unusable and unfixed 15 days after the report (or a confirmed incident). Confirmed incidents beyond the window give a pro-rata refund or a service extension.',
  timeZone: DEFAULT_TIME_ZONE,
  holidayCalendar: DEFAULT_HOLIDAY_CALENDAR,
  holidays: DEFAULT_HOLIDAYS,
  allSalesFinal: false,
  // "Consumed promotional benefits (trial credits, bonuses) cannot be returned;" — holds for every
  // policy: refunds are capped at the cash paid, order.promoCreditMinor is never paid out (money.ts).
  nonRefundableProductIds: [],
  // "Request window: Submitted within 7 days from the first purchase of the specific plan."
  // "Requests submitted after 7 days;"
  window: { days: 7, anchor: 'first_purchase', coversBillingPeriod: false },
  eligibility: {
    // "Official channel: The order was placed via OkkProxy's official site or designated sales links."
    // "Purchases made via resellers or non‑official marketplaces are excluded." / "Purchases from non‑official channels;"
    excludedChannels: ['reseller', 'marketplace'],
    // "Payment type: A non‑crypto method (card, PayPal, bank). Crypto payments are non‑refundable unless required by law."
    // Reading: account credit is not among "card, PayPal, bank" but is not crypto either; only crypto is excluded.
    excludedPaymentMethods: ['crypto'],
    // "Submitted within 7 days from the first purchase of the specific plan." — a repeat purchase of a
    // plan is outside the window counted from its first purchase.
    firstPurchaseOnly: true,
    // "Note: The usage cap distinguishes light testing from substantive usage; exceeding either cap disqualifies a refund."
    // Reading: the text names two caps but no numbers. Light testing = at most 10 % of the plan's
    // included quota, and at most a small absolute amount per unit (1 GB of traffic, 1,000 requests,
    // 5 IPs). Exceeding any cap that applies to the plan's unit disqualifies.
    usageCaps: [
      { id: 'quota-share', maxFractionOfQuota: 0.1 },
      { id: 'traffic-gb', unit: 'gb', maxUnits: 1 },
      { id: 'requests', unit: 'requests', maxUnits: 1000 },
      { id: 'ips', unit: 'ips', maxUnits: 5 },
    ],
    // "Active chargebacks/disputes not withdrawn;"
    chargebackBlocks: true,
    // "Breaches of the Terms of Service or illegal/prohibited uses;"
    termsViolationBlocks: true,
    // "Abusive/anomalous behavior (stress testing, repeated buy‑and‑refund, etc.);"
    // Reading: "repeated" = more than one earlier refund in the last 90 days.
    abuse: { blocks: true, maxRefundsIn90Days: 1 },
  },
  reasonRules: {
    // "Within the first 7 days, the Service was persistently unusable due to non‑user causes …"
    service_unusable: { kind: 'technical' },
    provider_fault: { kind: 'technical' },
    // "Failures caused by target‑site anti‑bot measures, account/compliance restrictions, or third‑party
    //  tools beyond OkkProxy's control (captcha solvers, fingerprint browsers, etc.);"
    target_site_blocking: { kind: 'deny', code: 'THIRD_PARTY_CAUSE' },
    third_party_tool: { kind: 'deny', code: 'THIRD_PARTY_CAUSE' },
    // "… persistently unusable due to non‑user causes …" — user-caused failures are not the ground.
    user_error: { kind: 'deny', code: 'USER_CAUSED' },
    // "Other cases excluded by applicable law or contract." — Reading: a billing error is not a refund
    // of the service but a correction the law requires; support reviews it whatever the window, and
    // the review may pay back at most the amount charged in error (facts.billingErrorMinor), never
    // the service itself (the window, the caps and the ground still govern that).
    billing_error: { kind: 'review', code: 'BILLING_ERROR' },
  },
  refund: {
    basis: 'technical_ground',
    // "Technical availability (either improves eligibility): Within the first 7 days, …"
    issueMustBeInWindow: true,
    // "OkkProxy confirmed a widely impacting system incident."
    incidentsCount: true,
    // "… could not be remediated within 15 days after your report" — a provider fault still gets its 15 days.
    providerFaultSuffices: false,
    // "Technical review: We may ask for details to reproduce the issue." — "may": not required.
    verificationRequired: false,
    onGroundMet: 'full_refund',
    fullRefundBeforeServiceStarts: false,
    // "Pro‑rata options: For confirmed system incidents beyond the 7‑day window with some usage, we may
    //  offer pro‑rated refunds or service extensions (not applicable to crypto payments)."
    // Reading (DESIGN.md): the clause applies beyond the window; it also covers a request barred only
    // by the usage caps ("with some usage") or by a repeat purchase. Never more than the unused
    // share: the smaller of the remaining quota and the remaining billing time. With nothing used
    // (or nothing left) there is no share to pro-rate ("with some usage" does not hold): a 7-day
    // service extension, never the whole price after the window. Unknown usage goes to a person.
    incidentBeyondWindow: {
      proRata: ['remaining_quota', 'remaining_time'],
      extensionDays: 7,
      excludedPaymentMethods: ['crypto'],
      providerFaultCounts: false,
    },
  },
  // "… could not be remediated within 15 days after your report"
  remediation: { days: 15 },
  // Reading: a confirmed incident reaches a one-time order during its first 30 days of service
  // (a subscription: its billing period); the text states no period of service for one-time plans.
  incidentCover: { oneTimeDays: DEFAULT_ONE_TIME_INCIDENT_COVER_DAYS },
  // "Active chargebacks/disputes not withdrawn;" names disputes but no period. Reading: a denial can
  // be disputed for 30 days; a person upholds it or decides what the policy gives on the facts
  // established (e.g. a technical review), never more.
  dispute: { days: DEFAULT_DISPUTE_DAYS },
  subscription: {
    cancelAtPeriodEnd: true,
    accessUntilPeriodEnd: true,
    // Reading: the text grants money only on the eligibility above; an unused remainder is not a ground.
    unusedPortionRefundable: false,
  },
  // "Decision: We typically respond within 3–7 business days after receiving complete materials
  //  (complex cases are updated along the way)." — 3 is the target, 7 the limit; past it, escalate.
  decision: { deadlineDays: 7, targetDays: 3, businessDays: true, onDeadline: 'escalate' },
  // "Payout: If approved, refunds are returned to the original payment method; posting time depends on
  //  your payment provider." — Reading: no limit stated; 14 days after approval, then escalate.
  payout: { limitDays: DEFAULT_PAYOUT_LIMIT_DAYS, anchor: 'approval', onLimit: 'escalate' },
  access: { withdrawOnApproval: false },
  // "Submit: Contact our online customer service or email us with your order ID, payment method, issue
  //  description, logs/screenshots, and network context."
  // "5. … provide reproducible details (target sites, timestamps, egress IP ranges, client/SDK configs).
  //  Complete KYC or provide clarifications if risk‑control checks are involved."
  materials: [
    'order_id',
    'payment_method',
    'issue_description',
    'logs_or_screenshots',
    'network_context',
    'kyc_if_requested',
  ],
};
