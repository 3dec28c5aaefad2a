// The bars on a refund request: the ones no route overrides (the order, the account, the
// service) and the ones a confirmed incident can (the window, the first purchase, usage caps).
import { firstPurchaseOf, requestDeadline } from '../clocks';
import type { RequestReason } from '../input';
import { exceedsShare } from '../money';
import { type Context, Reasons } from './context';

// ---- bars that no route overrides -------------------------------------------------------

/** Bars on the order or the account, whatever the request says. */
export function accountBars(c: Context): Reasons {
  const { policy } = c;
  const { order, facts } = c.input;
  const bars = new Reasons();
  const { eligibility } = policy;
  if (eligibility.excludedChannels.includes(order.channel))
    bars.add('NON_OFFICIAL_CHANNEL', `The order came through the ${order.channel} channel.`);
  if (eligibility.excludedPaymentMethods.includes(order.paymentMethod)) bars.add('CRYPTO_PAYMENT');
  if (eligibility.termsViolationBlocks && facts.termsViolation) bars.add('TERMS_VIOLATION');
  const { abuse } = eligibility;
  const repeated =
    abuse.maxRefundsIn90Days !== undefined && (facts.refundsInLast90Days ?? 0) > abuse.maxRefundsIn90Days;
  if (abuse.blocks && (facts.abuseSuspected || repeated))
    bars.add(
      'ABUSE_SUSPECTED',
      repeated ? `${facts.refundsInLast90Days} refunds in the last 90 days.` : undefined,
    );
  if (eligibility.chargebackBlocks && facts.chargebackActive) bars.add('ACTIVE_CHARGEBACK');
  return bars;
}

/** Bars that come from what the customer asks for, once the service has started. */
export function serviceBars(c: Context): Reasons {
  const { policy } = c;
  const { order, request } = c.input;
  const bars = new Reasons();
  const rule = policy.reasonRules[request.reason];
  if (rule?.kind === 'deny') bars.add(rule.code, `The stated reason was ${reasonWords(request.reason)}.`);
  if (
    request.reason === 'cancel_subscription' &&
    order.billing.kind === 'subscription' &&
    !policy.subscription.unusedPortionRefundable
  )
    bars.add(
      'UNUSED_SUBSCRIPTION_PORTION',
      'The unused part of a subscription is not refundable; access continues to the end of the period.',
    );
  if (order.billing.kind === 'subscription' && c.ms(request.requestedAt) >= c.ms(order.billing.periodEnd))
    bars.add('SERVICE_RENDERED', 'The paid service period had already ended.');
  return bars;
}

export function reasonWords(reason: RequestReason): string {
  return reason.replace(/_/g, ' ');
}

// ---- bars a confirmed incident can override (window, first purchase, usage caps) ---------

export function windowBars(c: Context): Reasons {
  const { policy } = c;
  const { order, request, facts } = c.input;
  const bars = new Reasons();
  const deadline = requestDeadline(policy, order, facts.issueReportedAt);
  if (c.ms(request.requestedAt) > c.ms(deadline))
    bars.add('WINDOW_EXPIRED', `The window closed at ${deadline}.`);
  // An undated earlier first purchase: the window from the plan's first purchase cannot be shown to hold.
  if (policy.eligibility.firstPurchaseOnly && firstPurchaseOf(order) === undefined)
    bars.add('NOT_FIRST_PURCHASE', 'An earlier order was the first purchase of this plan.');
  return bars;
}

/** The light-usage caps: exceeded (bars), or not judgeable for want of a usage figure (unknown). */
export interface CapCheck {
  bars: Reasons;
  unknown?: string;
}

export function usageCaps(c: Context): CapCheck {
  const caps = c.policy.eligibility.usageCaps;
  const bars = new Reasons();
  if (caps.length === 0) return { bars };
  const { order, usage } = c.input;
  if (!usage) return { bars, unknown: 'Billing has no usage figure for this order.' };
  const quota = order.quota;
  const unit = quota?.unit ?? usage.unit;
  if (!unit) return { bars, unknown: 'The plan has no quota and the usage figure names no unit.' };
  // Without a quota (an "unlimited" plan) only a cap in absolute units of the same unit can be judged.
  const applicable = caps.filter(
    (cap) =>
      (cap.unit === undefined || cap.unit === unit) && (quota !== undefined || cap.maxUnits !== undefined),
  );
  if (applicable.length === 0)
    return { bars, unknown: `No usage cap can be judged for a plan without a quota, measured in ${unit}.` };
  for (const cap of applicable) {
    const overShare =
      quota !== undefined &&
      cap.maxFractionOfQuota !== undefined &&
      exceedsShare(usage.used, quota.included, cap.maxFractionOfQuota);
    const overUnits = cap.maxUnits !== undefined && usage.used > cap.maxUnits;
    if (overShare || overUnits)
      bars.add(
        'USAGE_CAP_EXCEEDED',
        quota
          ? `Used ${usage.used} of ${quota.included} ${quota.unit} (cap "${cap.id}").`
          : `Used ${usage.used} ${unit} (cap "${cap.id}").`,
      );
  }
  return { bars };
}
