// Preset `all-sales-final` — seed 000_fe67371f454584f9.txt (922proxy, "Last updated on November 30th, 2022.").
// Every payment is final; disputes go to customer support by email, outside this policy's decisions.
import type { Policy } from '../policy';
import {
  DEFAULT_DISPUTE_DAYS,
  DEFAULT_HOLIDAY_CALENDAR,
  DEFAULT_HOLIDAYS,
  DEFAULT_PAYOUT_LIMIT_DAYS,
  DEFAULT_TIME_ZONE,
} from './common';

export const allSalesFinal: Policy = {
  id: 'all-sales-final',
  version: 1,
  name: '922proxy — all payments final',
  source: { seed: '000_fe67371f454584f9.txt', lastUpdated: '2022-11-30' },
  summary:
    'All payments are final: every refund request is denied, naming each listed situation that also applies; disputes go to support by email.',
  timeZone: DEFAULT_TIME_ZONE,
  holidayCalendar: DEFAULT_HOLIDAY_CALENDAR,
  holidays: DEFAULT_HOLIDAYS,
  // "Once the payment process has been completed, we will not support refunds for any paid services
  //  that are not product features. All payments are final."
  allSalesFinal: true,
  nonRefundableProductIds: [],
  // Reading: the text has no request window; nothing is refundable from the moment of payment, so
  // the window is zero days and the case is final at purchase.
  window: { days: 0, anchor: 'purchase', coversBillingPeriod: false },
  eligibility: {
    excludedChannels: [],
    excludedPaymentMethods: [],
    firstPurchaseOnly: false,
    usageCaps: [],
    chargebackBlocks: false,
    // "The customer account is blocked or suspended due to the customer's illegal activity." and
    // "Violation of Customer's obligations regarding the acceptable use of the System or Service"
    termsViolationBlocks: true,
    abuse: { blocks: false },
  },
  reasonRules: {
    // "The data provided by the customer during the registration process is incomplete or inconsistent."
    user_error: { kind: 'deny', code: 'USER_CAUSED' },
    // "The connection quality and connection speed are limited by the capabilities of the third party …
    //  any issues related to connection speed parameters are non-refundable."
    target_site_blocking: { kind: 'deny', code: 'THIRD_PARTY_CAUSE' },
    // "Reject the client's software. … 922Proxy will not be responsible for the compatibility of the
    //  customer software with the system."
    third_party_tool: { kind: 'deny', code: 'THIRD_PARTY_CAUSE' },
    // "The quality of service provided complies with the conditions specified in the service level agreement."
    dissatisfied: { kind: 'deny', code: 'SERVICE_RENDERED' },
    // "The usage time limit of the purchased IP has expired." (also caught for any request after a
    //  subscription period's end)
    early_termination: { kind: 'deny', code: 'SERVICE_RENDERED' },
  },
  refund: { basis: 'none' },
  subscription: { cancelAtPeriodEnd: true, accessUntilPeriodEnd: true, unusedPortionRefundable: false },
  // "Any disputes arising out of the use of the system should be emailed to … Resolve any issues that may
  //  arise with customers related to refunds, cancellations or chargebacks by customer support."
  // Reading: no time is stated; support answers a dispute within 5 business days, then it escalates.
  decision: { deadlineDays: 5, businessDays: true, onDeadline: 'escalate' },
  // Same sentence: a denial can be disputed; support (a person) resolves the dispute. Reading: no
  // period is stated — 30 days after the denial. "All payments are final" leaves support no
  // discretion to refund a paid service: it upholds the denial, or corrects a billing error up to
  // the amount charged in error (a charge made in error is not a "paid service").
  dispute: { days: DEFAULT_DISPUTE_DAYS },
  payout: { limitDays: DEFAULT_PAYOUT_LIMIT_DAYS, anchor: 'approval', onLimit: 'escalate' },
  access: { withdrawOnApproval: false },
  // "Please note that we log customer support conversations with customers for security reasons."
  materials: ['dispute_email'],
};
