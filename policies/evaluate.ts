// evaluate(policy, input) → Decision: the policy applied to one refund request, with every
// reason that applied. Pure and deterministic — no clock, no I/O — because the workflow calls
// it inside Temporal's sandbox and must get the same answer on replay.
//
// Windows are judged at request.requestedAt; the remediation clock and review facts as known
// at input.asOf (default requestedAt). Only technical, discretionary, billing, unknown-usage and
// disputed cases wait for a person (needs_review); everything the policy settles mechanically is
// settled here. reviewerBounds() derives what a person may decide on any route from the same
// policy and facts, so no decision route allows more than the policy's sentence does.
import { epochMillis } from './calendar';
import {
  firstPurchaseOf,
  issueInsideWindow,
  remediationDeadline,
  requestDeadline,
  windowAnchor,
} from './clocks';
import { describeReason, type Outcome, type ReasonCode } from './codes';
import type { EvaluationInput, Facts, RequestReason } from './input';
import { cashPaidMinor, exceedsShare, formatMinor, proRataMinor, proRataRefundMinor } from './money';
import type { Policy, ProRataBasis, RefundBasis, ReviewBounds } from './policy';

export type { ReviewBounds };

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

  has(code: ReasonCode): boolean {
    return this.entries.has(code);
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

type Allowed = ReviewBounds['allowed'];
const DENIED: Allowed[number] = { outcome: 'denied', maxAmountMinor: 0 };

function review(
  c: Context,
  kind: ReviewBounds['kind'],
  reasons: Reasons,
  allowed: Allowed = [DENIED],
  note?: string,
): Decision {
  return decide(c, 'needs_review', reasons, { review: { kind, allowed, ...(note ? { note } : {}) } });
}

/** A partial refund is never the whole cash paid. */
function partialCeiling(c: Context): number {
  return Math.max(0, c.cashMinor - 1);
}

/** services-fix-first's "partial refund or credit … at our discretion", within its documented caps. */
function discretionAllowed(c: Context): Allowed {
  const discretion = c.policy.discretion;
  if (!discretion) return [DENIED];
  return [
    {
      outcome: 'partial_refund',
      maxAmountMinor: Math.min(
        proRataMinor(c.cashMinor, discretion.partialRefundMaxFraction, 1),
        partialCeiling(c),
      ),
    },
    {
      outcome: 'credit',
      maxAmountMinor: proRataMinor(c.input.order.amountMinor, discretion.creditMaxFraction, 1),
    },
    DENIED,
  ];
}

/** A billing error is corrected up to the amount charged in error, once that amount is established. */
function billingCorrection(c: Context): Allowed {
  const inError = c.input.facts.billingErrorMinor;
  if (!inError) return [];
  const max = Math.min(inError, c.cashMinor);
  const partial = { outcome: 'partial_refund' as const, maxAmountMinor: Math.min(max, partialCeiling(c)) };
  return max >= c.cashMinor ? [{ outcome: 'full_refund', maxAmountMinor: c.cashMinor }, partial] : [partial];
}

const BILLING_NOTE =
  'Record the amount charged in error (billingErrorMinor: in facts, or on the decision); a correction may pay back at most that amount.';

/** The most each outcome may give, when several sources allow the same outcome. */
function mergeAllowed(...lists: Allowed[]): Allowed {
  const merged = new Map<Allowed[number]['outcome'], Allowed[number]>();
  for (const entry of lists.flat()) {
    const seen = merged.get(entry.outcome);
    merged.set(
      entry.outcome,
      seen
        ? {
            ...seen,
            maxAmountMinor: Math.max(seen.maxAmountMinor, entry.maxAmountMinor),
            ...(entry.maxExtensionDays !== undefined
              ? { maxExtensionDays: Math.max(seen.maxExtensionDays ?? 0, entry.maxExtensionDays) }
              : {}),
          }
        : entry,
    );
  }
  return [...merged.values()];
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
interface CapCheck {
  bars: Reasons;
  unknown?: string;
}

function usageCaps(c: Context): CapCheck {
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

// ---- the technical-availability ground --------------------------------------------------

type TechnicalBasis = Extract<RefundBasis, { basis: 'technical_ground' }>;
type Ground =
  /** `timeless`: met on a ground with no time limit (a confirmed incident, a verified provider fault the policy counts). */
  | { status: 'met'; timeless: boolean; viaIncident: boolean; reasons: Reasons }
  /** `timeless`: the verification pending could find a fault that has no time limit. */
  | { status: 'pending'; kind: 'technical_review' | 'remediation'; timeless: boolean; reasons: Reasons }
  | { status: 'failed'; reasons: Reasons }
  | { status: 'none'; claimed: boolean };

function technicalGround(c: Context, basis: TechnicalBasis): Ground {
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

interface Share {
  amountMinor: number;
  /** Nothing of this measure was consumed. */
  whole: boolean;
  reasons: Reasons;
}

/** One measure of the unused share; 'unknown' when it needs a usage figure billing does not have. */
function measure(c: Context, basis: ProRataBasis): Share | 'unknown' | undefined {
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
function proRataShare(c: Context, bases: readonly ProRataBasis[]): Share | 'unknown' | undefined {
  for (const basis of bases) {
    const share = measure(c, basis);
    if (share !== undefined) return share;
  }
  return undefined;
}

/** The unused share: the smallest of every measure that applies (remaining quota and remaining time). */
function unusedShare(c: Context, bases: readonly ProRataBasis[]): Share | 'unknown' | undefined {
  let smallest: Share | undefined;
  for (const basis of bases) {
    const share = measure(c, basis);
    if (share === 'unknown') return 'unknown';
    if (share && (!smallest || share.amountMinor < smallest.amountMinor)) smallest = share;
  }
  return smallest;
}

// ---- routes -----------------------------------------------------------------------------

const USAGE_NOTE =
  'Report the usage (PUT /v1/orders/:orderId/usage) and the case decides again, or decide within these bounds.';

function remainingValueRoute(c: Context, bases: readonly ProRataBasis[], bars: Reasons): Decision {
  const window = windowBars(c);
  const caps = usageCaps(c);
  if (bars.size > 0 || window.size > 0 || caps.bars.size > 0)
    return deny(c, bars.addAll(window).addAll(caps.bars));
  const share = proRataShare(c, bases);
  if (share === 'unknown' || share === undefined || caps.unknown !== undefined) {
    const detail =
      caps.unknown ??
      (share === 'unknown'
        ? 'Billing has no usage figure for this order, so the unused share is unknown.'
        : 'The plan has neither a quota nor a billing period to measure the unused share by.');
    return review(
      c,
      'usage',
      new Reasons().add('USAGE_UNKNOWN', detail),
      [
        { outcome: 'full_refund', maxAmountMinor: c.cashMinor },
        { outcome: 'partial_refund', maxAmountMinor: partialCeiling(c) },
        DENIED,
      ],
      USAGE_NOTE,
    );
  }
  return refund(c, share.amountMinor, share.whole, share.reasons);
}

/** What a person may decide when an incident-remedy case lacks its usage figure. */
function remedyAllowed(c: Context, remedy: TechnicalBasis['incidentBeyondWindow']): Allowed {
  if (!remedy || remedy.excludedPaymentMethods.includes(c.input.order.paymentMethod)) return [];
  return [
    { outcome: 'partial_refund', maxAmountMinor: partialCeiling(c) },
    ...(remedy.extensionDays !== undefined
      ? [{ outcome: 'service_extension' as const, maxAmountMinor: 0, maxExtensionDays: remedy.extensionDays }]
      : []),
  ];
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
  const caps = usageCaps(c);
  const barred = windowBars(c).addAll(caps.bars);
  bars.addAll(requestBars);
  if (ground.status === 'failed') bars.addAll(ground.reasons);
  const unclaimed = ground.status === 'none' && !ground.claimed;
  if (bars.size > 0)
    return deny(c, unclaimed ? bars.addAll(barred).add('SERVICE_RENDERED') : bars.addAll(barred));

  const remedy = basis.incidentBeyondWindow;
  if (ground.status === 'met' && ground.timeless && barred.size > 0 && remedy)
    return beyondWindowRemedy(c, remedy, barred, ground);
  // Only a verification can tell whether a fault with no time limit stands behind a late claim.
  if (
    ground.status === 'pending' &&
    ground.timeless &&
    !barred.has('NOT_FIRST_PURCHASE') &&
    caps.bars.size === 0
  )
    return review(c, ground.kind, ground.reasons);
  if (barred.size > 0) return deny(c, unclaimed ? barred.add('SERVICE_RENDERED') : barred);
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
      if (caps.unknown !== undefined)
        return review(
          c,
          'usage',
          new Reasons().addAll(ground.reasons).add('USAGE_UNKNOWN', caps.unknown),
          mergeAllowed(
            [{ outcome: 'full_refund', maxAmountMinor: c.cashMinor }],
            ground.viaIncident ? remedyAllowed(c, remedy) : [],
            [DENIED],
          ),
          USAGE_NOTE,
        );
      if (basis.onGroundMet === 'discretionary')
        return review(c, 'discretionary', ground.reasons.add('DISCRETIONARY_REVIEW'), discretionAllowed(c));
      const reasons =
        c.policy.eligibility.usageCaps.length > 0
          ? new Reasons().add('WITHIN_WINDOW_LIGHT_USAGE').addAll(ground.reasons)
          : ground.reasons;
      return refund(c, c.cashMinor, true, reasons);
    }
  }
}

/**
 * A confirmed incident (or a verified provider fault the policy counts) where the window, the
 * caps or a repeat purchase bar the full refund: never more than the unused share, and never
 * the whole price; when nothing was consumed, a service extension if the policy offers one.
 */
function beyondWindowRemedy(
  c: Context,
  remedy: NonNullable<TechnicalBasis['incidentBeyondWindow']>,
  barred: Reasons,
  ground: Extract<Ground, { status: 'met' }>,
): Decision {
  if (remedy.excludedPaymentMethods.includes(c.input.order.paymentMethod))
    return deny(c, new Reasons().add('CRYPTO_PAYMENT').addAll(barred));
  const reasons = new Reasons().addAll(ground.reasons);
  if (ground.viaIncident) reasons.add('PRORATA_INCIDENT');
  reasons.addAll(barred);
  const share = unusedShare(c, remedy.proRata);
  if (share === 'unknown' || share === undefined)
    return review(
      c,
      'usage',
      reasons.add(
        'USAGE_UNKNOWN',
        share === 'unknown'
          ? 'Billing has no usage figure for this order, so the unused share is unknown.'
          : 'The plan has neither a quota nor a billing period to measure the unused share by.',
      ),
      mergeAllowed(remedyAllowed(c, remedy), [DENIED]),
      USAGE_NOTE,
    );
  if (share.amountMinor > 0 && !share.whole && share.amountMinor < c.cashMinor)
    return refund(c, share.amountMinor, false, reasons.addAll(share.reasons));
  if (remedy.extensionDays !== undefined)
    return decide(c, 'service_extension', reasons.addAll(share.reasons), {
      extensionDays: remedy.extensionDays,
    });
  if (share.amountMinor <= 0)
    return deny(c, new Reasons().add('SERVICE_RENDERED', 'Nothing of the term remains.').addAll(barred));
  // Nothing consumed and no extension offered: a person decides, never the whole price.
  return review(c, 'discretionary', reasons.add('DISCRETIONARY_REVIEW'), [
    { outcome: 'partial_refund', maxAmountMinor: partialCeiling(c) },
    DENIED,
  ]);
}

function mechanical(c: Context): Decision {
  const { policy } = c;
  const { order, request } = c.input;
  const bars = accountBars(c);
  const requestBars = serviceBars(c);

  const finalSale = () => deny(c, new Reasons().add('ALL_SALES_FINAL').addAll(bars).addAll(requestBars));
  if (
    policy.allSalesFinal ||
    (order.productId !== undefined && policy.nonRefundableProductIds.includes(order.productId))
  )
    return finalSale();

  const rule = policy.reasonRules[request.reason];
  if (rule?.kind === 'review') {
    if (bars.size > 0) return deny(c, bars);
    const correction = billingCorrection(c);
    return review(
      c,
      'billing',
      new Reasons().add(rule.code).add('DISCRETIONARY_REVIEW'),
      [...correction, DENIED],
      correction.length === 0 ? BILLING_NOTE : undefined,
    );
  }

  switch (policy.refund.basis) {
    case 'none':
      return finalSale();
    case 'remaining_value':
      return remainingValueRoute(c, policy.refund.proRata, bars.addAll(requestBars));
    case 'technical_ground':
      return technicalRoute(c, policy.refund, bars, requestBars);
  }
}

/** A disputed denial goes to a person: uphold it, or decide within the policy's discretionary bounds. */
function disputeReview(c: Context, denial: Decision): Decision {
  const discretion = c.policy.discretion;
  // Exceptions outside the general terms, never while the card network reverses the payment.
  const exceptions =
    discretion?.exceptionsOutsideTerms && !c.input.facts.chargebackActive ? discretionAllowed(c) : [];
  const correction = billingCorrection(c);
  return {
    ...denial,
    outcome: 'needs_review',
    amountMinor: 0,
    reasons: [...denial.reasons, 'DISPUTE_REVIEW'],
    explanations: [...denial.explanations, describeReason('DISPUTE_REVIEW')],
    review: {
      kind: 'dispute',
      allowed: mergeAllowed([DENIED], exceptions, correction),
      ...(correction.length === 0 ? { note: BILLING_NOTE } : {}),
    },
  };
}

function context(policy: Policy, rawInput: EvaluationInput): Context {
  const input = normalize(rawInput);
  return {
    policy,
    input,
    cashMinor: cashPaidMinor(input.order),
    ms: (iso) => epochMillis(iso, policy.timeZone),
  };
}

/** The policy applied to one refund request. Pure and deterministic. */
export function evaluate(policy: Policy, rawInput: EvaluationInput): Decision {
  const c = context(policy, rawInput);
  const decision = mechanical(c);
  if (c.input.facts.disputedAt !== undefined && decision.outcome === 'denied')
    return disputeReview(c, decision);
  return decision;
}

/**
 * Where a person's decision comes from: the review a needs_review case waits for, an escalated
 * case (a deadline passed), or a dispute of a denial.
 */
export type DecisionRoute = 'review' | 'escalation' | 'dispute';

/** A person's decision, as the decide route carries it. */
export interface ReviewerChoice {
  outcome: Outcome;
  /** Cash to refund or credit to grant (minor units); a full refund is the cash paid. */
  amountMinor?: number;
  extensionDays?: number;
}

/** For a case the policy decides by itself: its outcome, or less. */
function policyOutcomeBounds(decision: Decision): ReviewBounds {
  const allowed: Allowed = [DENIED];
  switch (decision.outcome) {
    case 'full_refund':
      allowed.push(
        { outcome: 'full_refund', maxAmountMinor: decision.amountMinor },
        { outcome: 'partial_refund', maxAmountMinor: Math.max(0, decision.amountMinor - 1) },
      );
      break;
    case 'partial_refund':
      allowed.push({ outcome: 'partial_refund', maxAmountMinor: decision.amountMinor });
      break;
    case 'credit':
      allowed.push({ outcome: 'credit', maxAmountMinor: decision.creditMinor ?? decision.amountMinor });
      break;
    case 'service_extension':
      allowed.push({
        outcome: 'service_extension',
        maxAmountMinor: 0,
        maxExtensionDays: decision.extensionDays ?? 0,
      });
      break;
    default:
      break;
  }
  return { kind: 'policy_outcome', allowed };
}

/**
 * What a person may decide on this case, by this route, derived from the policy and the case's
 * facts alone (never from a pending decision the case happens to hold). A dispute is judged as a
 * disputed denial at `facts.disputedAt` (default asOf).
 */
export function reviewerBounds(policy: Policy, input: EvaluationInput, route: DecisionRoute): ReviewBounds {
  const disputedAt = input.facts?.disputedAt ?? input.asOf ?? input.request.requestedAt;
  const decision = evaluate(
    policy,
    route === 'dispute' ? { ...input, facts: { ...input.facts, disputedAt } } : input,
  );
  return decision.review ?? policyOutcomeBounds(decision);
}

/**
 * Checks a person's decision against reviewerBounds(): a message naming the field when it asks
 * for more than the policy allows, undefined when it is within bounds. The workflow calls this
 * for every decision, whatever state the case is in.
 */
export function checkReviewerChoice(
  policy: Policy,
  input: EvaluationInput,
  route: DecisionRoute,
  choice: ReviewerChoice,
): string | undefined {
  const bounds = reviewerBounds(policy, input, route);
  const problem = checkAgainst(bounds, choice, cashPaidMinor(normalize(input).order));
  return problem && bounds.note ? `${problem}. ${bounds.note}` : problem;
}

function checkAgainst(bounds: ReviewBounds, choice: ReviewerChoice, cashMinor: number): string | undefined {
  const allowed = bounds.allowed.find((a) => a.outcome === choice.outcome);
  if (!allowed)
    return `outcome: ${choice.outcome} is not allowed here (${bounds.kind}; allowed: ${bounds.allowed.map((a) => a.outcome).join(', ')})`;
  const amount = choice.amountMinor ?? (choice.outcome === 'full_refund' ? cashMinor : 0);
  if (!Number.isSafeInteger(amount) || amount < 0) return 'amountMinor: expected a non-negative integer';
  if (amount > allowed.maxAmountMinor)
    return `amountMinor: at most ${allowed.maxAmountMinor} for ${choice.outcome}`;
  if (choice.outcome === 'service_extension' && allowed.maxExtensionDays !== undefined) {
    const days = choice.extensionDays ?? 0;
    if (days > allowed.maxExtensionDays) return `extensionDays: at most ${allowed.maxExtensionDays}`;
  }
  return undefined;
}

/**
 * Checks a reviewer's decision against the bounds a needs_review decision carries.
 * @deprecated Use checkReviewerChoice(policy, input, route, choice): it derives the bounds from
 * the policy and the facts for every route; this one has nothing to check against when the case's
 * decision carries no bounds.
 */
export function checkReviewerDecision(
  pending: Decision,
  chosen: { outcome: Outcome; amountMinor?: number },
): string | undefined {
  if (pending.outcome !== 'needs_review' || !pending.review) return undefined;
  return checkAgainst(pending.review, chosen, Number.MAX_SAFE_INTEGER);
}
