// The technical-availability ground (an issue reported, remediated or not in time, a confirmed
// incident, a reviewer's finding) and the pro-rata shares of what remains unused.
import { issueInsideWindow, remediationDeadline } from '../clocks';
import { formatMinor, proRataRefundMinor } from '../money';
import type { ProRataBasis, RefundBasis } from '../policy';
import { type Context, Reasons } from './context';

// ---- the technical-availability ground --------------------------------------------------

export type TechnicalBasis = Extract<RefundBasis, { basis: 'technical_ground' }>;
export type Ground =
  /** `timeless`: met on a ground with no time limit (a confirmed incident, a verified provider fault the policy counts). */
  | { status: 'met'; timeless: boolean; viaIncident: boolean; reasons: Reasons }
  /** `timeless`: the verification pending could find a fault that has no time limit. */
  | { status: 'pending'; kind: 'technical_review' | 'remediation'; timeless: boolean; reasons: Reasons }
  | { status: 'failed'; reasons: Reasons }
  | { status: 'none'; claimed: boolean };

export function technicalGround(c: Context, basis: TechnicalBasis): Ground {
  const { policy } = c;
  const { order, request, facts, asOf } = c.input;
  const verdict = facts.technicalReview;
  const providerFault = (r: Reasons): Reasons => (verdict === 'provider_fault' ? r.add('PROVIDER_FAULT') : r);
  const remedy = basis.incidentBeyondWindow;
  const faultTimeless = remedy?.providerFaultCounts === true;

  if (basis.incidentsCount && facts.incidentConfirmed)
    return {
      status: 'met',
      timeless: remedy !== undefined,
      viaIncident: true,
      reasons: providerFault(new Reasons().add('INCIDENT_CONFIRMED')),
    };
  if (verdict === 'user_caused')
    return {
      status: 'failed',
      reasons: new Reasons().add('USER_CAUSED', 'A technical review found the cause on the customer’s side.'),
    };
  if (verdict === 'third_party')
    return {
      status: 'failed',
      reasons: new Reasons().add('THIRD_PARTY_CAUSE', 'A technical review found a third-party cause.'),
    };
  if (verdict === 'remediated')
    return {
      status: 'failed',
      reasons: new Reasons().add('REMEDIATED', 'A technical review found the problem fixed.'),
    };

  const claimed = policy.reasonRules[request.reason]?.kind === 'technical' || verdict !== undefined;
  // A request that claims a technical problem is itself the report when none was filed before.
  const reportedAt = facts.issueReportedAt ?? (claimed ? request.requestedAt : undefined);
  if (!reportedAt) return { status: 'none', claimed: false };
  // A verified provider fault the policy counts has no time limit and needs no remediation clock.
  if (verdict === 'provider_fault' && faultTimeless && basis.providerFaultSuffices)
    return {
      status: 'met',
      timeless: true,
      viaIncident: false,
      reasons: new Reasons().add('PROVIDER_FAULT'),
    };
  if (basis.issueMustBeInWindow && !issueInsideWindow(policy, order, reportedAt)) {
    if (faultTimeless && basis.verificationRequired && verdict === undefined)
      return {
        status: 'pending',
        kind: 'technical_review',
        timeless: true,
        reasons: new Reasons().add(
          'NEEDS_TECHNICAL_REVIEW',
          'A provider fault has no time limit; only a verified fault counts after the window.',
        ),
      };
    return { status: 'none', claimed: true };
  }

  const deadline = remediationDeadline(policy, reportedAt);
  const remediatedAt =
    facts.remediatedAt && c.ms(facts.remediatedAt) <= c.ms(asOf) ? facts.remediatedAt : undefined;
  if (remediatedAt && (deadline === undefined || c.ms(remediatedAt) <= c.ms(deadline)))
    return {
      status: 'failed',
      reasons: new Reasons().add(
        'REMEDIATED',
        `Fixed at ${remediatedAt}${deadline ? `, before the deadline ${deadline}` : ''}.`,
      ),
    };
  if (verdict === 'provider_fault' && basis.providerFaultSuffices)
    return {
      status: 'met',
      timeless: false,
      viaIncident: false,
      reasons: new Reasons().add('PROVIDER_FAULT'),
    };

  const confirmed = verdict === 'provider_fault' || verdict === 'unresolved';
  if (deadline && c.ms(asOf) < c.ms(deadline)) {
    const reasons = new Reasons().add('REMEDIATION_PENDING', `The provider has until ${deadline} to fix it.`);
    if (basis.verificationRequired && !confirmed) reasons.add('NEEDS_TECHNICAL_REVIEW');
    return { status: 'pending', kind: 'remediation', timeless: false, reasons };
  }
  if ((basis.verificationRequired || deadline === undefined) && !confirmed)
    return {
      status: 'pending',
      kind: 'technical_review',
      timeless: faultTimeless,
      reasons: new Reasons().add('NEEDS_TECHNICAL_REVIEW'),
    };
  const met = new Reasons();
  if (deadline) met.add('UNREMEDIATED_WITHIN_DEADLINE', `Not fixed by ${deadline}.`);
  return { status: 'met', timeless: false, viaIncident: false, reasons: providerFault(met) };
}

// ---- pro-rata shares --------------------------------------------------------------------

export interface Share {
  amountMinor: number;
  /** Nothing of this measure was consumed. */
  whole: boolean;
  reasons: Reasons;
}

/** One measure of the unused share; 'unknown' when it needs a usage figure billing does not have. */
export function measure(c: Context, basis: ProRataBasis): Share | 'unknown' | undefined {
  const { order, usage, request } = c.input;
  if (basis === 'remaining_quota') {
    if (!order.quota) return undefined;
    if (!usage) return 'unknown';
    const { included, unit } = order.quota;
    const remaining = Math.max(0, included - usage.used);
    const amountMinor = proRataRefundMinor(order, remaining, included);
    const detail = `${remaining} of ${included} ${unit} remain: ${formatMinor(amountMinor, order.currency)} of ${formatMinor(order.amountMinor, order.currency)}.`;
    return {
      amountMinor,
      whole: remaining >= included,
      reasons: new Reasons().add('PRORATA_REMAINING_QUOTA', detail),
    };
  }
  if (order.billing.kind !== 'subscription') return undefined;
  const start = c.ms(order.billing.periodStart);
  const end = c.ms(order.billing.periodEnd);
  const remaining = Math.min(Math.max(0, end - c.ms(request.requestedAt)), end - start);
  const amountMinor = proRataRefundMinor(order, remaining, end - start);
  const detail = `${Math.round((remaining / (end - start)) * 100)} % of the billing period remained: ${formatMinor(amountMinor, order.currency)}.`;
  return {
    amountMinor,
    whole: remaining >= end - start,
    reasons: new Reasons().add('UNUSED_SUBSCRIPTION_PORTION', detail),
  };
}

/** The first measure that applies, in the policy's order (usage-prorata: requests, else time). */
export function proRataShare(c: Context, bases: readonly ProRataBasis[]): Share | 'unknown' | undefined {
  for (const basis of bases) {
    const share = measure(c, basis);
    if (share !== undefined) return share;
  }
  return undefined;
}

/** The unused share: the smallest of every measure that applies (remaining quota and remaining time). */
export function unusedShare(c: Context, bases: readonly ProRataBasis[]): Share | 'unknown' | undefined {
  let smallest: Share | undefined;
  for (const basis of bases) {
    const share = measure(c, basis);
    if (share === 'unknown') return 'unknown';
    if (share && (!smallest || share.amountMinor < smallest.amountMinor)) smallest = share;
  }
  return smallest;
}
