// The absolute deadlines of a refund case, computed from the pinned policy. All pure: ISO
// strings in, ISO instants (UTC) out, in the policy's time zone and holiday calendar. Every
// day-counted clock ends at the end of its last local day (calendar.ts says why).
import { endOfCalendarDaysAfter, endOfDaysAfter, epochMillis } from './calendar';
import type { OrderInput } from './input';
import type { PolicyRules } from './policy';

type WindowOrder = Pick<
  OrderInput,
  'purchasedAt' | 'invoicedAt' | 'serviceDate' | 'billing' | 'firstPurchaseAt' | 'firstPurchaseOfPlan'
>;

/**
 * When the customer first bought the plan: `firstPurchaseAt`, else this purchase when the order
 * is the first one (`firstPurchaseOfPlan`, default true); undefined when an earlier, undated
 * order was the first.
 */
export function firstPurchaseOf(order: WindowOrder): string | undefined {
  if (order.firstPurchaseAt !== undefined) return order.firstPurchaseAt;
  return order.firstPurchaseOfPlan === false ? undefined : order.purchasedAt;
}

/** The moment the request window counts from (invoice and service date fall back to purchase). */
export function windowAnchor(policy: PolicyRules, order: WindowOrder): string {
  switch (policy.window.anchor) {
    case 'invoice':
      return order.invoicedAt ?? order.purchasedAt;
    case 'service_date':
      return order.serviceDate ?? order.purchasedAt;
    case 'first_purchase':
      // An undated earlier first purchase is barred by NOT_FIRST_PURCHASE; the window shown is this order's.
      return firstPurchaseOf(order) ?? order.purchasedAt;
    case 'purchase':
      return order.purchasedAt;
  }
}

function later(a: string, b: string): string {
  return epochMillis(b) > epochMillis(a) ? b : a;
}

/** The end of the `days`th calendar day after `from`'s local date in the policy's zone. */
export function endOfDayAfter(policy: PolicyRules, from: string, days: number): string {
  return endOfCalendarDaysAfter(from, days, policy);
}

/** End of the request window: the end of the Nth day after the anchor's date (to the period end if the policy says so). */
export function requestWindowEndsAt(policy: PolicyRules, order: WindowOrder): string {
  const end = endOfCalendarDaysAfter(windowAnchor(policy, order), policy.window.days, policy);
  if (policy.window.coversBillingPeriod && order.billing.kind === 'subscription')
    return later(end, new Date(epochMillis(order.billing.periodEnd)).toISOString());
  return end;
}

/** When a reported issue's remediation clock runs out (end of its Nth day); undefined when the policy has none. */
export function remediationDeadline(policy: PolicyRules, issueReportedAt: string): string | undefined {
  return policy.remediation
    ? endOfCalendarDaysAfter(issueReportedAt, policy.remediation.days, policy)
    : undefined;
}

/** Whether an issue reported at `issueReportedAt` is inside the request window of `order`. */
export function issueInsideWindow(policy: PolicyRules, order: WindowOrder, issueReportedAt: string): boolean {
  const at = epochMillis(issueReportedAt);
  return (
    at >= epochMillis(windowAnchor(policy, order), policy.timeZone) &&
    at <= epochMillis(requestWindowEndsAt(policy, order))
  );
}

/**
 * The last moment a request is in time: the window's end, or — when an issue was reported
 * inside the window — the later end of that issue's remediation clock.
 */
export function requestDeadline(policy: PolicyRules, order: WindowOrder, issueReportedAt?: string): string {
  const windowEnd = requestWindowEndsAt(policy, order);
  if (!issueReportedAt || !issueInsideWindow(policy, order, issueReportedAt)) return windowEnd;
  const remediationEnd = remediationDeadline(policy, issueReportedAt);
  return remediationEnd ? later(windowEnd, remediationEnd) : windowEnd;
}

/** The decision deadline: the end of the Nth business (or calendar) day after the materials are complete. */
export function decisionDeadline(policy: PolicyRules, materialsCompleteAt: string): string {
  return endOfDaysAfter(
    materialsCompleteAt,
    policy.decision.deadlineDays,
    policy.decision.businessDays,
    policy,
  );
}

/**
 * The decision target (the policy's "typically within", e.g. proxy-strict's day 3 of "3–7
 * business days"), when it states one: when it passes undecided the customer is told.
 */
export function decisionTarget(policy: PolicyRules, materialsCompleteAt: string): string | undefined {
  const { targetDays, businessDays } = policy.decision;
  return targetDays === undefined
    ? undefined
    : endOfDaysAfter(materialsCompleteAt, targetDays, businessDays, policy);
}

/** The payout limit: the end of the Nth calendar day after the request or the approval, per policy. */
export function payoutDeadline(
  policy: PolicyRules,
  at: { requestedAt: string; approvedAt?: string },
): string {
  const anchor = policy.payout.anchor === 'approval' ? (at.approvedAt ?? at.requestedAt) : at.requestedAt;
  return endOfCalendarDaysAfter(anchor, policy.payout.limitDays, policy);
}

/** When a service extension of `days` granted at `grantedAt` (or from the current service end) runs out. */
export function extensionEndsAt(policy: PolicyRules, from: string, days: number): string {
  return endOfCalendarDaysAfter(from, days, policy);
}

/** The last moment a denial decided at `deniedAt` can be disputed (end of the policy's Nth day). */
export function disputeWindowEndsAt(policy: PolicyRules, deniedAt: string): string {
  return endOfCalendarDaysAfter(deniedAt, policy.dispute.days, policy);
}

/** Whether a dispute made at `disputedAt` of a denial decided at `deniedAt` is in time. */
export function disputeInTime(policy: PolicyRules, deniedAt: string, disputedAt: string): boolean {
  return epochMillis(disputedAt) <= epochMillis(disputeWindowEndsAt(policy, deniedAt));
}

/**
 * Until when a confirmed incident can reach the order: a subscription's billing period end, a
 * one-time order's purchase + `incidentCover.oneTimeDays` (end of that day), never before the
 * request window ends; undefined when the policy gives incidents no effect.
 */
export function incidentCoverEndsAt(policy: PolicyRules, order: WindowOrder): string | undefined {
  const refund = policy.refund;
  if (policy.allSalesFinal || refund.basis !== 'technical_ground') return undefined;
  if (!refund.incidentsCount && !refund.incidentBeyondWindow) return undefined;
  const windowEnd = requestWindowEndsAt(policy, order);
  if (order.billing.kind === 'subscription')
    return later(windowEnd, new Date(epochMillis(order.billing.periodEnd)).toISOString());
  if (!policy.incidentCover) return windowEnd;
  return later(
    windowEnd,
    endOfCalendarDaysAfter(order.purchasedAt, policy.incidentCover.oneTimeDays, policy),
  );
}

/** When a cancellation takes effect: the end of the current billing period, or at once. */
export function cancellationEffectiveAt(
  policy: PolicyRules,
  order: Pick<OrderInput, 'billing'>,
  cancelledAt: string,
): string {
  const at = new Date(epochMillis(cancelledAt)).toISOString();
  if (policy.subscription.cancelAtPeriodEnd && order.billing.kind === 'subscription')
    return later(at, new Date(epochMillis(order.billing.periodEnd)).toISOString());
  return at;
}
