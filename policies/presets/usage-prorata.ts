// Preset `usage-prorata` — seed 004_f3fde63ee8052f4d.txt (API plan "Refund Policy", "Last update: 12 February 2022").
// Any reason, within 7 days of the invoice: the unused share of the plan is refunded, access is
// withdrawn, the answer comes within 3 days and the money within 14 days of the request.
import type { Policy } from '../policy';
import {
  DEFAULT_DISPUTE_DAYS,
  DEFAULT_HOLIDAY_CALENDAR,
  DEFAULT_HOLIDAYS,
  DEFAULT_TIME_ZONE,
} from './common';

export const usageProrata: Policy = {
  id: 'usage-prorata',
  version: 1,
  name: 'API plan — pro-rata by remaining requests within 7 days of the invoice',
  source: { seed: '004_f3fde63ee8052f4d.txt', lastUpdated: '2022-02-12' },
  summary:
    'For any reason, within 7 days of the invoice, the unused share of the plan (remaining requests, else remaining time) is refunded; the answer comes within 3 days, access is withdrawn on approval, and the money is sent within 14 days of the request.',
  timeZone: DEFAULT_TIME_ZONE,
  holidayCalendar: DEFAULT_HOLIDAY_CALENDAR,
  holidays: DEFAULT_HOLIDAYS,
  allSalesFinal: false,
  // "* Please note that not all of our services are returnable." / "apart from products that are
  //  excluded from the return process" — Reading: the excluded products are not named; list their
  //  product ids here (none by default).
  nonRefundableProductIds: [],
  // "you must submit a return request within seven (7) days from the day the invoice was issued."
  window: { days: 7, anchor: 'invoice', coversBillingPeriod: false },
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
  // "In the event that you are not happy with your purchase of a service for any reason, you can submit
  //  a return request according to the conditions set below." — every reason follows the return rules.
  reasonRules: {},
  // "You can cancel the process at any time you like, with a refund ability for the amount remaining
  //  from your subscription. For example: … you paid $10.00 … 10,000 request … the remaining requests
  //  are 7,000 request, in this case we will refund you an amount of $7.00"
  // Reading: "at any time" is read as any time within the return period (the explicit 7-day rule);
  // the refund is the remaining share by requests (the quota), else by remaining subscription time.
  refund: { basis: 'remaining_value', proRata: ['remaining_quota', 'remaining_time'] },
  subscription: {
    cancelAtPeriodEnd: false,
    accessUntilPeriodEnd: false,
    // "with a refund ability for the amount remaining from your subscription"
    unusedPortionRefundable: true,
  },
  // "The process of responding to the request may take a maximum of three (3) days" — calendar days
  // (the text says "business days" where it means them); past it, escalate.
  decision: { deadlineDays: 3, businessDays: false, onDeadline: 'escalate' },
  // Reading: no dispute route is stated; a denial can be disputed for 30 days, and a person upholds
  // it or decides what the return rules give on the facts established (e.g. the usage figure).
  dispute: { days: DEFAULT_DISPUTE_DAYS },
  // "The refund process may take up to fourteen (14) days from the date of submitting your refund request."
  // "It may take 1-2 business days for funds to appear on your card" — the card provider's time, not ours.
  payout: { limitDays: 14, anchor: 'request', onLimit: 'escalate' },
  // "if it is approved, access to the service will be withdrawn. That you have requested a full refund
  //  (you will not be able to manage / control the service that you requested to return)"
  // Reading: "a full refund" means the whole service is returned (access ends), not that the whole
  // price is paid back; the amount follows the return rules.
  access: { withdrawOnApproval: true },
  // "which includes: 1. Your order number; And 2. A copy of the invoice payment."
  materials: ['order_number', 'invoice_copy'],
};
