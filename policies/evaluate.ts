// evaluate(policy, input) → Decision: the policy applied to one refund request, with every
// reason that applied. Pure and deterministic — no clock, no I/O — because the workflow calls
// it inside Temporal's sandbox and must get the same answer on replay.
//
// Windows are judged at request.requestedAt; the remediation clock and review facts as known
// at input.asOf (default requestedAt). Only technical and discretionary cases wait for a
// person (needs_review); everything the policy settles mechanically is settled here.
import { epochMillis } from './calendar';
import { issueInsideWindow, remediationDeadline, requestDeadline, windowAnchor } from './clocks';
import { describeReason, type Outcome, type ReasonCode } from './codes';
import type { EvaluationInput, Facts, RequestReason } from './input';
import { cashPaidMinor, exceedsShare, formatMinor, proRataMinor, proRataRefundMinor } from './money';
import type { Policy, ProRataBasis, RefundBasis } from './policy';

/** What a reviewer may decide on a needs_review case. */
export interface ReviewBounds {
  /** What the case waits for. */
  kind: 'technical_review' | 'remediation' | 'discretionary' | 'billing';
  /** Outcomes a reviewer may choose, each with the most it may pay or credit (minor units). */
  allowed: Array<{ outcome: Outcome; maxAmountMinor: number }>;
}

export interface Decision {
  outcome: Outcome;
  /** Cash to refund, in minor units (0 unless the outcome is a refund). */
  amountMinor: number;
  currency: string;
  /** Every reason that applied, most decisive first. Denials always carry at least one. */
  reasons: ReasonCode[];
  policyId: string;
  policyVersion: string | number;
  /** Plain words, one per reason, in the same order. */
  explanations: string[];
  /** Days of service added, for a service_extension. */
  extensionDays?: number;
  /** Account credit, in minor units, for a credit outcome. */
  creditMinor?: number;
  /** For needs_review: what the reviewer may decide. */
  review?: ReviewBounds;
}

type NormalizedInput = EvaluationInput & {
  order: EvaluationInput['order'] & { promoCreditMinor: number; firstPurchaseOfPlan: boolean };
  facts: Facts;
  asOf: string;
};

interface Context {
  policy: Policy;
  input: NormalizedInput;
  cashMinor: number;
  ms: (iso: string) => number;
}

/** An ordered set of reason codes, each with an optional detail sentence for its explanation. */
class Reasons {
  private readonly entries = new Map<ReasonCode, string | undefined>();

  add(code: ReasonCode, detail?: string): this {
    if (!this.entries.has(code)) this.entries.set(code, detail);
    return this;
  }

  addAll(other: Reasons): this {
    for (const [code, detail] of other.entries) this.add(code, detail);
    return this;
  }

  get size(): number {
    return this.entries.size;
  }

  codes(): ReasonCode[] {
    return [...this.entries.keys()];
  }

  explanations(): string[] {
    return [...this.entries].map(([code, detail]) =>
      detail ? `${describeReason(code)} ${detail}` : describeReason(code),
    );
  }
}

function normalize(input: EvaluationInput): NormalizedInput {
  return {
    ...input,
    order: {
      ...input.order,
      promoCreditMinor: input.order.promoCreditMinor ?? 0,
      firstPurchaseOfPlan: input.order.firstPurchaseOfPlan ?? true,
    },
    facts: input.facts ?? {},
    asOf: input.asOf ?? input.request.requestedAt,
  };
}

function decide(c: Context, outcome: Outcome, reasons: Reasons, extra: Partial<Decision> = {}): Decision {
  const money = outcome === 'full_refund' || outcome === 'partial_refund' || outcome === 'credit';
  if (money && c.input.order.promoCreditMinor > 0)
    reasons.add(
      'PROMO_CREDIT_EXCLUDED',
      `${formatMinor(c.input.order.promoCreditMinor, c.input.order.currency)} of the price was promotional credit.`,
    );
  return {
    outcome,
    amountMinor: 0,
    currency: c.input.order.currency,
    reasons: reasons.codes(),
    policyId: c.policy.id,
    policyVersion: c.policy.version,
    explanations: reasons.explanations(),
    ...extra,
  };
}

