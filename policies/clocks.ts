// The absolute deadlines of a refund case, computed from the pinned policy. All pure: ISO
// strings in, ISO instants (UTC) out, in the policy's time zone and holiday calendar.
import { addCalendarDays, addDays, epochMillis } from './calendar';
import type { OrderInput } from './input';
import type { Policy } from './policy';

type WindowOrder = Pick<OrderInput, 'purchasedAt' | 'invoicedAt' | 'serviceDate' | 'billing'>;

/** The moment the request window counts from (invoice and service date fall back to purchase). */
export function windowAnchor(policy: Policy, order: WindowOrder): string {
  switch (policy.window.anchor) {
    case 'invoice':
      return order.invoicedAt ?? order.purchasedAt;
    case 'service_date':
      return order.serviceDate ?? order.purchasedAt;
    case 'first_purchase':
      return order.purchasedAt;
  }
}

function later(a: string, b: string): string {
  return epochMillis(b) > epochMillis(a) ? b : a;
}

/** End of the request window: the anchor plus N calendar days (to the period end if the policy says so). */
export function requestWindowEndsAt(policy: Policy, order: WindowOrder): string {
  const end = addCalendarDays(windowAnchor(policy, order), policy.window.days, policy);
  if (policy.window.coversBillingPeriod && order.billing.kind === 'subscription')
    return later(end, addCalendarDays(order.billing.periodEnd, 0, policy));
  return end;
}

/** When a reported issue's remediation clock runs out; undefined when the policy has none. */
export function remediationDeadline(policy: Policy, issueReportedAt: string): string | undefined {
  return policy.remediation ? addCalendarDays(issueReportedAt, policy.remediation.days, policy) : undefined;
}

/** Whether an issue reported at `issueReportedAt` is inside the request window of `order`. */
export function issueInsideWindow(policy: Policy, order: WindowOrder, issueReportedAt: string): boolean {
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
export function requestDeadline(policy: Policy, order: WindowOrder, issueReportedAt?: string): string {
  const windowEnd = requestWindowEndsAt(policy, order);
  if (!issueReportedAt || !issueInsideWindow(policy, order, issueReportedAt)) return windowEnd;
  const remediationEnd = remediationDeadline(policy, issueReportedAt);
  return remediationEnd ? later(windowEnd, remediationEnd) : windowEnd;
}

/** The decision deadline: N business (or calendar) days after the materials are complete. */
export function decisionDeadline(policy: Policy, materialsCompleteAt: string): string {
  return addDays(materialsCompleteAt, policy.decision.deadlineDays, policy.decision.businessDays, policy);
}

/** The decision target (the policy's "typically within"), when it states one. */
export function decisionTarget(policy: Policy, materialsCompleteAt: string): string | undefined {
  const { targetDays, businessDays } = policy.decision;
  return targetDays === undefined
    ? undefined
    : addDays(materialsCompleteAt, targetDays, businessDays, policy);
}

/** The payout limit: N calendar days after the request or the approval, per policy. */
export function payoutDeadline(policy: Policy, at: { requestedAt: string; approvedAt?: string }): string {
  const anchor = policy.payout.anchor === 'approval' ? (at.approvedAt ?? at.requestedAt) : at.requestedAt;
  return addCalendarDays(anchor, policy.payout.limitDays, policy);
}

/** When a cancellation takes effect: the end of the current billing period, or at once. */
export function cancellationEffectiveAt(
  policy: Policy,
  order: Pick<OrderInput, 'billing'>,
  cancelledAt: string,
): string {
  if (policy.subscription.cancelAtPeriodEnd && order.billing.kind === 'subscription')
    return later(
      addCalendarDays(cancelledAt, 0, policy),
      addCalendarDays(order.billing.periodEnd, 0, policy),
    );
  return addCalendarDays(cancelledAt, 0, policy);
}