function deny(c: Context, reasons: Reasons): Decision {
  if (reasons.size === 0) reasons.add('SERVICE_RENDERED'); // a denial always says why
  return decide(c, 'denied', reasons);
}

function refund(c: Context, amountMinor: number, whole: boolean, reasons: Reasons): Decision {
  const amount = Math.min(amountMinor, c.cashMinor);
  if (amount <= 0) {
    const why = new Reasons();
    if (c.cashMinor === 0 && c.input.order.promoCreditMinor > 0)
      why.add('PROMO_CREDIT_EXCLUDED', 'The whole price was paid with promotional credit.');
    else why.add('SERVICE_RENDERED', 'Nothing of the price remains to refund.');
    return deny(c, why.addAll(reasons));
  }
  return decide(c, whole ? 'full_refund' : 'partial_refund', reasons, { amountMinor: amount });
}

function review(c: Context, kind: ReviewBounds['kind'], reasons: Reasons): Decision {
  return decide(c, 'needs_review', reasons, { review: { kind, allowed: reviewAllowed(c, kind) } });
}

function reviewAllowed(c: Context, kind: ReviewBounds['kind']): ReviewBounds['allowed'] {
  const cash = c.cashMinor;
  const denied = { outcome: 'denied' as const, maxAmountMinor: 0 };
  const discretion = c.policy.discretion;
  if (kind === 'discretionary' && discretion)
    return [
      {
        outcome: 'partial_refund',
        maxAmountMinor: proRataMinor(cash, discretion.partialRefundMaxFraction, 1),
      },
      {
        outcome: 'credit',
        maxAmountMinor: proRataMinor(c.input.order.amountMinor, discretion.creditMaxFraction, 1),
      },
      denied,
    ];
  return [
    { outcome: 'full_refund', maxAmountMinor: cash },
    { outcome: 'partial_refund', maxAmountMinor: cash },
    denied,
  ];
}

// ---- bars that no route overrides -------------------------------------------------------

/** Bars on the order or the account, whatever the request says. */
function accountBars(c: Context): Reasons {
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
function serviceBars(c: Context): Reasons {
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

function reasonWords(reason: RequestReason): string {
  return reason.replace(/_/g, ' ');
}

// ---- bars a confirmed incident can override (window, first purchase, usage caps) ---------

function windowBars(c: Context): Reasons {
  const { policy } = c;
  const { order, request, facts, usage } = c.input;
  const bars = new Reasons();
  const deadline = requestDeadline(policy, order, facts.issueReportedAt);
  if (c.ms(request.requestedAt) > c.ms(deadline))
    bars.add('WINDOW_EXPIRED', `The window closed at ${deadline}.`);
  if (policy.eligibility.firstPurchaseOnly && !order.firstPurchaseOfPlan) bars.add('NOT_FIRST_PURCHASE');
  const quota = order.quota;
  if (quota) {
    const used = usage?.used ?? 0;
    for (const cap of policy.eligibility.usageCaps) {
      if (cap.unit !== undefined && cap.unit !== quota.unit) continue;
      const overShare =
        cap.maxFractionOfQuota !== undefined && exceedsShare(used, quota.included, cap.maxFractionOfQuota);
      const overUnits = cap.maxUnits !== undefined && used > cap.maxUnits;
      if (overShare || overUnits)
        bars.add('USAGE_CAP_EXCEEDED', `Used ${used} of ${quota.included} ${quota.unit} (cap "${cap.id}").`);
    }
  }
  return bars;
}

// ---- the technical-availability ground --------------------------------------------------

type TechnicalBasis = Extract<RefundBasis, { basis: 'technical_ground' }>;
type Ground =
  | { status: 'met'; viaIncident: boolean; reasons: Reasons }
  | { status: 'pending'; kind: 'technical_review' | 'remediation'; reasons: Reasons }
  | { status: 'failed'; reasons: Reasons }
  | { status: 'none'; claimed: boolean };

function technicalGround(c: Context, basis: TechnicalBasis): Ground {
  const { policy } = c;
  const { order, request, facts, asOf } = c.input;
  const verdict = facts.technicalReview;
  const providerFault = (r: Reasons): Reasons => (verdict === 'provider_fault' ? r.add('PROVIDER_FAULT') : r);

  if (basis.incidentsCount && facts.incidentConfirmed)
    return {
      status: 'met',
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
  if (basis.issueMustBeInWindow && !issueInsideWindow(policy, order, reportedAt))
    return { status: 'none', claimed: true };

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
    return { status: 'met', viaIncident: false, reasons: new Reasons().add('PROVIDER_FAULT') };

  const confirmed = verdict === 'provider_fault' || verdict === 'unresolved';
  if (deadline && c.ms(asOf) < c.ms(deadline)) {
    const reasons = new Reasons().add('REMEDIATION_PENDING', `The provider has until ${deadline} to fix it.`);
    if (basis.verificationRequired && !confirmed) reasons.add('NEEDS_TECHNICAL_REVIEW');
    return { status: 'pending', kind: 'remediation', reasons };
  }
  if ((basis.verificationRequired || deadline === undefined) && !confirmed)
    return {
      status: 'pending',
      kind: 'technical_review',
      reasons: new Reasons().add('NEEDS_TECHNICAL_REVIEW'),
    };
  const met = new Reasons();
  if (deadline) met.add('UNREMEDIATED_WITHIN_DEADLINE', `Not fixed by ${deadline}.`);
  return { status: 'met', viaIncident: false, reasons: providerFault(met) };
}

// ---- pro-rata shares --------------------------------------------------------------------

interface Share {
  amountMinor: number;
  whole: boolean;
  reasons: Reasons;
}

function proRataShare(c: Context, bases: readonly ProRataBasis[]): Share | undefined {
  const { order, usage, request } = c.input;
  for (const basis of bases) {
    if (basis === 'remaining_quota' && order.quota) {
      const { included, unit } = order.quota;
      const remaining = Math.max(0, included - (usage?.used ?? 0));
      const amountMinor = proRataRefundMinor(order, remaining, included);
      const detail = `${remaining} of ${included} ${unit} remain: ${formatMinor(amountMinor, order.currency)} of ${formatMinor(order.amountMinor, order.currency)}.`;
      return {
        amountMinor,
        whole: remaining >= included,
        reasons: new Reasons().add('PRORATA_REMAINING_QUOTA', detail),
      };
    }
    if (basis === 'remaining_time' && order.billing.kind === 'subscription') {
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
  }
  return undefined;
}

// ---- routes -----------------------------------------------------------------------------

function remainingValueRoute(c: Context, bases: readonly ProRataBasis[], bars: Reasons): Decision {
  const window = windowBars(c);
  if (bars.size > 0 || window.size > 0) return deny(c, bars.addAll(window));
  const share = proRataShare(c, bases);
  if (!share)
    return refund(
      c,
      c.cashMinor,
      true,
      new Reasons().add('WITHIN_WINDOW_LIGHT_USAGE', 'Nothing measurable was consumed.'),
    );
  return refund(c, share.amountMinor, share.whole, share.reasons);
}

function technicalRoute(c: Context, basis: TechnicalBasis, bars: Reasons, requestBars: Reasons): Decision {
  const { order, request } = c.input;
  // Before the service starts nothing has been rendered: only the account bars can stand in the way.
  const serviceStart = windowAnchor(c.policy, order);
  if (
    bars.size === 0 &&
    basis.fullRefundBeforeServiceStarts &&
    c.ms(request.requestedAt) < c.ms(serviceStart)
  )
    return refund(
      c,
      c.cashMinor,
      true,
      new Reasons().add(
        'WITHIN_WINDOW_LIGHT_USAGE',
        `The service had not started yet (it starts ${serviceStart}).`,
      ),
    );

  const ground = technicalGround(c, basis);
  const window = windowBars(c);
  bars.addAll(requestBars);
  if (ground.status === 'failed') bars.addAll(ground.reasons);
  const unclaimed = ground.status === 'none' && !ground.claimed;
  if (bars.size > 0)
    return deny(c, unclaimed ? bars.addAll(window).add('SERVICE_RENDERED') : bars.addAll(window));

  if (ground.status === 'met' && ground.viaIncident && window.size > 0 && basis.incidentBeyondWindow)
    return incidentRemedy(c, basis.incidentBeyondWindow, window, ground.reasons);
  if (window.size > 0) return deny(c, unclaimed ? window.add('SERVICE_RENDERED') : window);
  switch (ground.status) {
    case 'failed':
      return deny(c, ground.reasons);
    case 'none':
      return deny(
        c,
        new Reasons().add(
          'SERVICE_RENDERED',
          'No technical problem on the provider’s side was reported or confirmed.',
        ),
      );
    case 'pending':
      return review(c, ground.kind, ground.reasons);
    case 'met': {
      if (basis.onGroundMet === 'discretionary')
        return review(c, 'discretionary', ground.reasons.add('DISCRETIONARY_REVIEW'));
      const reasons =
        c.policy.eligibility.usageCaps.length > 0
          ? new Reasons().add('WITHIN_WINDOW_LIGHT_USAGE').addAll(ground.reasons)
          : ground.reasons;
      return refund(c, c.cashMinor, true, reasons);
    }
  }
}

function incidentRemedy(
  c: Context,
  remedy: NonNullable<TechnicalBasis['incidentBeyondWindow']>,
  window: Reasons,
  ground: Reasons,
): Decision {
  if (remedy.excludedPaymentMethods.includes(c.input.order.paymentMethod))
    return deny(c, new Reasons().add('CRYPTO_PAYMENT').addAll(window));
  const reasons = new Reasons().addAll(ground).add('PRORATA_INCIDENT').addAll(window);
  const share = proRataShare(c, remedy.proRata);
  if (share && share.amountMinor > 0)
    return refund(c, share.amountMinor, share.whole, reasons.addAll(share.reasons));
  return decide(c, 'service_extension', reasons, { extensionDays: remedy.extensionDays });
}

/** The policy applied to one refund request. Pure and deterministic. */
export function evaluate(policy: Policy, rawInput: EvaluationInput): Decision {
  const input = normalize(rawInput);
  const c: Context = {
    policy,
    input,
    cashMinor: cashPaidMinor(input.order),
    ms: (iso) => epochMillis(iso, policy.timeZone),
  };
  const { order, request } = input;
  const bars = accountBars(c);
  const requestBars = serviceBars(c);

  const finalSale = () => deny(c, new Reasons().add('ALL_SALES_FINAL').addAll(bars).addAll(requestBars));
  if (
    policy.allSalesFinal ||
    (order.productId !== undefined && policy.nonRefundableProductIds.includes(order.productId))
  )
    return finalSale();

  const rule = policy.reasonRules[request.reason];
  if (rule?.kind === 'review')
    return bars.size > 0
      ? deny(c, bars)
      : review(c, 'billing', new Reasons().add(rule.code).add('DISCRETIONARY_REVIEW'));

  switch (policy.refund.basis) {
    case 'none':
      return finalSale();
    case 'remaining_value':
      return remainingValueRoute(c, policy.refund.proRata, bars.addAll(requestBars));
    case 'technical_ground':
      return technicalRoute(c, policy.refund, bars, requestBars);
  }
}

/** Checks a reviewer's decision against the bounds of a needs_review decision; a message when out of bounds. */
export function checkReviewerDecision(
  pending: Decision,
  chosen: { outcome: Outcome; amountMinor?: number },
): string | undefined {
  if (pending.outcome !== 'needs_review' || !pending.review) return undefined;
  const allowed = pending.review.allowed.find((a) => a.outcome === chosen.outcome);
  if (!allowed)
    return `outcome: ${chosen.outcome} is not allowed here (allowed: ${pending.review.allowed.map((a) => a.outcome).join(', ')})`;
  const amount = chosen.amountMinor ?? 0;
  if (!Number.isSafeInteger(amount) || amount < 0) return 'amountMinor: expected a non-negative integer';
  if (amount > allowed.maxAmountMinor)
    return `amountMinor: at most ${allowed.maxAmountMinor} for ${chosen.outcome}`;
  return undefined;
}
